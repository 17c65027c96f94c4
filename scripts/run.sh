#!/usr/bin/env bash
# Runs Appwarden without needing a real GitHub App (demo mode): starts ghsim (a simulated
# GitHub) with a demo app and 500 installations, stores the demo app's key in the OS keyring,
# and opens the desktop app on it, labelled "Simulated GitHub". Closing the window ends the
# demo and deletes the demo key from the keyring. `run.sh --cli` shows the CLI instead.
#
# With no D-Bus session (a headless machine) it starts a private one with gnome-keyring; with
# no display it runs the window inside Xvfb and saves a screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-desktop}

if [[ -z "${APPWARDEN_RUN_INNER:-}" ]]; then
  bash scripts/install-deps.sh
  (cd ui && npm run --silent build)
  cargo build --release --locked -p ghsim -p appwarden-cli -p appwarden-desktop
  export APPWARDEN_RUN_INNER=1
  inner=(bash scripts/run.sh "$mode")
  if [[ -z "${DISPLAY:-}" && "$mode" != "--cli" ]]; then
    echo "No display: the window runs inside Xvfb; a screenshot is saved to target/run-screenshot.png."
    export APPWARDEN_RUN_XVFB=1
    inner=(xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "${inner[@]}")
  fi
  if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
    keyring_home=$(mktemp -d)
    trap 'rm -rf "$keyring_home"' EXIT
    echo "No D-Bus session: starting a private one with gnome-keyring (temporary keyring)."
    XDG_DATA_HOME="$keyring_home" dbus-run-session -- sh -c \
      'printf %s demo | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' sh "${inner[@]}"
    exit
  fi
  exec "${inner[@]}"
fi

bin=target/release
workdir=$(mktemp -d)
export APPWARDEN_CONFIG_DIR="$workdir/config"   # the demo never touches your own app list
name="Appwarden Demo"
cleanup() {
  "$bin/appwarden" app remove "$name" >/dev/null 2>&1 || true   # deletes the demo key from the keyring
  kill "${sim_pid:-}" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT
"$bin/ghsim" --installations "${DEMO_INSTALLATIONS:-500}" --latency-ms 60 \
  --write-demo-key "$workdir/demo.pem" >"$workdir/sim.json" &
sim_pid=$!
for _ in $(seq 100); do [[ -s "$workdir/sim.json" ]] && break; sleep 0.1; done
api_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_url"])' "$workdir/sim.json")
echo "Simulated GitHub at $api_url"
"$bin/appwarden" app add --name "$name" --app-id 1 --api-url "$api_url" --key "$workdir/demo.pem" >/dev/null
rm -f "$workdir/demo.pem"   # from here on the key exists only in the OS keyring

if [[ "$mode" == "--cli" ]]; then
  run() { echo; printf '$ appwarden'; printf ' %q' "$@"; echo; "$bin/appwarden" "$@"; }
  run app list
  run app verify "$name"
  run installations --app "$name" | head -15
  login=$("$bin/appwarden" installations --app "$name" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["account"]["login"])')
  run token --app "$name" --installation "$login" --permission contents=read --json
  exit
fi

export APPWARDEN_DEMO=1 NO_AT_BRIDGE=1
if [[ -n "${APPWARDEN_RUN_XVFB:-}" ]]; then
  ( sleep 6; import -window root target/run-screenshot.png 2>/dev/null && echo "Screenshot: target/run-screenshot.png" ) &
fi
echo "Opening Appwarden (close the window to end the demo)."
"$bin/appwarden-desktop"
