// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { ListEvent } from "./bindings/ListEvent";
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

function page(n: number, total: number, ids: number[]): ListEvent {
  return { kind: "page", page: n, total_pages: total, pages_done: n, installations: ids.map(row) };
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
        return { fetched_at: "2026-11-21T10:00:00Z", installations: [row(1), row(2)] };
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
        return { fetched_at: "2026-11-21T10:00:00Z", installations: [row(1)] };
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
});
