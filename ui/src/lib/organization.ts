// The Organization view's logic, kept out of the components so that it is tested alone: the
// installed apps filtered by a permission and level, the questions an administrator asks of
// them (who can write contents? who has administration?), and the audit log's local search.
import type { AuditEventRow } from "./bindings/AuditEventRow";
import type { OrgAppRow } from "./bindings/OrgAppRow";

const RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** A permission level's rank (read < write < admin); 0 for none. */
export function levelRank(level: string | null | undefined): number {
  return level ? (RANK[level] ?? 0) : 0;
}

export interface PermissionFilter {
  /** A permission name, or "" for any. */
  permission: string;
  /** The least level that matches ("read" matches any grant). */
  level: "read" | "write" | "admin";
}

export function grants(app: OrgAppRow, filter: PermissionFilter): boolean {
  if (!filter.permission) return true;
  return levelRank(app.permissions[filter.permission]) >= levelRank(filter.level);
}

/** The apps matching a filter and a search over slug and permission names. */
export function filterApps(apps: OrgAppRow[], filter: PermissionFilter, search: string): OrgAppRow[] {
  const needle = search.trim().toLowerCase();
  return apps.filter(
    (app) =>
      grants(app, filter) &&
      (!needle || app.app_slug.toLowerCase().includes(needle) || Object.keys(app.permissions).some((p) => p.includes(needle))),
  );
}

/** The questions shown as one-click filters, with how many apps answer each. */
export const QUESTIONS: { label: string; filter: PermissionFilter }[] = [
  { label: "can write contents", filter: { permission: "contents", level: "write" } },
  { label: "can write repository administration", filter: { permission: "administration", level: "write" } },
  { label: "can read the organization's administration", filter: { permission: "organization_administration", level: "read" } },
  { label: "can write members", filter: { permission: "members", level: "write" } },
  { label: "can write secrets", filter: { permission: "secrets", level: "write" } },
  { label: "can write workflows", filter: { permission: "workflows", level: "write" } },
];

export function countAnswering(apps: OrgAppRow[], filter: PermissionFilter): number {
  return apps.filter((app) => grants(app, filter)).length;
}

/** Rows of a side-by-side comparison: each permission any compared app has, with each app's level. */
export function compare(apps: OrgAppRow[]): { permission: string; levels: (string | null)[] }[] {
  const names = [...new Set(apps.flatMap((app) => Object.keys(app.permissions)))].sort();
  return names.map((permission) => ({ permission, levels: apps.map((app) => app.permissions[permission] ?? null) }));
}

/** The audit events matching a local search (action, actor, subject, country, or any field). */
export function searchEvents(events: AuditEventRow[], search: string): AuditEventRow[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return events;
  return events.filter(
    (event) =>
      event.action.toLowerCase().includes(needle) ||
      (event.actor ?? "").toLowerCase().includes(needle) ||
      (event.subject ?? "").toLowerCase().includes(needle) ||
      event.fields.some(([, value]) => value.toLowerCase().includes(needle)),
  );
}

/** The audit log's presets: the programmatic-access categories, each also on its own. */
export const AUDIT_PRESETS: { id: string; label: string; phrase: string; programmatic: boolean }[] = [
  { id: "programmatic", label: "Programmatic access (all below)", phrase: "", programmatic: true },
  { id: "integration", label: "Apps (integration)", phrase: "action:integration", programmatic: false },
  { id: "integration_installation", label: "App installations", phrase: "action:integration_installation", programmatic: false },
  { id: "integration_installation_request", label: "Installation requests", phrase: "action:integration_installation_request", programmatic: false },
  { id: "personal_access_token", label: "Personal access tokens", phrase: "action:personal_access_token", programmatic: false },
  { id: "oauth_authorization", label: "OAuth authorizations", phrase: "action:oauth_authorization", programmatic: false },
  { id: "org_credential_authorization", label: "SAML credential authorizations", phrase: "action:org_credential_authorization", programmatic: false },
  { id: "all", label: "Every event", phrase: "", programmatic: false },
];
