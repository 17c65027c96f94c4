// The token tabs' logic, tested alone: marks in words, local search and filters, sorting.
import type { PatMark } from "./bindings/PatMark";
import type { PatRow } from "./bindings/PatRow";
import type { SamlRow } from "./bindings/SamlRow";

export const MARK_LABELS: Record<PatMark, string> = {
  expired: "expired",
  expires_within7_days: "expires within 7 days",
  never_expires: "never expires",
  never_used: "never used",
  not_used_for90_days: "not used for 90 days",
  writes_every_repository: "writes every repository",
};

/** Marks that call for attention (shown as warnings). */
export const SERIOUS: PatMark[] = ["expired", "writes_every_repository", "never_expires"];

export type PatSort = "since" | "owner" | "last_used" | "expires";

export function filterPats(rows: PatRow[], search: string, mark: PatMark | ""): PatRow[] {
  const needle = search.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!mark || row.marks.includes(mark)) &&
      (!needle ||
        row.owner.toLowerCase().includes(needle) ||
        row.token_name.toLowerCase().includes(needle) ||
        (row.reason ?? "").toLowerCase().includes(needle) ||
        Object.keys(row.repository_permissions).some((p) => p.includes(needle)) ||
        Object.keys(row.organization_permissions).some((p) => p.includes(needle))),
  );
}

export function sortPats(rows: PatRow[], by: PatSort, ascending: boolean): PatRow[] {
  const key = (row: PatRow): string => {
    switch (by) {
      case "owner":
        return row.owner.toLowerCase();
      case "last_used":
        return row.last_used_at ?? "";
      case "expires":
        return row.expires_at ?? "9999";
      default:
        return row.since;
    }
  };
  const sorted = [...rows].sort((a, b) => key(a).localeCompare(key(b)) || a.id - b.id);
  return ascending ? sorted : sorted.reverse();
}

/** Permissions in words: `contents: write`, organization ones first. */
export function permissionList(row: PatRow): string[] {
  return [
    ...Object.entries(row.organization_permissions).map(([p, l]) => `org ${p}: ${l}`),
    ...Object.entries(row.repository_permissions)
      .filter(([p]) => p !== "metadata")
      .map(([p, l]) => `${p}: ${l}`),
  ];
}

export function filterSaml(rows: SamlRow[], search: string, type: string): SamlRow[] {
  const needle = search.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!type || row.credential_type === type) &&
      (!needle || row.login.toLowerCase().includes(needle) || row.identity.toLowerCase().includes(needle) || (row.title ?? "").toLowerCase().includes(needle)),
  );
}
