// When a command needs a PKCS#11 token's PIN, the window asks for it once (PinDialog), unlocks
// the token (the session is kept while the app runs) and retries the command. The error's
// `pin_prompt` says which token; the UI switches on the error code, never on its text.
import type { IpcError } from "./bindings/IpcError";
import type { PinPrompt } from "./bindings/PinPrompt";

export type PinRequest = {
  prompt: PinPrompt;
  /** Why the dialog is shown again (a wrong PIN), if it is. */
  error: IpcError | null;
  resolve: (answer: { pin: string; remember: boolean } | null) => void;
};

class PinGate {
  request = $state<PinRequest | null>(null);

  /** Shows the PIN dialog; resolves with what was typed, or null when cancelled. */
  ask(prompt: PinPrompt, error: IpcError | null): Promise<{ pin: string; remember: boolean } | null> {
    return new Promise((resolve) => {
      this.request = {
        prompt,
        error,
        resolve: (answer) => {
          this.request = null;
          resolve(answer);
        },
      };
    });
  }
}

export const pinGate = new PinGate();

/** Whether an error asks for a token's PIN. */
export function wantsPin(error: IpcError): error is IpcError & { pin_prompt: PinPrompt } {
  return (error.code === "pin_required" || error.code === "pin_incorrect") && error.pin_prompt !== null;
}
