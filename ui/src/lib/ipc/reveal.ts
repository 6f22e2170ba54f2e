import type { CopyOutcome } from "../../bindings/CopyOutcome";
import { invokeCommand } from "./invoke";

/*
 * The copy-once reveal. The key's text stays in Rust behind `revealId`; the
 * WebView receives it only from `showRevealedKey`, when the user asks to see it.
 * Callers must keep that text in component state only (never in storage, never
 * in a log) and drop it when the reveal closes.
 */

/** The key's text, for display only. */
export function showRevealedKey(revealId: string): Promise<string> {
  return invokeCommand<string>("reveal_show", { revealId });
}

/** Rust writes the key to the clipboard and clears it later if it still holds the key. */
export function copyRevealedKey(revealId: string): Promise<CopyOutcome> {
  return invokeCommand<CopyOutcome>("reveal_copy", { revealId });
}

/** Rust forgets (zeroizes) the key; it can't be shown again. */
export function closeReveal(revealId: string): Promise<null> {
  return invokeCommand<null>("reveal_close", { revealId });
}
