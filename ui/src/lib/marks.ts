/** The prefix of this app's User Timing marks. */
export const MARK_PREFIX = "mcp-keys ";

const marked = new Set<string>();

/**
 * Marks the first time the page reaches `name` (User Timing, read by
 * `cargo xtask bench app` to see where start-up time goes). Only first times:
 * marks are kept until the page unloads.
 */
export function markOnce(name: string): boolean {
  if (marked.has(name) || typeof performance === "undefined" || !performance.mark) {
    return false;
  }
  marked.add(name);
  performance.mark(`${MARK_PREFIX}${name}`);
  return true;
}
