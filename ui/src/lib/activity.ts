// The Activity view's filters, kept out of the component so that they are tested alone.
import type { ActivityRow } from "./bindings/ActivityRow";

export interface ActivityFilters {
  /** An app's name, or "" for all. */
  app: string;
  /** An action (`token.minted`), a group (`token`), or "" for all. */
  action: string;
  /** "failed" for failures only, "" for all. */
  outcome: "" | "failed";
  search: string;
}

export const noActivityFilters: ActivityFilters = { app: "", action: "", outcome: "", search: "" };

export function filterActivity(rows: ActivityRow[], filters: ActivityFilters): ActivityRow[] {
  const needle = filters.search.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!filters.app || row.app === filters.app) &&
      (!filters.action || row.action === filters.action || row.action.startsWith(`${filters.action}.`)) &&
      (!filters.outcome || row.outcome === "failed") &&
      (!needle ||
        [row.action, row.app, row.target, row.detail, row.request_id, row.host].some((field) => (field ?? "").toLowerCase().includes(needle))),
  );
}

/** The apps and action groups the rows mention, for the filters' choices. */
export function choices(rows: ActivityRow[]): { apps: string[]; groups: string[] } {
  const apps = new Set<string>();
  const groups = new Set<string>();
  for (const row of rows) {
    if (row.app) apps.add(row.app);
    groups.add(row.action.split(".")[0] ?? row.action);
  }
  return { apps: [...apps].sort(), groups: [...groups].sort() };
}
