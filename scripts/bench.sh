#!/usr/bin/env bash
# The benchmark suite: Appwarden side by side with @octokit/app, PyGithub and a serial loop,
# against ghsim (1,000 and 10,000 installations; 0 and 100 ms per request), the desktop app
# (release build, under Xvfb when there is no display) and the CLI's memory. Writes
# bench/RESULTS.md. Arguments go to the harness (`--help` lists them), e.g. `--runs 3`.
# BENCH_SMAPS_DIR=DIR keeps the desktop processes' /proc smaps at each memory measurement.
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
