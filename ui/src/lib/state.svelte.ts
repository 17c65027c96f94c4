// The window's state: apps, the selected one, per-app installation listings, dialogs.
import { api, asIpcError } from "./api";
import type { AppOverview } from "./bindings/AppOverview";
import type { AppSummary } from "./bindings/AppSummary";
import type { Environment } from "./bindings/Environment";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { IpcError } from "./bindings/IpcError";
import type { MintedToken } from "./bindings/MintedToken";
import type { Settings } from "./bindings/Settings";

export type Tab = "installations" | "keys" | "overview";

export interface Listing {
  rows: InstallationRow[];
  pagesDone: number;
  totalPages: number;
  loading: boolean;
  complete: boolean;
  error: IpcError | null;
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
  dialog = $state<"add-app" | "settings" | null>(null);
  token = $state<ShownToken | null>(null);
  loadError = $state<IpcError | null>(null);

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

  /** Lists installations, showing rows as pages arrive. */
  async loadInstallations(name: string) {
    this.listings = {
      ...this.listings,
      [name]: { rows: [], pagesDone: 0, totalPages: 0, loading: true, complete: false, error: null },
    };
    try {
      await api.listInstallations(name, (event) => {
        const rows = this.listings[name]?.rows ?? [];
        this.updateListing(name, {
          rows: rows.concat(event.installations),
          pagesDone: event.pages_done,
          totalPages: event.total_pages,
        });
      });
      this.updateListing(name, { complete: true, loading: false });
    } catch (err) {
      this.updateListing(name, { error: asIpcError(err), loading: false });
    }
  }
}

export const app = new AppState();
