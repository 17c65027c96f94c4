"""Benchmark peer: PyGithub, used with its defaults. Reads BENCH_* variables, prints one JSON
line. Timing starts after the imports, so Python's start-up is not counted.

BENCH_MODE=list: every installation through GithubIntegration.get_installations() (pages of
30, serial, with PyGithub's default 0.25 s between requests).
BENCH_MODE=mint: GithubIntegration.get_access_token() twice (PyGithub keeps no token cache).
"""

import json
import os
import time

from github import Auth, GithubIntegration


def integration() -> GithubIntegration:
    with open(os.environ["BENCH_KEY_FILE"], encoding="utf-8") as key:
        auth = Auth.AppAuth(int(os.environ["BENCH_APP_ID"]), key.read())
    return GithubIntegration(auth=auth, base_url=os.environ["BENCH_API"])


def list_all() -> dict:
    gi = integration()
    started = time.perf_counter()
    first = None
    ids = set()
    for installation in gi.get_installations():
        if first is None:
            first = (time.perf_counter() - started) * 1000
        ids.add(installation.id)
    return {"count": len(ids), "first_ms": first, "total_ms": (time.perf_counter() - started) * 1000}


def mint() -> dict:
    installation_id = int(os.environ["BENCH_INSTALLATION"])
    gi = integration()
    started = time.perf_counter()
    cold = gi.get_access_token(installation_id)
    cold_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    again = gi.get_access_token(installation_id)
    repeat_ms = (time.perf_counter() - started) * 1000
    if not cold.token or not again.token:
        raise SystemExit("unexpected tokens")
    return {"cold_ms": cold_ms, "repeat_ms": repeat_ms}


result = list_all() if os.environ["BENCH_MODE"] == "list" else mint()
print(json.dumps(result))
