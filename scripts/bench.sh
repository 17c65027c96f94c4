#!/usr/bin/env bash
# The benchmark suite: Appwarden side by side with @octokit/app, PyGithub and a serial loop,
# against ghsim (1,000, 10,000 and 100,000 installations; 0 and 100 ms per request), the
# desktop app (release build, under Xvfb when there is no display) and the CLI's memory, at
# 10,000 and 100,000. Writes bench/RESULTS.md. About 45 minutes with `--peer-runs 1`.
# Arguments go to the harness (`--help` lists them), e.g. `--runs 3`, or `--skip-listing` to
# measure only the CLI's memory and the window.
# BENCH_SMAPS_DIR=DIR (an existing directory) keeps the desktop processes' /proc smaps at
# each memory measurement; BENCH_PSS_LATER=1 prints the window's PSS again 3, 5 and 10 s later
# (to tell heap that is kept from garbage not yet collected).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-bench-peers.sh
(cd ui && npm run --silent build)
cargo build --release --locked -p appwarden-bench -p appwarden-cli -p appwarden-desktop
run=(target/release/appwarden-bench "$@")
if [[ -z "${DISPLAY:-}" ]]; then
  run=(xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "${run[@]}")
fi
"${run[@]}"
