// Typed calls to the Rust commands. Every failure arrives as an IpcError ({code, message, …});
// the UI switches on `code`, never on message text.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { About } from "./bindings/About";
import type { ActivityView } from "./bindings/ActivityView";
import type { ExposedFound } from "./bindings/ExposedFound";
import type { RevocationOutcome } from "./bindings/RevocationOutcome";
import type { AppDraft } from "./bindings/AppDraft";
import type { AppOverview } from "./bindings/AppOverview";
import type { AppSummary } from "./bindings/AppSummary";
import type { CachedInstallations } from "./bindings/CachedInstallations";
import type { CheckResult } from "./bindings/CheckResult";
import type { DeliveryPage } from "./bindings/DeliveryPage";
import type { DeliveryQuery } from "./bindings/DeliveryQuery";
import type { DeliveryView } from "./bindings/DeliveryView";
import type { Environment } from "./bindings/Environment";
import type { ExportOutcome } from "./bindings/ExportOutcome";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { FingerprintReport } from "./bindings/FingerprintReport";
import type { HostSummary } from "./bindings/HostSummary";
import type { InstallationAction } from "./bindings/InstallationAction";
import type { InstallationRequestRow } from "./bindings/InstallationRequestRow";
import type { InstallationRow } from "./bindings/InstallationRow";
import type { IpcError } from "./bindings/IpcError";
import type { KeySource } from "./bindings/KeySource";
import type { KeyVerdict } from "./bindings/KeyVerdict";
import type { ModuleList } from "./bindings/ModuleList";
import type { TokenKeyRequest } from "./bindings/TokenKeyRequest";
import type { TokenKeys } from "./bindings/TokenKeys";
import type { TokenList } from "./bindings/TokenList";
import { pinGate } from "./pinGate.svelte";
import type { ListEvent } from "./bindings/ListEvent";
import type { ListOutcome } from "./bindings/ListOutcome";
import type { MintedToken } from "./bindings/MintedToken";
import type { OrphanKey } from "./bindings/OrphanKey";
import type { RateLimitNotice } from "./bindings/RateLimitNotice";
import type { RedeliveryOutcome } from "./bindings/RedeliveryOutcome";
import type { RedeliveryPlanView } from "./bindings/RedeliveryPlanView";
import type { RedeliveryStep } from "./bindings/RedeliveryStep";
import type { RepositoryRow } from "./bindings/RepositoryRow";
import type { Settings } from "./bindings/Settings";
import type { StagedKey } from "./bindings/StagedKey";
import type { SignatureVerdict } from "./bindings/SignatureVerdict";
import type { TokenScope } from "./bindings/TokenScope";
import type { WebhookConfigChange } from "./bindings/WebhookConfigChange";
import type { SourceRangesView } from "./bindings/SourceRangesView";
import type { WebhookConfigView } from "./bindings/WebhookConfigView";
import type { AuditOutcome } from "./bindings/AuditOutcome";
import type { AuditProgress } from "./bindings/AuditProgress";
import type { AuditSearch } from "./bindings/AuditSearch";
import type { OrgAppsView } from "./bindings/OrgAppsView";
import type { BulkOutcome } from "./bindings/BulkOutcome";
import type { PatQuery } from "./bindings/PatQuery";
import type { PatRow } from "./bindings/PatRow";
import type { PinEntry } from "./bindings/PinEntry";
import type { Review } from "./bindings/Review";
import type { SamlRow } from "./bindings/SamlRow";

/** Anything thrown by a command, normalised to an IpcError. */
export function asIpcError(err: unknown): IpcError {
  if (err && typeof err === "object" && "code" in err && "message" in err) return err as IpcError;
  return {
    code: "invalid_response",
    message: String(err),
    hint: null,
    status: null,
    request_id: null,
    retry_at: null,
    pin_prompt: null,
  };
}

async function invokeOnce<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw asIpcError(err);
  }
}

const unlockToken = (entry: PinEntry) => invokeOnce<void>("unlock_token", { entry });

/** Calls a command; when it needs a token's PIN, asks for it, unlocks the token and retries. */
function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  return pinGate.withPin(() => invokeOnce<T>(command, args), unlockToken);
}

