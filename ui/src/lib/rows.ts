// The installations table's rows. A listing arrives in a compact layout (see the desktop's
// ipc/installations.rs): each installation names its grant (permissions, events, what it has
// not accepted), has its times as seconds, and leaves out the links the listing's patterns
// make. A row keeps exactly that, so 100,000 rows hold one object each and one string (the
// login); its links, dates and grant are made or looked up when something shows them.
import type { Grant } from "./bindings/Grant";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { LinkPatterns } from "./bindings/LinkPatterns";
import type { Links } from "./bindings/Links";
import type { ListedInstallation } from "./bindings/ListedInstallation";

// The few values most rows repeat, as one string each (not one per row).
const COMMON = new Map(["Organization", "User", "Enterprise", "all", "selected"].map((value) => [value, value]));
function common(value: string): string {
  return COMMON.get(value) ?? value;
}

const NO_GRANT: Grant = { index: -1, permissions: {}, events: [], awaiting: null };

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function seconds(rfc3339: string): number {
  return Math.floor(Date.parse(rfc3339) / 1000);
}

/** One installation in the table. Immutable. */
export class Row implements InstallationRow {
  /** The account, lower-cased, for search and sort. */
  readonly accountKey: string;

  constructor(
    readonly id: number,
    readonly accountId: number,
    readonly account: string,
    readonly account_type: string,
    readonly repository_selection: string,
    /** Seconds since the Unix epoch. */
    readonly created: number,
    readonly updated: number,
    /** Seconds since the Unix epoch; 0 when not suspended. */
    readonly suspended: number,
    readonly grant: Grant,
    private readonly links: Links | null,
    private readonly patterns: LinkPatterns | null,
  ) {
    this.accountKey = account.toLowerCase();
    this.account_type = common(account_type);
    this.repository_selection = common(repository_selection);
  }

  get permissions() {
    return this.grant.permissions;
  }
  get events() {
    return this.grant.events;
  }
  get awaiting() {
    return this.grant.awaiting;
  }
  get created_at() {
    return iso(this.created);
  }
  get updated_at() {
    return iso(this.updated);
  }
  get suspended_at() {
    return this.suspended ? iso(this.suspended) : null;
  }
  get avatar_url() {
    if (this.links) return this.links.avatar_url;
    const made = this.patterns;
    return made ? `${made.avatar_prefix}${this.accountId}${made.avatar_suffix}` : null;
  }
  get account_url() {
    if (this.links) return this.links.account_url;
    return this.patterns ? `${this.patterns.web}/${this.account}` : null;
  }
  get html_url() {
    if (this.links) return this.links.html_url;
    const web = this.patterns?.web;
    if (web === undefined) return null;
    return this.account_type === "Organization"
      ? `${web}/organizations/${this.account}/settings/installations/${this.id}`
      : `${web}/settings/installations/${this.id}`;
  }
}

/** A row from a list's compact layout. */
export function listedRow(listed: ListedInstallation, grant: Grant | undefined, patterns: LinkPatterns | null): Row {
  return new Row(
    listed.id,
    listed.account_id,
    listed.account,
    listed.account_type,
    listed.repository_selection,
    listed.created,
    listed.updated,
    listed.suspended ?? 0,
    grant ?? NO_GRANT,
    listed.links,
    patterns,
  );
}

/** A row from one installation as a command that changes one answers it. */
export function toRow(row: InstallationRow): Row {
  return new Row(
    row.id,
    0,
    row.account,
    row.account_type,
    row.repository_selection,
    seconds(row.created_at),
    seconds(row.updated_at),
    row.suspended_at ? seconds(row.suspended_at) : 0,
    { index: -1, permissions: row.permissions, events: row.events, awaiting: row.awaiting },
    { avatar_url: row.avatar_url, account_url: row.account_url, html_url: row.html_url },
    null,
  );
}
