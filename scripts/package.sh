#!/usr/bin/env bash
# Builds Appwarden's installable packages, a .deb and an .rpm, into target/release/bundle/
# with Tauri's bundler (the Tauri CLI from npm, pinned in ui/package.json). Each holds the
# desktop app (desktop entry, icons, AppStream metainfo), the appwarden CLI, its man pages
# (one per command, generated from its own definitions) and completions for bash, zsh and
# fish. AppImage is not built: its tools are downloaded at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

cargo build --release --locked -p appwarden-cli
out=target/package
rm -rf "$out"
mkdir -p "$out/man1" "$out/completions"
target/release/appwarden manpages "$out/man1"
gzip -9n "$out"/man1/*.1
target/release/appwarden completions bash >"$out/completions/appwarden"
target/release/appwarden completions zsh >"$out/completions/_appwarden"
target/release/appwarden completions fish >"$out/completions/appwarden.fish"
gzip -9n <packaging/changelog >"$out/changelog.Debian.gz"

rm -rf target/release/bundle/deb target/release/bundle/rpm
# The bundler builds the desktop app in release mode (the UI first, by beforeBuildCommand).
(cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb,rpm --config ../packaging/tauri.bundle.json)
ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
