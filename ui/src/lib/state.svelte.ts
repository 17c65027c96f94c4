// The window's state: apps, the selected one, per-app installation listings, dialogs.
import { api, asIpcError } from "./api";
import { measureToPaint, watchFrames } from "./perf";
import type { AppOverview } from "./bindings/AppOverview";
import type { AppSummary } from "./bindings/AppSummary";
import type { Environment } from "./bindings/Environment";
import type { Grant } from "./bindings/Grant";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { LinkPatterns } from "./bindings/LinkPatterns";
import type { IpcError } from "./bindings/IpcError";
import type { MintedToken } from "./bindings/MintedToken";
import type { OrphanKey } from "./bindings/OrphanKey";
import type { Settings } from "./bindings/Settings";
import { type Filters, type Row, listedRow, noFilters, toRow } from "./installations";

export type Tab = "installations" | "keys" | "webhook" | "organization" | "overview";

/** While a listing streams, what arrived is shown at most this often (the first page at once). */
const SHOW_EVERY_MS = 150;

export interface Listing {
  /** While a first listing streams, the same array grows (see `SortIndex`); otherwise
   * replaced, never changed. */
  rows: Row[];
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
  // Rows are immutable data: kept raw (not deeply reactive), so that 100,000 installations
  // cost no proxies.
  listings = $state.raw<Record<string, Listing>>({});
  dialog = $state<"add-app" | "settings" | "about" | "activity" | "revoke-leaked" | null>(null);
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

  /** The organization the Organization view shows, per app. */
  organization = $state<Record<string, string>>({});

  /** Opens the Organization view on an organization (from an installation's details). */
  showOrganization(name: string, login: string) {
    this.organization = { ...this.organization, [name]: login };
    this.tab = "organization";
  }

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
    const rows = row ? current.rows.map((r) => (r.id === id ? toRow(row) : r)) : current.rows.filter((r) => r.id !== id);
    this.updateListing(name, { rows });
  }

  /**
   * Lists installations. With nothing shown yet, the list cached from last time (if any) is
   * shown at once; a listing already shown stays while the refresh runs behind it and is
   * swapped for the new one when complete. With nothing to show, rows appear as pages
   * arrive: the first page at once, then what arrived at most every SHOW_EVERY_MS, so that
   * 1,000 pages do not re-render the table 1,000 times.
   */
  async loadInstallations(name: string) {
    let shown = this.listings[name]?.complete ? this.listings[name] : undefined;
    if (!shown) {
      const cached = await api.cachedInstallations(name).catch(() => null);
      if (cached) {
        const grants: Grant[] = [];
        for (const grant of cached.grants) grants[grant.index] = grant;
        const rows = cached.installations.map((row) => listedRow(row, grants[row.grant], cached.links));
        shown = { ...emptyListing(), rows, complete: true, fetchedAt: cached.fetched_at };
      }
    }
    const stale = shown !== undefined;
    this.listings = {
      ...this.listings,
      [name]: shown ? { ...shown, loading: true, error: null, stale, unchanged: false, pagesDone: 0, totalPages: 0 }
        : { ...emptyListing(), loading: true },
    };
    const fresh: Row[] = [];
    // By index: Rust numbers a listing's grants from 0, each sent once.
    const grants: Grant[] = [];
    let links: LinkPatterns | null = null;
    let progress = { pagesDone: 0, totalPages: 0 };
    let lastShown = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const show = () => {
      timer = null;
      lastShown = performance.now();
      const change: Partial<Listing> = { ...progress };
      if (!stale) change.rows = fresh;
      this.updateListing(name, change);
    };
    const frames = watchFrames();
    const started = performance.now();
    try {
      const outcome = await api.listInstallations(name, (event) => {
        if (!fresh.length && !stale) {
          measureToPaint("appwarden:first-rows", performance.now());
          measureToPaint("appwarden:listing-to-first-rows", started);
        }
        for (const grant of event.grants) grants[grant.index] = grant;
        links = event.links ?? links;
        for (const listed of event.installations) fresh.push(listedRow(listed, grants[listed.grant], links));
        progress = { pagesDone: event.pages_done, totalPages: event.total_pages };
        if (timer === null) {
          const wait = SHOW_EVERY_MS - (performance.now() - lastShown);
          if (wait <= 0) show();
          else timer = setTimeout(show, wait);
        }
      });
      if (timer !== null) clearTimeout(timer);
      this.updateListing(name, {
        ...progress,
        rows: fresh,
        complete: true,
        loading: false,
        stale: false,
        unchanged: outcome.unchanged,
        fetchedAt: new Date().toISOString(),
      });
    } catch (err) {
      if (timer !== null) clearTimeout(timer);
      const change: Partial<Listing> = { ...progress, error: asIpcError(err), loading: false };
      if (!stale) change.rows = fresh;
      this.updateListing(name, change);
    } finally {
      frames.stop("appwarden:longest-frame-while-listing");
    }
  }
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
