// When a command needs a PKCS#11 token's PIN, the window asks for it once (PinDialog), unlocks
// the token (the session is kept while the app runs) and retries the command. Commands that
// need the same token at the same time (the overview and the listing at start, two mints) share
// one dialog and one unlock; a second token's dialog waits for the first to be answered. The
// error's `pin_prompt` says which token; the UI switches on the error code, never on its text.
import type { IpcError } from "./bindings/IpcError";
import type { PinEntry } from "./bindings/PinEntry";
import type { PinPrompt } from "./bindings/PinPrompt";

export type PinAnswer = { pin: string; remember: boolean };

export type PinRequest = {
  prompt: PinPrompt;
  /** Why the dialog is shown again (a wrong PIN), if it is. */
  error: IpcError | null;
  resolve: (answer: PinAnswer | null) => void;
};

type PinError = IpcError & { pin_prompt: PinPrompt };

class PinGate {
  request = $state<PinRequest | null>(null);
  /** Settles when the dialog shown last has been answered: one dialog at a time. */
  private answered: Promise<unknown> = Promise.resolve();
  /** The unlock under way for each token, shared by every command waiting for it. */
  private unlocking = new Map<string, Promise<void>>();

  /** Shows the PIN dialog once any open one is answered; resolves with what was typed, or null when cancelled. */
  ask(prompt: PinPrompt, error: IpcError | null): Promise<PinAnswer | null> {
    const answer = this.answered.then(
      () =>
        new Promise<PinAnswer | null>((resolve) => {
          this.request = {
            prompt,
            error,
            resolve: (typed) => {
              this.request = null;
              resolve(typed);
            },
          };
        }),
    );
    this.answered = answer;
    return answer;
  }

  /**
   * Runs `attempt`; while it fails for want of a token's PIN, unlocks that token through the
   * dialog and runs it again. Throws the command's error when the user cancels.
   */
  async withPin<T>(attempt: () => Promise<T>, unlock: (entry: PinEntry) => Promise<void>): Promise<T> {
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        const error = err as IpcError;
        if (!wantsPin(error)) throw error;
        await this.unlockOnce(error, unlock);
      }
    }
  }

  /** The token's unlock under way, or a new one: one dialog however many commands wait. */
  private unlockOnce(error: PinError, unlock: (entry: PinEntry) => Promise<void>): Promise<void> {
    const token = `${error.pin_prompt.module}\n${error.pin_prompt.token_serial}\n${error.pin_prompt.token_label}`;
    let pending = this.unlocking.get(token);
    if (!pending) {
      pending = this.unlockWithDialog(error, unlock).finally(() => this.unlocking.delete(token));
      this.unlocking.set(token, pending);
    }
    return pending;
  }

  /** Asks for the PIN until the token accepts it; throws `error` when the user cancels. */
  private async unlockWithDialog(error: PinError, unlock: (entry: PinEntry) => Promise<void>): Promise<void> {
    let shown: IpcError | null = error.code === "pin_incorrect" ? error : null;
    for (;;) {
      const answer = await this.ask(error.pin_prompt, shown);
      if (!answer) throw error;
      const entry: PinEntry = {
        module: error.pin_prompt.module,
        token_label: error.pin_prompt.token_label,
        pin: answer.pin,
        remember: answer.remember,
      };
      try {
        await unlock(entry);
        return;
      } catch (err) {
        shown = err as IpcError;
        if (!wantsPin(shown)) throw shown;
      }
    }
  }
}

export const pinGate = new PinGate();

/** Whether an error asks for a token's PIN. */
export function wantsPin(error: IpcError): error is PinError {
  return (error.code === "pin_required" || error.code === "pin_incorrect") && error.pin_prompt !== null;
}
