import { describe, expect, it } from "vitest";
import type { DeliveryRow } from "./bindings/DeliveryRow";
import { eventChoices, eventName, generateSecret, seconds, windowBounds } from "./webhooks";

const row = (event: string, action: string | null): DeliveryRow => ({
  id: 1,
  guid: "g",
  delivered_at: "2026-11-22T08:00:00Z",
  redelivery: false,
  duration: 0.2,
  status: "OK",
  status_code: 200,
  event,
  action,
  installation_id: null,
  repository_id: null,
  succeeded: true,
});

describe("webhooks", () => {
  it("windows end now for presets and where asked for custom ones", () => {
    const now = new Date("2026-11-22T12:00:00Z");
    expect(windowBounds("24h", now)).toEqual({ since: "2026-11-21T12:00:00.000Z", until: null });
    expect(windowBounds("3d", now).since).toBe("2026-11-19T12:00:00.000Z");
    const custom = windowBounds("custom", now, "2026-11-20T08:00", "");
    expect(custom.until).toBeNull();
    expect(new Date(custom.since!).getTime()).toBe(new Date("2026-11-20T08:00").getTime());
  });

  it("offers each event and each event.action once", () => {
    const rows = [row("push", null), row("pull_request", "opened"), row("pull_request", "closed"), row("push", null)];
    expect(eventChoices(rows)).toEqual(["pull_request", "pull_request.closed", "pull_request.opened", "push"]);
    expect(eventChoices([], "issues")).toEqual(["issues"]);
    expect(eventName(row("pull_request", "opened"))).toBe("pull_request.opened");
  });

  it("formats durations and makes 256-bit secrets", () => {
    expect(seconds(0.214)).toBe("0.21 s");
    expect(seconds(10)).toBe("10 s");
    const secret = generateSecret((b) => b.fill(171));
    expect(secret).toBe("ab".repeat(32));
    expect(generateSecret()).toMatch(/^[0-9a-f]{64}$/);
  });
});
