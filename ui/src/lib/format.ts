// Formatting for dates, durations and permission lists.

/** `2026-11-22` from an RFC 3339 timestamp. */
export function shortDate(rfc3339: string | null | undefined): string {
  if (!rfc3339) return "";
  return rfc3339.slice(0, 10);
}

/** `HH:MM` in local time. */
export function clockTime(rfc3339: string): string {
  const date = new Date(rfc3339);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/** `HH:MM:SS` in local time: when a short wait ends. */
export function clockTimeSeconds(rfc3339: string): string {
  const date = new Date(rfc3339);
  return `${clockTime(rfc3339)}:${String(date.getSeconds()).padStart(2, "0")}`;
}

/** "today at 10:32" or "2026-11-20 10:32": when a listing was made, in local time. */
export function listedAt(rfc3339: string, now: Date = new Date()): string {
  const date = new Date(rfc3339);
  const sameDay = date.toDateString() === now.toDateString();
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
  return sameDay ? `today at ${clockTime(rfc3339)}` : `${day} ${clockTime(rfc3339)}`;
}

/** "59:03", "1:02:03" or "expired", for the time left until `expiresAt`. */
export function countdown(expiresAt: string, now: number): string {
  const left = Math.floor((new Date(expiresAt).getTime() - now) / 1000);
  if (left <= 0) return "expired";
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = left % 60;
  const mmss = `${String(minutes).padStart(hours ? 2 : 1, "0")}:${String(seconds).padStart(2, "0")}`;
  return hours ? `${hours}:${mmss}` : mmss;
}

/** A token shown masked: its prefix and a row of dots. */
export function maskToken(token: string): string {
  const prefix = token.startsWith("ghs_") ? "ghs_" : "";
  return `${prefix}${"•".repeat(Math.max(8, Math.min(36, token.length - prefix.length)))}`;
}

/** `git clone https://x-access-token:TOKEN@host/owner/repo.git` */
export function gitCloneLine(token: string, host: string, fullName: string): string {
  return `git clone https://x-access-token:${token}@${host}/${fullName}.git`;
}

/** Permission names as GitHub shows them: `pull_requests` → `Pull requests`. */
export function permissionLabel(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const LEVELS = ["read", "write", "admin"] as const;

/** Levels up to and including `granted`, for narrowing a token. */
export function levelsUpTo(granted: string): string[] {
  const index = LEVELS.indexOf(granted as (typeof LEVELS)[number]);
  return index < 0 ? [] : LEVELS.slice(0, index + 1).map(String);
}
