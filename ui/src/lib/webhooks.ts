// Pure helpers for the webhook tab: time windows, event choices, delivery labels, secrets.
import type { DeliveryRow } from "./bindings/DeliveryRow";

export type WindowPreset = "1h" | "24h" | "3d" | "custom";

export const WINDOW_PRESETS: [WindowPreset, string][] = [
  ["1h", "Last hour"],
  ["24h", "Last 24 hours"],
  ["3d", "Last 3 days (all GitHub keeps)"],
  ["custom", "Between…"],
];

const HOURS: Record<Exclude<WindowPreset, "custom">, number> = { "1h": 1, "24h": 24, "3d": 72 };

/** The window's start and end (RFC 3339, end null for "now"). `from`/`to` are the values
 * of `datetime-local` inputs (local time) for a custom window. */
export function windowBounds(
  preset: WindowPreset,
  now: Date,
  from = "",
  to = "",
): { since: string | null; until: string | null } {
  if (preset !== "custom") {
    return { since: new Date(now.getTime() - HOURS[preset] * 3600_000).toISOString(), until: null };
  }
  const local = (value: string) => (value ? new Date(value).toISOString() : null);
  return { since: local(from), until: local(to) };
}

/** `push` or `pull_request.opened`. */
export function eventName(row: Pick<DeliveryRow, "event" | "action">): string {
  return row.action ? `${row.event}.${row.action}` : row.event;
}

/** The events seen, for the event filter: each event, then each event.action, sorted. */
export function eventChoices(rows: DeliveryRow[], keep: string | null = null): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.event);
    if (row.action) seen.add(eventName(row));
  }
  if (keep) seen.add(keep);
  return [...seen].sort();
}

/** `0.21 s`, `10 s`. */
export function seconds(duration: number): string {
  return duration >= 10 ? `${Math.round(duration)} s` : `${duration.toFixed(2)} s`;
}

/** `2026-11-22 08:54:36` in local time. */
export function deliveredAt(rfc3339: string): string {
  const d = new Date(rfc3339);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A new webhook secret: 32 random bytes as hex, from the OS's generator. */
export function generateSecret(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return Array.from(random(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("");
}
