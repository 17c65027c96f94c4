// Searching, filtering and sorting the installations table. Pure functions over rows, so
// that they are unit-tested and fast at 10,000 rows.
import type { InstallationRow } from "./bindings/InstallationRow";

export type SortKey = "account" | "id" | "account_type" | "repository_selection" | "suspended" | "created_at" | "updated_at";
export type SortDirection = "asc" | "desc";

export interface Filters {
  query: string;
  type: "all" | "Organization" | "User";
  suspended: "all" | "suspended" | "active";
  selection: "all" | "all_repos" | "selected";
  /** Only installations that have not accepted the app's current permissions or events. */
  acceptance: "all" | "awaiting";
  /** Only installations created in the last 7 or 30 days. */
  created: "all" | "7d" | "30d";
}

export const noFilters: Filters = { query: "", type: "all", suspended: "all", selection: "all", acceptance: "all", created: "all" };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The earliest creation time (ms) a `created` filter lets through, as of `now`. */
function createdSince(created: Filters["created"], now: number): number {
  return created === "7d" ? now - 7 * DAY_MS : created === "30d" ? now - 30 * DAY_MS : -Infinity;
}

// Creation times in ms, parsed once per row object.
const createdMs = new WeakMap<InstallationRow, number>();
function createdAt(row: InstallationRow): number {
  let value = createdMs.get(row);
  if (value === undefined) {
    value = Date.parse(row.created_at);
    createdMs.set(row, value);
  }
  return value;
}

// Lower-cased accounts, computed once per row object (rows are immutable).
const lowered = new WeakMap<InstallationRow, string>();
function lowerAccount(row: InstallationRow): string {
  let value = lowered.get(row);
  if (value === undefined) {
    value = row.account.toLowerCase();
    lowered.set(row, value);
  }
  return value;
}

export function matches(row: InstallationRow, filters: Filters, query: string, since = -Infinity): boolean {
  if (filters.type !== "all" && row.account_type !== filters.type) return false;
  if (filters.acceptance === "awaiting" && !row.awaiting) return false;
  if (since > -Infinity && createdAt(row) < since) return false;
  if (filters.suspended === "suspended" && !row.suspended_at) return false;
  if (filters.suspended === "active" && row.suspended_at) return false;
  if (filters.selection === "all_repos" && row.repository_selection !== "all") return false;
  if (filters.selection === "selected" && row.repository_selection !== "selected") return false;
  if (!query) return true;
  return lowerAccount(row).includes(query) || String(row.id).includes(query);
}

function sortValue(row: InstallationRow, key: SortKey): string | number {
  switch (key) {
    case "account":
      return lowerAccount(row);
    case "id":
      return row.id;
    case "suspended":
      return row.suspended_at ?? "";
    default:
      return row[key];
  }
}

/**
 * The rows in display order. Sorting is the costly step at 10,000 rows, so it is kept apart
 * from filtering: the table sorts when the rows or the order change, not on each keystroke.
 * Each row's sort value is computed once (not once per comparison).
 */
export function sortRows(rows: InstallationRow[], sort: SortKey, direction: SortDirection): InstallationRow[] {
  const factor = direction === "asc" ? 1 : -1;
  const keyed = rows.map((row) => ({ row, key: sortValue(row, sort) }));
  keyed.sort((a, b) => {
    if (a.key < b.key) return -factor;
    if (a.key > b.key) return factor;
    return a.row.id - b.row.id;
  });
  return keyed.map((entry) => entry.row);
}

/** Whether any filter or search is set. */
export function filtering(filters: Filters): boolean {
  return (
    filters.query.trim() !== "" ||
    filters.type !== "all" ||
    filters.suspended !== "all" ||
    filters.selection !== "all" ||
    filters.acceptance !== "all" ||
    filters.created !== "all"
  );
}

/** The sorted rows that pass the filters, in the same order (`now` for the age filters). */
export function filterRows(sorted: InstallationRow[], filters: Filters, now = Date.now()): InstallationRow[] {
  if (!filtering(filters)) return sorted;
  const query = filters.query.trim().toLowerCase();
  const since = createdSince(filters.created, now);
  return sorted.filter((row) => matches(row, filters, query, since));
}

/** The rows to show, in order. */
export function view(rows: InstallationRow[], filters: Filters, sort: SortKey, direction: SortDirection, now = Date.now()): InstallationRow[] {
  return filterRows(sortRows(rows, sort, direction), filters, now);
}

/** The app overview's counts at a glance, each the size of what one filter shows. */
export interface Counts {
  total: number;
  organizations: number;
  users: number;
  allRepositories: number;
  selectedRepositories: number;
  suspended: number;
  awaiting: number;
  last7Days: number;
  last30Days: number;
}

/** Counts over every installation, in one pass (`now` for the age counts). */
export function counts(rows: InstallationRow[], now = Date.now()): Counts {
  const week = now - 7 * DAY_MS;
  const month = now - 30 * DAY_MS;
  const result: Counts = {
    total: rows.length,
    organizations: 0,
    users: 0,
    allRepositories: 0,
    selectedRepositories: 0,
    suspended: 0,
    awaiting: 0,
    last7Days: 0,
    last30Days: 0,
  };
  for (const row of rows) {
    if (row.account_type === "Organization") result.organizations++;
    else if (row.account_type === "User") result.users++;
    if (row.repository_selection === "all") result.allRepositories++;
    else result.selectedRepositories++;
    if (row.suspended_at) result.suspended++;
    if (row.awaiting) result.awaiting++;
    const created = createdAt(row);
    if (created >= week) result.last7Days++;
    if (created >= month) result.last30Days++;
  }
  return result;
}

/** The slice of rows a virtualised list renders, with padding above and below. */
export function windowOf(total: number, scrollTop: number, viewportHeight: number, rowHeight: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last, padTop: first * rowHeight, padBottom: (total - last) * rowHeight };
}
