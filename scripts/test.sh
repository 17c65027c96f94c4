#!/usr/bin/env bash
# The whole test suite: formatting, lints and type checks (Rust and UI), unit tests (Rust and
# Vitest), the IPC bindings' staleness check, and system tests (the core and the CLI against
# ghsim over HTTP, the real Secret Service on a private D-Bus bus, openssl, PyJWT and GitHub's
# OpenAPI description as independent checkers, and the real desktop window under Xvfb driven
# through WebDriver), the installable packages (built, unpacked and run), then the benchmark
# suite once at a tiny size so that it keeps working.
# Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
# Incremental compilation only helps a rebuild; on a clean clone it is gigabytes of disk for nothing.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

bash scripts/install-deps.sh
bash scripts/install-bench-peers.sh

echo "== UI: type check, lint, unit tests, build"
(cd ui && npm run --silent check && npm run --silent lint && NO_COLOR=1 npm run --silent test | tee /tmp/appwarden-vitest.log && npm run --silent build)

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== IPC bindings are current"
bindings=$(mktemp -d)
# The core's own exported types (command arguments such as Review) as well as the desktop's.
TS_RS_EXPORT_DIR="$bindings" cargo test --locked -q -p appwarden-core -p appwarden-desktop --lib export_bindings >/dev/null
if ! diff -r "$bindings" ui/src/lib/bindings; then
  echo "ui/src/lib/bindings is stale: run 'cargo test -p appwarden-core -p appwarden-desktop --lib export_bindings' and commit the result" >&2
  exit 1
fi
rm -rf "$bindings"
echo "== bundled licences are current"
python3 scripts/licenses.py --check

echo "== packages (.deb, .rpm), checked by tests/package.rs"
bash scripts/package.sh

echo "== cargo test"
cargo build --workspace --bins --locked
log=$(mktemp)
trap 'rm -f "$log"' EXIT
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" cargo test --workspace --locked 2>&1 | tee "$log"

echo "== benchmark suite, once at a tiny size (figures not checked: see scripts/bench.sh)"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" target/debug/appwarden-bench --quick --out target/bench/quick.md >/dev/null

# One closing line with the totals over every test binary and Vitest.
vitest_passed=$(sed -n 's/^ *Tests *\([0-9]*\) passed.*/\1/p' /tmp/appwarden-vitest.log | tail -1)
awk -v vp="${vitest_passed:-0}" '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p + vp, f }' "$log"
