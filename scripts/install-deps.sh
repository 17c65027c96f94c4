#!/usr/bin/env bash
# Installs what building and testing Appwarden needs on a fresh Debian machine. Idempotent:
# installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

apt_packages=(
  build-essential pkg-config cmake openssl   # compilers; aws-lc (JWT signing, TLS) builds with cc
  libdbus-1-dev                              # the keyring crate's Secret Service client
  dbus gnome-keyring libsecret-tools         # a real Secret Service for the tests
  python3 python3-pip                        # the independent JWT verifier (PyJWT)
)

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "install-deps: cargo is missing; install Rust from https://rustup.rs" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

if ! python3 -c 'import jwt, cryptography' 2>/dev/null; then
  echo "install-deps: pip install pyjwt[crypto]"
  python3 -m pip install -q 'pyjwt[crypto]' 2>/dev/null \
    || python3 -m pip install -q --break-system-packages 'pyjwt[crypto]'
fi
