#!/usr/bin/env python3
"""Writes the licences of the Rust crates built into appwarden-desktop (on x86-64 Linux) to
src-tauri/licenses/crates.json, from `cargo metadata` (Cargo.lock and each crate's manifest),
for the About dialog. The web UI's bundled npm packages are listed by the UI build itself
(ui/vite.config.ts writes dist/licenses.json). With --check, fails when the file is stale."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src-tauri" / "licenses" / "crates.json"


def crates():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked",
             "--filter-platform", "x86_64-unknown-linux-gnu"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )
    packages = {p["id"]: p for p in metadata["packages"]}
    nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}
    root = next(p["id"] for p in metadata["packages"] if p["name"] == "appwarden-desktop")
    seen, stack = set(), [root]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for dep in nodes[current]["deps"]:
            # Normal dependencies only: what is linked into the binary.
            if any(kind["kind"] is None for kind in dep["dep_kinds"]):
                stack.append(dep["pkg"])
    rows = []
    for package_id in seen:
        package = packages[package_id]
        if package["source"] is None:  # the workspace's own crates
            continue
        rows.append({
            "name": package["name"],
            "version": package["version"],
            "license": package.get("license") or "see its license file",
            "repository": package.get("repository"),
        })
    return sorted(rows, key=lambda r: (r["name"], r["version"]))


def main():
    text = json.dumps(crates(), indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit(f"{OUT.relative_to(ROOT)} is stale: run `python3 scripts/licenses.py` and commit it")
        return
    OUT.write_text(text)
    print(f"{len(json.loads(text))} crates in {OUT.relative_to(ROOT)}")


main()
