/**
 * Copies text that is not secret (a config snippet with a placeholder) from
 * the WebView. API keys never go this way: Rust copies them (`reveal_copy`).
 */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator.clipboard?.writeText !== "function") {
    throw new Error("The clipboard is not available here: select the text and copy it.");
  }
  await navigator.clipboard.writeText(text);
}
