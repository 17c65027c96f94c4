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

export function matches(row: InstallationRow, filters: Filters, query: string): boolean {
  if (filters.type !== "all" && row.account_type !== filters.type) return false;
  if (filters.suspended === "suspended" && !row.suspended_at) return false;
  if (filters.suspended === "active" && row.suspended_at) return false;
  if (filters.selection === "all_repos" && row.repository_selection !== "all") return false;
  if (filters.selection === "selected" && row.repository_selection !== "selected") return false;
  if (!query) return true;
  return row.account.toLowerCase().includes(query) || String(row.id).includes(query);
}

function sortValue(row: InstallationRow, key: SortKey): string | number {
  switch (key) {
    case "account":
      return row.account.toLowerCase();
    case "id":
      return row.id;
    case "suspended":
      return row.suspended_at ?? "";
    default:
      return row[key];
  }
}

/** The rows to show, in order. */
export function view(rows: InstallationRow[], filters: Filters, sort: SortKey, direction: SortDirection): InstallationRow[] {
  const query = filters.query.trim().toLowerCase();
  const shown = rows.filter((row) => matches(row, filters, query));
  const factor = direction === "asc" ? 1 : -1;
  shown.sort((a, b) => {
    const x = sortValue(a, sort);
    const y = sortValue(b, sort);
    if (x < y) return -factor;
    if (x > y) return factor;
    return a.id - b.id;
  });
  return shown;
}

/** The slice of rows a virtualised list renders, with padding above and below. */
export function windowOf(total: number, scrollTop: number, viewportHeight: number, rowHeight: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last, padTop: first * rowHeight, padBottom: (total - last) * rowHeight };
}
