// Searching, filtering and counting the installations table. Pure functions over rows, so
// that they are unit-tested and fast at 100,000 rows; the orders are in sorting.ts.
import type { Row } from "./rows";
import { type SortDirection, type SortKey, sortRows } from "./sorting";

export type { SortDirection, SortKey } from "./sorting";
export { Row, listedRow, toRow } from "./rows";
export { SortIndex, compareBy, mergeSorted, sortRows } from "./sorting";

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

/** The earliest creation time (seconds) a `created` filter lets through, as of `now` (ms). */
function createdSince(created: Filters["created"], now: number): number {
  return created === "7d" ? (now - 7 * DAY_MS) / 1000 : created === "30d" ? (now - 30 * DAY_MS) / 1000 : -Infinity;
}

export function matches(row: Row, filters: Filters, query: string, since = -Infinity): boolean {
  if (filters.type !== "all" && row.account_type !== filters.type) return false;
  if (filters.acceptance === "awaiting" && !row.grant.awaiting) return false;
  if (row.created < since) return false;
  if (filters.suspended === "suspended" && !row.suspended) return false;
  if (filters.suspended === "active" && row.suspended) return false;
  if (filters.selection === "all_repos" && row.repository_selection !== "all") return false;
  if (filters.selection === "selected" && row.repository_selection !== "selected") return false;
  if (!query) return true;
  return row.accountKey.includes(query) || String(row.id).includes(query);
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
export function filterRows(sorted: Row[], filters: Filters, now = Date.now()): Row[] {
  if (!filtering(filters)) return sorted;
  const query = filters.query.trim().toLowerCase();
  const since = createdSince(filters.created, now);
  return sorted.filter((row) => matches(row, filters, query, since));
}

/** The rows to show, in order. */
export function view(rows: Row[], filters: Filters, sort: SortKey, direction: SortDirection, now = Date.now()): Row[] {
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
export function counts(rows: Row[], now = Date.now()): Counts {
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
    if (row.suspended) result.suspended++;
    if (row.grant.awaiting) result.awaiting++;
    const created = row.created * 1000;
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
