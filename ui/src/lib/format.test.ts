import { describe, expect, it } from "vitest";
import { countdown, gitCloneLine, levelsUpTo, listedAt, maskToken, permissionLabel, shortDate } from "./format";

describe("format", () => {
  it("counts down to expiry", () => {
    const now = Date.parse("2026-11-22T10:00:00Z");
    expect(countdown("2026-11-22T11:00:00Z", now)).toBe("1:00:00");
    expect(countdown("2026-11-22T10:59:03Z", now)).toBe("59:03");
    expect(countdown("2026-11-22T10:00:09Z", now)).toBe("0:09");
    expect(countdown("2026-11-22T09:59:59Z", now)).toBe("expired");
  });
  it("masks tokens and builds clone lines", () => {
    expect(maskToken("ghs_abcdefghijklmnopqrstuvwxyz0123456789")).toMatch(/^ghs_•+$/);
    expect(maskToken("ghs_abc")).not.toContain("abc");
    expect(gitCloneLine("ghs_x", "github.com", "octo/api")).toBe("git clone https://x-access-token:ghs_x@github.com/octo/api.git");
  });
  it("labels permissions and levels", () => {
    expect(permissionLabel("pull_requests")).toBe("Pull requests");
    expect(levelsUpTo("write")).toEqual(["read", "write"]);
    expect(levelsUpTo("nope")).toEqual([]);
    expect(shortDate("2026-11-22T10:00:00+00:00")).toBe("2026-11-22");
  });
});

describe("listedAt", () => {
  it("says today or the date", () => {
    const at = new Date(2026, 10, 22, 9, 5).toISOString();
    expect(listedAt(at, new Date(2026, 10, 22, 18, 0))).toBe("today at 09:05");
    expect(listedAt(at, new Date(2026, 10, 23, 1, 0))).toBe("2026-11-22 09:05");
  });
});
