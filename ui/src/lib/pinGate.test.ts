import { describe, expect, it, vi } from "vitest";
import type { IpcError } from "./bindings/IpcError";
import type { PinEntry } from "./bindings/PinEntry";
import type { PinPrompt } from "./bindings/PinPrompt";
import { pinGate } from "./pinGate.svelte";

function prompt(token_label: string): PinPrompt {
  return { module: "/usr/lib/softhsm/libsofthsm2.so", token_label, token_serial: `serial-${token_label}`, warning: null };
}

function pinError(code: "pin_required" | "pin_incorrect", token: string): IpcError {
  return { code, message: `${code} for ${token}`, hint: null, status: null, request_id: null, retry_at: null, pin_prompt: prompt(token) };
}

/** A token that refuses commands until `unlock` is given its PIN. */
function fakeToken(label: string, pin: string) {
  const state = { unlocked: false, unlocks: 0 };
  const command = (answer: string) => async () => {
    if (!state.unlocked) throw pinError("pin_required", label);
    return answer;
  };
  const unlock = async (entry: PinEntry) => {
    state.unlocks += 1;
    if (entry.pin !== pin) throw pinError("pin_incorrect", label);
    state.unlocked = true;
  };
  return { state, command, unlock };
}

async function dialogFor(label: string) {
  await vi.waitFor(() => expect(pinGate.request?.prompt.token_label).toBe(label));
  return pinGate.request!;
}

describe("the PIN gate", () => {
  it("asks once when two commands need the same token at the same time", async () => {
    const token = fakeToken("ci token", "1234");
    const overview = pinGate.withPin(token.command("overview"), token.unlock);
    const listing = pinGate.withPin(token.command("listing"), token.unlock);
    (await dialogFor("ci token")).resolve({ pin: "1234", remember: false });
    expect(await Promise.all([overview, listing])).toEqual(["overview", "listing"]);
    expect(token.state.unlocks).toBe(1);
    expect(pinGate.request).toBeNull();
  });

  it("asks again after a wrong PIN, with the token's words", async () => {
    const token = fakeToken("card", "right");
    const mint = pinGate.withPin(token.command("minted"), token.unlock);
    (await dialogFor("card")).resolve({ pin: "wrong", remember: false });
    await vi.waitFor(() => expect(pinGate.request?.error?.code).toBe("pin_incorrect"));
    pinGate.request!.resolve({ pin: "right", remember: false });
    expect(await mint).toBe("minted");
    expect(token.state.unlocks).toBe(2);
  });

  it("gives every waiting command the token's error when the dialog is cancelled", async () => {
    const token = fakeToken("cancelled", "1234");
    const first = pinGate.withPin(token.command("a"), token.unlock);
    const second = pinGate.withPin(token.command("b"), token.unlock);
    (await dialogFor("cancelled")).resolve(null);
    await expect(first).rejects.toMatchObject({ code: "pin_required" });
    await expect(second).rejects.toMatchObject({ code: "pin_required" });
    expect(token.state.unlocks).toBe(0);
  });

  it("shows a second token's dialog only once the first is answered", async () => {
    const one = fakeToken("one", "1");
    const two = fakeToken("two", "2");
    const first = pinGate.withPin(one.command("from one"), one.unlock);
    const second = pinGate.withPin(two.command("from two"), two.unlock);
    (await dialogFor("one")).resolve({ pin: "1", remember: false });
    (await dialogFor("two")).resolve({ pin: "2", remember: false });
    expect(await Promise.all([first, second])).toEqual(["from one", "from two"]);
  });

  it("passes any other error through without a dialog", async () => {
    const failing = pinGate.withPin(async () => {
      throw { ...pinError("pin_required", "x"), code: "rate_limited", pin_prompt: null };
    }, async () => {});
    await expect(failing).rejects.toMatchObject({ code: "rate_limited" });
    expect(pinGate.request).toBeNull();
  });
});
