#!/usr/bin/env bash
# Installs what building and testing Appwarden needs on a fresh Debian machine. Idempotent:
# installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  build-essential pkg-config cmake openssl   # compilers; aws-lc (JWT signing, TLS) builds with cc
  libdbus-1-dev                              # the keyring crate's Secret Service client
  dbus gnome-keyring libsecret-tools         # a real Secret Service for the tests
  python3 python3-pip                        # the independent JWT verifier (PyJWT)
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev file  # Tauri
  xvfb xauth webkit2gtk-driver fonts-dejavu-core imagemagick xclip                                 # the window, headless
  desktop-file-utils appstream man-db rpm x11-utils                                                # checking the packages
  softhsm2 opensc                                                                                  # a real PKCS#11 token (SoftHSM2) and pkcs11-tool
)
# npm fetches GitHub's OpenAPI description; a machine may already have it from elsewhere.
command -v npm >/dev/null || apt_packages+=(nodejs npm)

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
if ! command -v tauri-driver >/dev/null; then
  echo "install-deps: cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

# The web UI's packages (exact versions from ui/package-lock.json).
if [[ ! -d ui/node_modules ]] || [[ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci (ui/)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! python3 -c 'import jwt, cryptography, jsonschema' 2>/dev/null; then
  echo "install-deps: pip install pyjwt[crypto] jsonschema"
  python3 -m pip install -q 'pyjwt[crypto]' jsonschema 2>/dev/null \
    || python3 -m pip install -q --break-system-packages 'pyjwt[crypto]' jsonschema
fi

# GitHub's official OpenAPI description, which ghsim's responses are checked against.
openapi_version=23.0.2
openapi_dir="${XDG_CACHE_HOME:-$HOME/.cache}/appwarden/openapi-$openapi_version"
if [[ ! -s "$openapi_dir/api.github.com.json" || ! -s "$openapi_dir/ghec.json" ]]; then
  echo "install-deps: @octokit/openapi@$openapi_version"
  mkdir -p "$openapi_dir"
  tarball=$(cd "$openapi_dir" && npm pack --silent "@octokit/openapi@$openapi_version")
  tar -xzf "$openapi_dir/$tarball" -C "$openapi_dir" --strip-components=2 \
    package/generated/api.github.com.json package/generated/ghec.json package/generated/ghes-3.19.json
  rm -f "$openapi_dir/$tarball"
fi
