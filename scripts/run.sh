#!/usr/bin/env bash
# Runs Appwarden without needing a real GitHub App: starts ghsim (a simulated GitHub) with
# a demo app and some hundreds of installations, stores the demo app's key in your OS
# keyring under the name "Demo (simulated GitHub)", and shows the CLI at work. Ctrl-C stops it.
#
# With no D-Bus session (a headless machine), it starts a private one with gnome-keyring,
# whose keyring lives in a temporary directory for the length of the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${APPWARDEN_RUN_INNER:-}" ]]; then
  bash scripts/install-deps.sh
  if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
    keyring_home=$(mktemp -d)
    trap 'rm -rf "$keyring_home"' EXIT
    echo "No D-Bus session: starting a private one with gnome-keyring (temporary keyring)."
    APPWARDEN_RUN_INNER=1 XDG_DATA_HOME="$keyring_home" dbus-run-session -- sh -c \
      'printf %s demo | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec bash scripts/run.sh'
    exit
  fi
fi
cargo build --release --locked -p ghsim -p appwarden-cli
bin=target/release

workdir=$(mktemp -d)
trap 'kill "${sim_pid:-}" 2>/dev/null || true; rm -rf "$workdir"' EXIT
"$bin/ghsim" --installations "${DEMO_INSTALLATIONS:-300}" --latency-ms 30 \
  --write-demo-key "$workdir/demo.pem" >"$workdir/sim.json" &
sim_pid=$!
for _ in $(seq 50); do [[ -s "$workdir/sim.json" ]] && break; sleep 0.1; done
api_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_url"])' "$workdir/sim.json")
echo "Simulated GitHub at $api_url"

run() { echo; printf '$ appwarden'; printf ' %q' "$@"; echo; "$bin/appwarden" "$@"; }
name="Demo (simulated GitHub)"
"$bin/appwarden" app remove "$name" >/dev/null 2>&1 || true
run app add --name "$name" --app-id 1 --api-url "$api_url" --key "$workdir/demo.pem"
rm -f "$workdir/demo.pem"   # from here on the key exists only in the OS keyring
run app list
run app verify "$name"
run installations --app "$name" | head -15
login=$("$bin/appwarden" installations --app "$name" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["account"]["login"])')
run token --app "$name" --installation "$login" --permission contents=read --json
echo
echo "ghsim keeps running at $api_url; try other commands with --app \"$name\". Ctrl-C to stop."
wait "$sim_pid"
