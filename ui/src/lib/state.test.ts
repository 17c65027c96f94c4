// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { ListEvent } from "./bindings/ListEvent";
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
  };
}

function page(n: number, total: number, ids: number[]): ListEvent {
  return { kind: "page", page: n, total_pages: total, pages_done: n, installations: ids.map(row) };
}

afterEach(() => clearMocks());

describe("the installations store", () => {
  it("shows rows as pages arrive and marks the listing complete", async () => {
    const seen: number[] = [];
    mockIPC((command, args) => {
      if (command !== "list_installations") throw new Error(command);
      const channel = (args as { onEvent: Channel<ListEvent> }).onEvent;
      channel.onmessage(page(1, 2, [1, 2]));
      seen.push(app.listings["a"]?.rows.length ?? -1);
      channel.onmessage(page(2, 2, [3]));
      return 3;
    });
    await app.loadInstallations("a");
    expect(seen).toEqual([2]);
    const listing = app.listings["a"]!;
    expect(listing.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(listing).toMatchObject({ complete: true, loading: false, pagesDone: 2, totalPages: 2, error: null });
  });

  it("never presents a failed listing as complete", async () => {
    mockIPC((_command, args) => {
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
    mockIPC((_command, args) => {
      (args as { onEvent: Channel<ListEvent> }).onEvent.onmessage(page(1, 1, next));
      return next.length;
    });
    await app.loadInstallations("first");
    next = [9];
    await app.loadInstallations("second");
    expect(app.listings["first"]?.rows.map((r) => r.id)).toEqual([7, 8]);
    expect(app.listings["second"]?.rows.map((r) => r.id)).toEqual([9]);
  });
});
