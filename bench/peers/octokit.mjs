// Benchmark peer: @octokit/app, used as its README shows. Reads BENCH_* variables, prints one
// JSON line. Timing starts after the module is loaded, so Node's start-up is not counted.
//   BENCH_MODE=list: every installation through app.eachInstallation (pages of 30, serial).
//   BENCH_MODE=mint: an installation token cold (new App) and again (auth-app's cache).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { App } from "@octokit/app";
import { Octokit } from "@octokit/core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

function newApp() {
  return new App({
    appId: Number(env("BENCH_APP_ID")),
    privateKey: readFileSync(env("BENCH_KEY_FILE"), "utf8"),
    Octokit: Octokit.defaults({ baseUrl: env("BENCH_API") }),
  });
}

async function list() {
  const app = newApp();
  const started = performance.now();
  let first = null;
  const ids = new Set();
  for await (const { installation } of app.eachInstallation.iterator()) {
    if (first === null) first = performance.now() - started;
    ids.add(installation.id);
  }
  return { count: ids.size, first_ms: first, total_ms: performance.now() - started };
}

async function mint() {
  const installationId = Number(env("BENCH_INSTALLATION"));
  const app = newApp();
  let started = performance.now();
  const cold = await app.octokit.auth({ type: "installation", installationId });
  const cold_ms = performance.now() - started;
  started = performance.now();
  const again = await app.octokit.auth({ type: "installation", installationId });
  const repeat_ms = performance.now() - started;
  if (!cold.token || again.token !== cold.token) throw new Error("unexpected tokens");
  return { cold_ms, repeat_ms };
}

const mode = env("BENCH_MODE");
const result = mode === "list" ? await list() : await mint();
process.stdout.write(JSON.stringify(result) + "\n");
