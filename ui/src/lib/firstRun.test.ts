import { describe, expect, it } from "vitest";
import { installPageUrl, parseSettingsLocation, settingsPageUrl } from "./firstRun";

describe("parseSettingsLocation", () => {
  it("reads github.com settings pages, personal and an organization's", () => {
    expect(parseSettingsLocation("https://github.com/settings/apps/deploy-bot")).toEqual({ host: null, org: null, slug: "deploy-bot" });
    expect(parseSettingsLocation("https://github.com/organizations/acme/settings/apps/Deploy-Bot/advanced")).toEqual({
      host: null,
      org: "acme",
      slug: "deploy-bot",
    });
    expect(parseSettingsLocation("github.com/apps/deploy-bot")).toEqual({ host: null, org: null, slug: "deploy-bot" });
  });

  it("reads an Enterprise Server host and a bare slug", () => {
    expect(parseSettingsLocation("https://ghes.example.com/settings/apps/ops")).toEqual({ host: "ghes.example.com", org: null, slug: "ops" });
    expect(parseSettingsLocation("ghes.example.com")).toEqual({ host: "ghes.example.com", org: null, slug: null });
    expect(parseSettingsLocation("  deploy-bot ")).toEqual({ host: null, org: null, slug: "deploy-bot" });
  });

  it("refuses what is not a settings page", () => {
    expect(parseSettingsLocation("")).toBeNull();
    expect(parseSettingsLocation("https://github.com/acme/repo")).toBeNull();
    expect(parseSettingsLocation("ftp://github.com/settings/apps/x")).toBeNull();
    expect(parseSettingsLocation("not a slug at all")).toBeNull();
  });
});

describe("settingsPageUrl", () => {
  it("names the apps list or the app's page on the host", () => {
    expect(settingsPageUrl({ host: null, org: null, slug: null })).toBe("https://github.com/settings/apps");
    expect(settingsPageUrl({ host: null, org: "acme", slug: "bot" })).toBe("https://github.com/organizations/acme/settings/apps/bot");
    expect(settingsPageUrl({ host: "ghes.example.com", org: null, slug: "bot" })).toBe("https://ghes.example.com/settings/apps/bot");
  });

  it("links an app's install page", () => {
    expect(installPageUrl("https://github.com/", "bot")).toBe("https://github.com/apps/bot/installations/new");
  });
});
