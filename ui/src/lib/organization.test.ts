import { describe, expect, it } from "vitest";
import type { AuditEventRow } from "./bindings/AuditEventRow";
import type { OrgAppRow } from "./bindings/OrgAppRow";
import { compare, countAnswering, filterApps, grants, levelRank, searchEvents } from "./organization";

function app(slug: string, permissions: Record<string, string>): OrgAppRow {
  return {
    installation_id: slug.length,
    app_id: slug.length,
    app_slug: slug,
    repository_selection: "all",
    installed_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    suspended_at: null,
    permissions,
    events: [],
    ours: false,
    html_url: null,
  };
}

const deployBot = app("deploy-bot", { contents: "write", metadata: "read" });
const ciRunner = app("ci-runner", { contents: "read", checks: "write" });
const repoSettings = app("repo-settings", { administration: "write", contents: "admin" });
const apps = [deployBot, ciRunner, repoSettings];

describe("installed apps", () => {
  it("ranks levels and matches a permission at its level or above", () => {
    expect(levelRank("admin")).toBeGreaterThan(levelRank("write"));
    expect(levelRank(null)).toBe(0);
    expect(grants(deployBot, { permission: "contents", level: "write" })).toBe(true);
    expect(grants(ciRunner, { permission: "contents", level: "write" })).toBe(false);
    expect(grants(repoSettings, { permission: "contents", level: "write" })).toBe(true);
    expect(grants(ciRunner, { permission: "", level: "admin" })).toBe(true);
  });

  it("filters by permission and search, and counts who answers a question", () => {
    expect(filterApps(apps, { permission: "contents", level: "write" }, "").map((a) => a.app_slug)).toEqual(["deploy-bot", "repo-settings"]);
    expect(filterApps(apps, { permission: "", level: "read" }, "checks").map((a) => a.app_slug)).toEqual(["ci-runner"]);
    expect(countAnswering(apps, { permission: "administration", level: "write" })).toBe(1);
  });

  it("compares apps side by side, one row per permission any of them has", () => {
    expect(compare([deployBot, ciRunner])).toEqual([
      { permission: "checks", levels: [null, "write"] },
      { permission: "contents", levels: ["write", "read"] },
      { permission: "metadata", levels: ["read", null] },
    ]);
  });
});

describe("audit log", () => {
  const event = (index: number, action: string, fields: [string, string][] = []): AuditEventRow => ({
    index,
    at: null,
    action,
    actor: "mona",
    subject: null,
    country: null,
    fields,
  });
  it("searches actions, actors and any field", () => {
    const events = [event(0, "repo.create"), event(1, "integration_installation.create", [["integration", "ci-runner"]])];
    expect(searchEvents(events, "integration").map((e) => e.index)).toEqual([1]);
    expect(searchEvents(events, "CI-RUNNER").map((e) => e.index)).toEqual([1]);
    expect(searchEvents(events, "mona")).toHaveLength(2);
    expect(searchEvents(events, "  ")).toHaveLength(2);
  });
});
