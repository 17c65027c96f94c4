// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { Grant } from "./bindings/Grant";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { ListEvent } from "./bindings/ListEvent";
import type { ListedInstallation } from "./bindings/ListedInstallation";
import type { ListOutcome } from "./bindings/ListOutcome";
import { app } from "./state.svelte";

function row(id: number): InstallationRow {
  return {
    id,
    account: `org-${id}`,
    account_type: "Organization",
    avatar_url: null,
    account_url: null,
    repository_selection: "all",
    suspended_at: null,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    html_url: null,
    permissions: {},
    events: [],
    awaiting: null,
  };
}

function listed(id: number): ListedInstallation {
  return {
    id,
    account_id: 5000 + id,
    account: `org-${id}`,
    account_type: "Organization",
    repository_selection: "all",
    created: 1735689600,
    updated: 1735689600,
    suspended: null,
    grant: id % 2,
    links: null,
  };
}

const links = { web: "https://github.com", avatar_prefix: "https://avatars.githubusercontent.com/u/", avatar_suffix: "?v=4" };

const grants: Grant[] = [
  { index: 0, permissions: { contents: "read" }, events: ["push"], awaiting: null },
  { index: 1, permissions: { issues: "write" }, events: [], awaiting: { permissions: [{ permission: "contents", asked: "read", granted: null }], events: [] } },
];

function page(n: number, total: number, ids: number[]): ListEvent {
  // Each grant is sent with the first page that uses it.
  return { kind: "page", page: n, total_pages: total, pages_done: n, installations: ids.map(listed), grants: n === 1 ? grants : [], links: n === 1 ? links : null };
}

function cached(ids: number[]) {
  return { fetched_at: "2026-11-21T10:00:00Z", installations: ids.map(listed), grants, links };
}

function outcome(total: number, unchanged = false): ListOutcome {
  return { total, unchanged, requests: 1, not_modified: unchanged ? 1 : 0 };
}

afterEach(() => clearMocks());

