import { describe, expect, it } from "vitest";
import type { ActivityRow } from "./bindings/ActivityRow";
import { choices, filterActivity, noActivityFilters } from "./activity";

const row = (line: number, app: string | null, action: ActivityRow["action"], outcome: ActivityRow["outcome"] = "succeeded"): ActivityRow => ({
  line,
  at: "2026-12-01T10:00:00+00:00",
  host: "api.github.com",
  app,
  target: `installation ${line}`,
  action,
  outcome,
  detail: null,
  request_id: `REQ-${line}`,
});

const rows = [row(3, "deploy-bot", "token.minted"), row(2, "ci-bot", "installation.suspended", "failed"), row(1, "deploy-bot", "token.revoked")];

describe("activity filters", () => {
  it("filters by app, action group or action, outcome and text", () => {
    expect(filterActivity(rows, { ...noActivityFilters, app: "deploy-bot" }).map((r) => r.line)).toEqual([3, 1]);
    expect(filterActivity(rows, { ...noActivityFilters, action: "token" }).map((r) => r.line)).toEqual([3, 1]);
    expect(filterActivity(rows, { ...noActivityFilters, action: "token.revoked" }).map((r) => r.line)).toEqual([1]);
    expect(filterActivity(rows, { ...noActivityFilters, outcome: "failed" }).map((r) => r.line)).toEqual([2]);
    expect(filterActivity(rows, { ...noActivityFilters, search: "req-3" }).map((r) => r.line)).toEqual([3]);
  });

  it("offers the apps and action groups present", () => {
    expect(choices(rows)).toEqual({ apps: ["ci-bot", "deploy-bot"], groups: ["installation", "token"] });
  });
});
