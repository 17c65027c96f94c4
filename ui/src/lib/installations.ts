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
}

export const noFilters: Filters = { query: "", type: "all", suspended: "all", selection: "all" };

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

export function matches(row: InstallationRow, filters: Filters, query: string): boolean {
  if (filters.type !== "all" && row.account_type !== filters.type) return false;
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

/** The sorted rows that pass the filters, in the same order. */
export function filterRows(sorted: InstallationRow[], filters: Filters): InstallationRow[] {
  const query = filters.query.trim().toLowerCase();
  if (!query && filters.type === "all" && filters.suspended === "all" && filters.selection === "all") return sorted;
  return sorted.filter((row) => matches(row, filters, query));
}

/** The rows to show, in order. */
export function view(rows: InstallationRow[], filters: Filters, sort: SortKey, direction: SortDirection): InstallationRow[] {
  return filterRows(sortRows(rows, sort, direction), filters);
}

/** The slice of rows a virtualised list renders, with padding above and below. */
export function windowOf(total: number, scrollTop: number, viewportHeight: number, rowHeight: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last, padTop: first * rowHeight, padBottom: (total - last) * rowHeight };
}
