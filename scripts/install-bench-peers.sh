#!/usr/bin/env bash
# Installs the benchmark-only peers from their registries, idempotently: @octokit/app from npm
# (bench/peers/package-lock.json) and PyGithub from PyPI (bench/peers/requirements.txt) into
# target/bench-peers/python. Nothing here is a dependency of Appwarden itself.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d bench/peers/node_modules/@octokit/app ]] || [[ bench/peers/package-lock.json -nt bench/peers/node_modules/.package-lock.json ]]; then
  echo "install-bench-peers: npm ci (@octokit/app)"
  (cd bench/peers && npm ci --silent --no-audit --no-fund)
fi
python_dir=target/bench-peers/python
stamp="$python_dir/.requirements"
if ! cmp -s bench/peers/requirements.txt "$stamp" 2>/dev/null; then
  echo "install-bench-peers: pip install PyGithub"
  rm -rf "$python_dir"
  python3 -m pip install -q --disable-pip-version-check --target "$python_dir" -r bench/peers/requirements.txt
  cp bench/peers/requirements.txt "$stamp"
fi
