// The window's state: apps, the selected one, per-app installation listings, dialogs.
import { api, asIpcError } from "./api";
import { measureToPaint } from "./perf";
import type { AppOverview } from "./bindings/AppOverview";
import type { AppSummary } from "./bindings/AppSummary";
import type { Environment } from "./bindings/Environment";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { IpcError } from "./bindings/IpcError";
import type { MintedToken } from "./bindings/MintedToken";
import type { OrphanKey } from "./bindings/OrphanKey";
import type { Settings } from "./bindings/Settings";
import { type Filters, noFilters } from "./installations";

export type Tab = "installations" | "keys" | "webhook" | "overview";

export interface Listing {
  rows: InstallationRow[];
  pagesDone: number;
  totalPages: number;
  loading: boolean;
  /** `rows` is a whole list (possibly an earlier one: see `stale`). */
  complete: boolean;
  error: IpcError | null;
  /** When the listing shown completed (RFC 3339); null while a first listing streams in. */
  fetchedAt: string | null;
  /** `rows` is an earlier complete listing (from the cache or before a refresh), shown while
   * a refresh runs or after it failed. */
  stale: boolean;
  /** The last refresh found every page unchanged (304s, no rate limit used). */
  unchanged: boolean;
}

export interface ShownToken {
  minted: MintedToken;
  account: string;
  appName: string;
  revoked: boolean;
}

class AppState {
  env = $state<Environment | null>(null);
  settings = $state<Settings>({ theme: "system", clipboard_clear_secs: 60 });
  apps = $state<AppSummary[]>([]);
  selected = $state<string | null>(null);
  tab = $state<Tab>("installations");
  overviews = $state<Record<string, AppOverview | IpcError>>({});
  // Rows are immutable data: kept raw (not deeply reactive) and replaced, not mutated, so
  // that 10,000 installations cost no proxies.
  listings = $state.raw<Record<string, Listing>>({});
  dialog = $state<"add-app" | "settings" | "about" | null>(null);
  /** The app just added, to suggest comparing its key with GitHub's settings page. */
  justAdded = $state<string | null>(null);
  token = $state<ShownToken | null>(null);
  /** The installations table's search and filters, and the app they belong to. */
  filters = $state<Filters>({ ...noFilters });
  filtersApp = $state<string | null>(null);
  loadError = $state<IpcError | null>(null);
  /** Keyring entries no app uses, left by an interrupted change; offered for clean-up. */
  orphans = $state<OrphanKey[]>([]);
  orphanError = $state<IpcError | null>(null);

  /** Opens an app's installations with some filters set (from the overview's counts). */
  showInstallations(name: string, filters: Partial<Filters>) {
    this.filters = { ...noFilters, ...filters };
    this.filtersApp = name;
    this.tab = "installations";
  }

  get current(): AppSummary | undefined {
    return this.apps.find((app) => app.name === this.selected);
  }

  async start() {
    try {
      this.env = await api.environment();
      this.settings = await api.getSettings();
      await this.refreshApps();
    } catch (err) {
      this.loadError = asIpcError(err);
      return;
    }
    // Only a help: a keyring that cannot be searched now is reported where keys are used.
    this.orphans = await api.orphanedKeys().catch(() => []);
  }

  async cleanOrphans() {
    try {
      await api.cleanOrphanedKeys();
      this.orphans = await api.orphanedKeys();
      this.orphanError = null;
    } catch (err) {
      this.orphanError = asIpcError(err);
    }
  }

  async refreshApps(select?: string) {
    this.apps = await api.listApps();
    const wanted = select ?? this.selected;
    this.selected = this.apps.find((a) => a.name === wanted)?.name ?? this.apps[0]?.name ?? null;
    if (!this.apps.length) this.dialog = "add-app";
  }

  replaceApp(updated: AppSummary) {
    this.apps = this.apps.map((app) => (app.name === updated.name ? updated : app));
  }

  async loadOverview(name: string) {
    try {
      this.overviews[name] = await api.appOverview(name);
    } catch (err) {
      this.overviews[name] = asIpcError(err);
    }
  }

  private updateListing(name: string, change: Partial<Listing>) {
    const current = this.listings[name];
    if (current) this.listings = { ...this.listings, [name]: { ...current, ...change } };
  }

  /** Puts an installation as it is now into the app's list, or takes it out (`null`). */
  updateInstallation(name: string, id: number, row: InstallationRow | null) {
    const current = this.listings[name];
    if (!current) return;
    const rows = row
      ? current.rows.map((r) => (r.id === id ? shareRepeated(row) : r))
      : current.rows.filter((r) => r.id !== id);
    this.updateListing(name, { rows });
  }

  /**
   * Lists installations. With nothing shown yet, the list cached from last time (if any) is
   * shown at once; a listing already shown stays while the refresh runs behind it and is
   * swapped for the new one when complete. With nothing to show, rows appear as pages arrive.
   */
  async loadInstallations(name: string) {
    let shown = this.listings[name]?.complete ? this.listings[name] : undefined;
    if (!shown) {
      const cached = await api.cachedInstallations(name).catch(() => null);
      if (cached) {
        const rows = cached.installations.map(shareRepeated);
        shown = { ...emptyListing(), rows, complete: true, fetchedAt: cached.fetched_at };
      }
    }
    const stale = shown !== undefined;
    this.listings = {
      ...this.listings,
      [name]: shown ? { ...shown, loading: true, error: null, stale, unchanged: false, pagesDone: 0, totalPages: 0 }
        : { ...emptyListing(), loading: true },
    };
    let fresh: InstallationRow[] = [];
    const started = performance.now();
    try {
      const outcome = await api.listInstallations(name, (event) => {
        if (!fresh.length && !stale) {
          measureToPaint("appwarden:first-rows", performance.now());
          measureToPaint("appwarden:listing-to-first-rows", started);
        }
        fresh = fresh.concat(event.installations.map(shareRepeated));
        const change: Partial<Listing> = { pagesDone: event.pages_done, totalPages: event.total_pages };
        if (!stale) change.rows = fresh;
        this.updateListing(name, change);
      });
      this.updateListing(name, {
        rows: fresh,
        complete: true,
        loading: false,
        stale: false,
        unchanged: outcome.unchanged,
        fetchedAt: new Date().toISOString(),
      });
    } catch (err) {
      this.updateListing(name, { error: asIpcError(err), loading: false });
    }
  }
}

// Most installations of an app have the same permissions and events: keep one object for
// each distinct value instead of one per row (10,000 rows would hold 10,000 copies).
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a plain lookup table, never rendered
const repeated = new Map<string, unknown>();
function share<T>(value: T): T {
  const key = JSON.stringify(value);
  const known = repeated.get(key);
  if (known !== undefined) return known as T;
  repeated.set(key, value);
  return value;
}

function shareRepeated(row: InstallationRow): InstallationRow {
  row.permissions = share(row.permissions);
  row.events = share(row.events);
  return row;
}

function emptyListing(): Listing {
  return {
    rows: [],
    pagesDone: 0,
    totalPages: 0,
    loading: false,
    complete: false,
    error: null,
    fetchedAt: null,
    stale: false,
    unchanged: false,
  };
}

export const app = new AppState();