describe("the installations store", () => {
  it("shows rows as pages arrive and marks the listing complete", async () => {
    const seen: number[] = [];
    mockIPC((command, args) => {
      if (command === "cached_installations") return null;
      if (command !== "list_installations") throw new Error(command);
      const channel = (args as { onEvent: Channel<ListEvent> }).onEvent;
      channel.onmessage(page(1, 2, [1, 2]));
      seen.push(app.listings["a"]?.rows.length ?? -1);
      channel.onmessage(page(2, 2, [3]));
      return outcome(3);
    });
    await app.loadInstallations("a");
    expect(seen).toEqual([2]);
    const listing = app.listings["a"]!;
    expect(listing.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(listing).toMatchObject({ complete: true, loading: false, pagesDone: 2, totalPages: 2, error: null });
  });

  it("never presents a failed listing as complete", async () => {
    mockIPC((command, args) => {
      if (command === "cached_installations") return null;
      const channel = (args as { onEvent: Channel<ListEvent> }).onEvent;
      channel.onmessage(page(1, 5, [1]));
      throw { code: "incomplete", message: "1 of 5 pages arrived", hint: null, status: 500, request_id: "X", retry_at: null };
    });
    await app.loadInstallations("b");
    const listing = app.listings["b"]!;
    expect(listing.complete).toBe(false);
    expect(listing.loading).toBe(false);
    expect(listing.error?.code).toBe("incomplete");
    expect(listing.rows).toHaveLength(1);
  });

  it("keeps each app's listing apart", async () => {
    let next = [7, 8];
    mockIPC((command, args) => {
      if (command === "cached_installations") return null;
      (args as { onEvent: Channel<ListEvent> }).onEvent.onmessage(page(1, 1, next));
      return outcome(next.length);
    });
    await app.loadInstallations("first");
    next = [9];
    await app.loadInstallations("second");
    expect(app.listings["first"]?.rows.map((r) => r.id)).toEqual([7, 8]);
    expect(app.listings["second"]?.rows.map((r) => r.id)).toEqual([9]);
  });

  it("shows the cached list at once and swaps in the refreshed one when complete", async () => {
    const during: number[][] = [];
    mockIPC((command, args) => {
      if (command === "cached_installations") {
        return cached([1, 2]);
      }
      const channel = (args as { onEvent: Channel<ListEvent> }).onEvent;
      during.push(app.listings["cached"]!.rows.map((r) => r.id));
      channel.onmessage(page(1, 2, [1, 2]));
      during.push(app.listings["cached"]!.rows.map((r) => r.id));
      channel.onmessage(page(2, 2, [3]));
      return outcome(3);
    });
    await app.loadInstallations("cached");
    expect(during).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const listing = app.listings["cached"]!;
    expect(listing.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(listing).toMatchObject({ complete: true, stale: false, loading: false });
    expect(listing.fetchedAt).not.toBe("2026-11-21T10:00:00Z");
  });

  it("keeps the earlier list, marked stale, when a refresh fails", async () => {
    mockIPC((command, args) => {
      if (command === "cached_installations") return null;
      (args as { onEvent: Channel<ListEvent> }).onEvent.onmessage(page(1, 1, [4, 5]));
      return outcome(2);
    });
    await app.loadInstallations("stale");
    const before = app.listings["stale"]!.fetchedAt;
    mockIPC((command, args) => {
      (args as { onEvent: Channel<ListEvent> }).onEvent.onmessage(page(1, 3, [4]));
      throw { code: "network", message: "reset", hint: null, status: null, request_id: null, retry_at: null };
    });
    await app.loadInstallations("stale");
    const listing = app.listings["stale"]!;
    expect(listing.rows.map((r) => r.id)).toEqual([4, 5]);
    expect(listing).toMatchObject({ complete: true, stale: true, loading: false, fetchedAt: before });
    expect(listing.error?.code).toBe("network");
  });

  it("reports an unchanged refresh", async () => {
    mockIPC((command, args) => {
      if (command === "cached_installations") {
        return cached([1]);
      }
      (args as { onEvent: Channel<ListEvent> }).onEvent.onmessage(page(1, 1, [1]));
      return outcome(1, true);
    });
    await app.loadInstallations("same");
    expect(app.listings["same"]).toMatchObject({ unchanged: true, stale: false });
  });

  it("updates an administered installation in place, or drops an uninstalled one", async () => {
    mockIPC((command, args) => {
      if (command === "cached_installations") return null;
      (args as { onEvent: Channel<ListEvent> }).onEvent.onmessage(page(1, 1, [1, 2, 3]));
      return outcome(3);
    });
    await app.loadInstallations("admin");
    const suspended = { ...row(2), suspended_at: "2026-11-22T08:00:00Z" };
    app.updateInstallation("admin", 2, suspended);
    expect(app.listings["admin"]!.rows.map((r) => r.suspended_at)).toEqual([null, "2026-11-22T08:00:00Z", null]);
    app.updateInstallation("admin", 3, null);
    expect(app.listings["admin"]!.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it("puts rows back together from the grants, one shared object per grant", async () => {
    mockIPC((command, args) => {
      if (command === "cached_installations") return null;
      const channel = (args as { onEvent: Channel<ListEvent> }).onEvent;
      channel.onmessage(page(1, 2, [1, 2]));
      channel.onmessage(page(2, 2, [3, 4]));
      return outcome(4);
    });
    await app.loadInstallations("grants");
    const rows = app.listings["grants"]!.rows;
    expect(rows.map((r) => r.permissions)).toEqual([{ issues: "write" }, { contents: "read" }, { issues: "write" }, { contents: "read" }]);
    expect(rows[0]!.permissions).toBe(rows[2]!.permissions);
    expect(rows[1]!.awaiting).toBeNull();
    expect(rows[2]!.awaiting?.permissions[0]?.permission).toBe("contents");
    expect(rows[3]!.accountKey).toBe("org-4");
    // Links and dates made when shown, as GitHub makes them.
    expect(rows[3]!.html_url).toBe("https://github.com/organizations/org-4/settings/installations/4");
    expect(rows[3]!.account_url).toBe("https://github.com/org-4");
    expect(rows[3]!.avatar_url).toBe("https://avatars.githubusercontent.com/u/5004?v=4");
    expect(rows[3]!.created_at).toBe("2025-01-01T00:00:00Z");
  });

  it("shows pages that arrive close together at most every 150 ms, and all of them at the end", async () => {
    const shown: number[] = [];
    mockIPC(async (command, args) => {
      if (command === "cached_installations") return null;
      const channel = (args as { onEvent: Channel<ListEvent> }).onEvent;
      for (let n = 1; n <= 5; n++) {
        channel.onmessage(page(n, 5, [n * 10, n * 10 + 1]));
        shown.push(app.listings["burst"]!.rows.length);
      }
      return outcome(10);
    });
    await app.loadInstallations("burst");
    // The first page at once; the next ones wait for the next showing.
    expect(shown[0]).toBe(2);
    expect(app.listings["burst"]!.totalPages).toBe(5);
    expect(app.listings["burst"]!.rows).toHaveLength(10);
  });
});