/**
 * Calls a command that streams events to `onEvent` through the Channel argument `channelArg`.
 * Each attempt gets a Channel of its own: Tauri closes a channel when the command holding it
 * returns, so a retry after the PIN dialog would otherwise stream into a closed one and every
 * event would be lost.
 */
function callStreaming<T, E>(
  command: string,
  args: Record<string, unknown>,
  channelArg: string,
  onEvent: (event: E) => void,
): Promise<T> {
  return pinGate.withPin(() => {
    const channel = new Channel<E>();
    channel.onmessage = onEvent;
    return invokeOnce<T>(command, { ...args, [channelArg]: channel });
  }, unlockToken);
}

export const api = {
  environment: () => call<Environment>("environment"),
  about: () => call<About>("about"),
  activityEntries: () => call<ActivityView>("activity_entries"),
  findExposedCredentials: (text: string) => call<ExposedFound>("find_exposed_credentials", { text }),
  revokeExposedCredentials: (batch: number, name: string | null) =>
    call<RevocationOutcome>("revoke_exposed_credentials", { batch, name }),
  exportActivity: (lines: number[]) => call<ExportOutcome | null>("export_activity", { lines }),
  copyText: (text: string) => call<void>("copy_text", { text }),
  listApps: () => call<AppSummary[]>("list_apps"),
  appOverview: (name: string) => call<AppOverview>("app_overview", { name }),
  stageKey: (source: KeySource) => call<StagedKey | null>("stage_key", { source }),
  checkApp: (draft: AppDraft) => call<CheckResult>("check_app", { draft }),
  addApp: (draft: AppDraft) => call<AppSummary>("add_app", { draft }),
  removeApp: (name: string) => call<void>("remove_app", { name }),
  addKey: (name: string, stagedKey: number, verify: boolean) =>
    call<AppSummary>("add_key", { name, stagedKey, verify }),
  removeKey: (name: string, fingerprint: string) => call<AppSummary>("remove_key", { name, fingerprint }),
  verifyKeys: (name: string) => call<KeyVerdict[]>("verify_keys", { name }),
  pkcs11Modules: () => call<ModuleList>("pkcs11_modules"),
  pkcs11Tokens: (module: string) => call<TokenList>("pkcs11_tokens", { module }),
  pkcs11Keys: (module: string, tokenLabel: string) => call<TokenKeys>("pkcs11_keys", { module, tokenLabel }),
  addTokenKey: (name: string, request: TokenKeyRequest, verify: boolean) =>
    call<AppSummary>("add_token_key", { name, request, verify }),
  compareFingerprints: (name: string, pasted: string) =>
    call<FingerprintReport>("compare_fingerprints", { name, pasted }),
  listInstallations: (name: string, onEvent: (event: ListEvent) => void) =>
    callStreaming<ListOutcome, ListEvent>("list_installations", { name }, "onEvent", onEvent),
  cachedInstallations: (name: string) => call<CachedInstallations | null>("cached_installations", { name }),
  installationRepositories: (name: string, installationId: number) =>
    call<RepositoryRow[]>("installation_repositories", { name, installationId }),
  administerInstallation: (name: string, installationId: number, action: InstallationAction, confirmLogin: string | null) =>
    call<InstallationRow | null>("administer_installation", { name, installationId, action, confirmLogin }),
  exportInstallations: (name: string, request: ExportRequest) =>
    call<ExportOutcome | null>("export_installations", { name, request }),
  installationRequests: (name: string) => call<InstallationRequestRow[]>("installation_requests", { name }),
  mintToken: (name: string, installationId: number, scope: TokenScope | null) =>
    call<MintedToken>("mint_token", { name, installationId, scope }),
  revokeToken: (handle: number) => call<void>("revoke_token", { handle }),
  forgetToken: (handle: number) => call<void>("forget_token", { handle }),
  copyToken: (handle: number, cloneTarget: string | null, clearAfterSecs: number | null) =>
    call<void>("copy_token", { handle, cloneTarget, clearAfterSecs }),
  webhookConfig: (name: string) => call<WebhookConfigView>("webhook_config", { name }),
  orgPatRequests: (name: string, org: string, query: PatQuery) => call<PatRow[]>("org_pat_requests", { name, org, query }),
  orgPatGrants: (name: string, org: string, query: PatQuery) => call<PatRow[]>("org_pat_grants", { name, org, query }),
  orgPatRepositories: (name: string, org: string, id: number, grant: boolean) =>
    call<RepositoryRow[]>("org_pat_repositories", { name, org, id, grant }),
  reviewPatRequests: (name: string, org: string, ids: number[], review: Review, reason: string | null) =>
    call<BulkOutcome>("review_pat_requests", { name, org, ids, review, reason }),
  revokePatGrants: (name: string, org: string, ids: number[], confirmLogin: string) =>
    call<BulkOutcome>("revoke_pat_grants", { name, org, ids, confirmLogin }),
  orgSamlAuthorizations: (name: string, org: string, login: string | null) =>
    call<SamlRow[]>("org_saml_authorizations", { name, org, login }),
  removeSamlAuthorization: (name: string, org: string, credentialId: number, owner: string, confirmLogin: string) =>
    call<void>("remove_saml_authorization", { name, org, credentialId, owner, confirmLogin }),
  orgInstalledApps: (name: string, org: string) => call<OrgAppsView>("org_installed_apps", { name, org }),
  orgAuditLog: (name: string, org: string, search: AuditSearch, onPage: (progress: AuditProgress) => void) =>
    callStreaming<AuditOutcome, AuditProgress>("org_audit_log", { name, org, search }, "onPage", onPage),
  exportAuditLog: (name: string, org: string, indexes: number[]) =>
    call<ExportOutcome | null>("export_audit_log", { name, org, indexes }),
  webhookSourceRanges: (name: string) => call<SourceRangesView>("webhook_source_ranges", { name }),
  exportSourceRanges: (name: string, format: "cidr" | "nginx") =>
    call<ExportOutcome | null>("export_source_ranges", { name, format }),
  updateWebhookConfig: (name: string, change: WebhookConfigChange) =>
    call<WebhookConfigView>("update_webhook_config", { name, change }),
  webhookDeliveries: (name: string, query: DeliveryQuery) => call<DeliveryPage>("webhook_deliveries", { name, query }),
  webhookDelivery: (name: string, deliveryId: number) => call<DeliveryView>("webhook_delivery", { name, deliveryId }),
  redeliver: (name: string, deliveryId: number) => call<void>("redeliver", { name, deliveryId }),
  planRedelivery: (name: string, since: string, until: string | null) =>
    call<RedeliveryPlanView>("plan_redelivery", { name, since, until }),
  redeliverMany: (name: string, deliveryIds: number[], onStep: (step: RedeliveryStep) => void) =>
    callStreaming<RedeliveryOutcome, RedeliveryStep>("redeliver_many", { name, deliveryIds }, "onStep", onStep),
  checkSignature: (payload: string, secret: string, signature: string) =>
    call<SignatureVerdict>("check_signature", { payload, secret, signature }),
  getSettings: () => call<Settings>("get_settings"),
  saveSettings: (settings: Settings) => call<Settings>("save_settings", { settings }),
  openExternal: (url: string) => call<void>("open_external", { url }),
  listHosts: () => call<HostSummary[]>("list_hosts"),
  orphanedKeys: () => call<OrphanKey[]>("orphaned_keys"),
  cleanOrphanedKeys: () => call<number>("clean_orphaned_keys"),
  setHostCa: (apiUrl: string, pem: string | null) => call<void>("set_host_ca", { apiUrl, pem }),
};

/** Calls `handler` each time a request starts waiting out one of GitHub's rate limits. */
export function onRateLimitWait(handler: (notice: RateLimitNotice) => void): Promise<() => void> {
  return listen<RateLimitNotice>("rate-limit-wait", (event) => handler(event.payload));
}

/** Told when a change could not be written to the activity record (the change itself stands). */
export function onActivityRecordFailed(handler: (message: string) => void): Promise<() => void> {
  return listen<string>("activity-record-failed", (event) => handler(event.payload));
}
