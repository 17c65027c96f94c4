import { describe, expect, it } from "vitest";
import type { InstallationRow } from "./bindings/InstallationRow";
import { type Row, SortIndex, counts, noFilters, sortRows, toRow, view, windowOf } from "./installations";

function row(id: number, account: string, extra: Partial<InstallationRow> = {}): Row {
  return toRow({
    id,
    account,
    account_type: "Organization",
    avatar_url: null,
    account_url: null,
    repository_selection: "all",
    suspended_at: null,
    created_at: `2025-01-${String(id).padStart(2, "0")}T00:00:00Z`,
    updated_at: "2025-02-01T00:00:00Z",
    html_url: null,
    permissions: {},
    events: [],
    awaiting: null,
    ...extra,
  });
}

const rows = [
  row(3, "zeta-labs"),
  row(1, "acme", { account_type: "User" }),
  row(2, "Beta-corp", { suspended_at: "2025-03-01T00:00:00Z", repository_selection: "selected" }),
];

const awaiting = { permissions: [{ permission: "issues", asked: "write", granted: "read" }], events: [] };

describe("awaiting acceptance, age and counts", () => {
  const now = Date.parse("2025-01-31T12:00:00Z");
  const recent = [
    row(1, "old", { created_at: "2024-11-01T00:00:00Z" }),
    row(2, "this-month", { created_at: "2025-01-10T00:00:00Z", awaiting }),
    row(3, "this-week", { created_at: "2025-01-29T00:00:00Z", account_type: "User", repository_selection: "selected" }),
  ];
  it("filters installations that have not accepted the app's permissions", () => {
    expect(view(recent, { ...noFilters, acceptance: "awaiting" }, "id", "asc", now).map((r) => r.id)).toEqual([2]);
  });
  it("filters by creation in the last 7 or 30 days", () => {
    expect(view(recent, { ...noFilters, created: "7d" }, "id", "asc", now).map((r) => r.id)).toEqual([3]);
    expect(view(recent, { ...noFilters, created: "30d" }, "id", "asc", now).map((r) => r.id)).toEqual([2, 3]);
  });
  it("counts each filter's rows in one pass", () => {
    expect(counts(recent, now)).toEqual({
      total: 3,
      organizations: 2,
      users: 1,
      allRepositories: 2,
      selectedRepositories: 1,
      suspended: 0,
      awaiting: 1,
      last7Days: 1,
      last30Days: 2,
    });
  });
});

describe("installations view", () => {
  it("searches by login or id, case-insensitively", () => {
    expect(view(rows, { ...noFilters, query: "BETA" }, "account", "asc").map((r) => r.id)).toEqual([2]);
    expect(view(rows, { ...noFilters, query: "3" }, "account", "asc").map((r) => r.id)).toEqual([3]);
  });
  it("filters by type, suspension and selection", () => {
    expect(view(rows, { ...noFilters, type: "User" }, "id", "asc").map((r) => r.id)).toEqual([1]);
    expect(view(rows, { ...noFilters, suspended: "suspended" }, "id", "asc").map((r) => r.id)).toEqual([2]);
    expect(view(rows, { ...noFilters, suspended: "active" }, "id", "asc").map((r) => r.id)).toEqual([1, 3]);
    expect(view(rows, { ...noFilters, selection: "selected" }, "id", "asc").map((r) => r.id)).toEqual([2]);
  });
  it("sorts both ways", () => {
    expect(view(rows, noFilters, "account", "asc").map((r) => r.account)).toEqual(["acme", "Beta-corp", "zeta-labs"]);
    expect(view(rows, noFilters, "created_at", "desc").map((r) => r.id)).toEqual([3, 2, 1]);
  });
  it("narrows 10,000 rows", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => row(i + 1, `org-${i}`));
    const shown = view(many, { ...noFilters, query: "org-99" }, "account", "asc");
    expect(shown.length).toBe(111);
    expect(shown[0]?.account).toBe("org-99");
  });
  it("windows a virtual list", () => {
    expect(windowOf(10_000, 0, 400, 40, 5)).toEqual({ first: 0, last: 15, padTop: 0, padBottom: (10_000 - 15) * 40 });
    const middle = windowOf(10_000, 4000, 400, 40, 5);
    expect(middle.first).toBe(95);
    expect(middle.last).toBe(115);
  });
  it("keeps streaming rows sorted by merging what arrived, as a full sort would", () => {
    const sorter = new SortIndex();
    const streaming: Row[] = [];
    const accounts = ["m", "b", "x", "a", "q", "b", "z", "c", "n", "a"];
    for (const [i, account] of accounts.entries()) {
      streaming.push(row(100 - i, `${account}-org`));
      if (i % 3 === 0) sorter.order(streaming, "account", "asc");
    }
    const merged = sorter.order(streaming, "account", "asc");
    expect(merged.map((r) => r.id)).toEqual(sortRows(streaming, "account", "asc").map((r) => r.id));
    expect(merged.map((r) => r.account).slice(0, 3)).toEqual(["a-org", "a-org", "b-org"]);
    // Another order, or another list, is sorted afresh.
    expect(sorter.order(streaming, "id", "desc").map((r) => r.id)).toEqual([100, 99, 98, 97, 96, 95, 94, 93, 92, 91]);
    expect(sorter.order(streaming.slice(0, 2), "id", "desc").map((r) => r.id)).toEqual([100, 99]);
  });
  it("orders by every column both ways as comparisons would, ties by ascending ID", () => {
    const kinds = ["Organization", "User"];
    const many = Array.from({ length: 500 }, (_, i) =>
      row(1000 - i, `acct-${(i * 7919) % 97}`, {
        account_type: kinds[i % 2]!,
        repository_selection: i % 3 ? "selected" : "all",
        suspended_at: i % 5 ? null : `2025-03-${String((i % 27) + 1).padStart(2, "0")}T00:00:00Z`,
        created_at: `2024-${String((i % 12) + 1).padStart(2, "0")}-01T00:00:00Z`,
        updated_at: `2025-01-${String((i % 28) + 1).padStart(2, "0")}T00:00:00Z`,
      }),
    );
    const index = new SortIndex();
    const keys = ["account", "id", "account_type", "repository_selection", "suspended", "created_at", "updated_at"] as const;
    for (const key of keys) {
      for (const direction of ["asc", "desc"] as const) {
        const ids = index.order(many, key, direction).map((r) => r.id);
        expect(ids, `${key} ${direction}`).toEqual(sortRows(many, key, direction).map((r) => r.id));
      }
    }
  });
});
