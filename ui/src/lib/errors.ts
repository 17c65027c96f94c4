// How each error code is presented: a title, and whether retrying can help.
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";
import { clockTime } from "./format";

export function errorTitle(error: IpcError): string {
  const code: ErrorCode = error.code;
  switch (code) {
    case "invalid_key":
      return "This key can't be used";
    case "invalid_input":
      return "Check what you entered";
    case "not_found":
      return "Not found";
    case "conflict":
      return "Already there";
    case "key_rejected":
      return "GitHub rejected the key";
    case "clock_skew":
      return "This computer's clock is off";
    case "rate_limited":
      return error.retry_at ? `Rate limited until ${clockTime(error.retry_at)}` : "Rate limited";
    case "forbidden":
      return "Not allowed";
    case "ip_allow_list":
      return "Blocked by an IP allow list";
    case "suspended":
      return "Installation suspended";
    case "network":
      return "GitHub could not be reached";
    case "untrusted_certificate":
      return "The server's certificate is not trusted";
    case "timeout":
      return "GitHub did not answer in time";
    case "github_unavailable":
      return "GitHub had a problem";
    case "invalid_response":
      return "Unexpected answer";
    case "keyring_unavailable":
      return "No keyring available";
    case "keyring_locked":
      return "The keyring is locked";
    case "keyring_missing":
      return "A key is missing from the keyring";
    case "config":
      return "Settings could not be saved";
    case "incomplete":
      return "The list is incomplete";
    case "pin_required":
      return "The token needs its PIN";
    case "pin_incorrect":
      return "Wrong PIN";
    case "pin_locked":
      return "The token's PIN is locked";
    case "token_unavailable":
      return "The hardware token is not available";
    case "missing_permission":
      return "The installation lacks a permission";
    case "not_available":
      return "Not offered for this account";
  }
}

export function canRetry(error: IpcError): boolean {
  return ["network", "timeout", "github_unavailable", "rate_limited", "incomplete", "keyring_locked", "clock_skew", "token_unavailable", "pin_required"].includes(
    error.code,
  );
}
