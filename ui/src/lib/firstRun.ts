// First-run guidance for adding an app: where each value is on GitHub, and the app's settings
// page for the chosen host, from a pasted settings-page URL or an app slug.

/** Where an app's settings live: its host (null for github.com), the organization that owns
 *  it (null for a personal app) and its slug (null when not known). */
export interface SettingsLocation {
  host: string | null;
  org: string | null;
  slug: string | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,33}$/i;

/** Reads a pasted settings-page URL (`https://github.com/settings/apps/my-app`,
 *  `https://github.com/organizations/acme/settings/apps/my-app`, the same on an Enterprise
 *  Server host, or the app's public page `https://github.com/apps/my-app`) or a bare slug.
 *  Returns null for anything else. */
export function parseSettingsLocation(input: string): SettingsLocation | null {
  const text = input.trim();
  if (!text) return null;
  if (SLUG.test(text)) return { host: null, org: null, slug: text.toLowerCase() };
  let url: URL;
  try {
    url = new URL(text.includes("://") ? text : `https://${text}`);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const hostname = url.host.toLowerCase();
  const host = hostname === "github.com" || hostname === "www.github.com" ? null : hostname;
  const parts = url.pathname.split("/").filter(Boolean);
  const slugAt = (index: number) => {
    const slug = parts[index];
    return slug && SLUG.test(slug) ? slug.toLowerCase() : null;
  };
  if (parts[0] === "settings" && parts[1] === "apps") return { host, org: null, slug: slugAt(2) };
  if (parts[0] === "organizations" && parts[1] && parts[2] === "settings" && parts[3] === "apps") {
    return { host, org: parts[1], slug: slugAt(4) };
  }
  if (parts[0] === "apps" && parts[1]) return { host, org: null, slug: slugAt(1) };
  if (parts.length === 0 && host) return { host, org: null, slug: null };
  return null;
}

/** The page that lists the apps (no slug) or shows one app's settings, on `host`
 *  (null for github.com). */
export function settingsPageUrl(location: SettingsLocation): string {
  const base = `https://${location.host ?? "github.com"}`;
  const apps = location.org ? `${base}/organizations/${location.org}/settings/apps` : `${base}/settings/apps`;
  return location.slug ? `${apps}/${location.slug}` : apps;
}

/** The app's public page, from which an account installs it. */
export function installPageUrl(webUrl: string, slug: string): string {
  return `${webUrl.replace(/\/$/, "")}/apps/${slug}/installations/new`;
}
