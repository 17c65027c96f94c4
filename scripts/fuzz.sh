#!/usr/bin/env bash
# Fuzzes what reads untrusted input (key files, pasted fingerprints) with cargo-fuzz
# (libFuzzer), starting from committed seeds: the test key fixtures (tests/fixtures/keys) for
# key parsing, fuzz/corpus/fingerprints for pasted text. Installs the nightly
# toolchain and cargo-fuzz when missing. Each target runs for SECONDS (default 600).
#   bash scripts/fuzz.sh            # both targets, 10 minutes each, one after the other
#   bash scripts/fuzz.sh 60 key_parsing
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(key_parsing fingerprints)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

cd fuzz
for target in "${targets[@]}"; do
  echo "== fuzzing $target for ${seconds}s"
  # New inputs go to a scratch directory; the committed seeds are only read.
  scratch="../target/fuzz-corpus/$target"
  mkdir -p "$scratch"
  seeds="corpus/$target"
  [[ "$target" == key_parsing ]] && seeds="../tests/fixtures/keys"
  cargo +nightly fuzz run "$target" "$scratch" "$seeds" -- \
    -max_total_time="$seconds" -print_final_stats=1 2>&1 | tail -n 25
done
