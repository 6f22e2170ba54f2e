import { invoke, isTauri, type InvokeArgs } from "@tauri-apps/api/core";
import { toIpcError } from "./ipcError";

/**
 * Calls a Tauri command. Resolves with its result; rejects only with an
 * `IpcError`, so callers can branch on `code` without guessing the shape.
 * Only the modules of `lib/ipc/` call this; components call them.
 */
export async function invokeCommand<T>(command: string, args?: InvokeArgs): Promise<T> {
  const answered = markFirstCall(command);
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    // Outside the desktop app (a plain browser on ui/dist) there is no IPC
    // bridge and `invoke` throws a TypeError; say so in words instead.
    if (!isTauri()) {
      throw toIpcError(
        "MCP Keys must run inside its desktop app: this page has no connection to it.",
      );
    }
    throw toIpcError(error);
  } finally {
    answered?.();
  }
}

/** The prefix of this app's User Timing marks. */
export const MARK_PREFIX = "mcp-keys ";

/** Commands whose first call was marked. */
const marked = new Set<string>();

/**
 * Marks when each command is first asked and answered (User Timing, read by
 * `cargo xtask bench app` to see where start-up time goes). Only first calls:
 * marks are kept until the page unloads.
 */
function markFirstCall(command: string): (() => void) | null {
  if (marked.has(command) || typeof performance === "undefined" || !performance.mark) {
    return null;
  }
  marked.add(command);
  performance.mark(`${MARK_PREFIX}${command} asked`);
  return () => performance.mark(`${MARK_PREFIX}${command} answered`);
}
