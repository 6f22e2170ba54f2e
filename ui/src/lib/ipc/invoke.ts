import { invoke, isTauri, type InvokeArgs } from "@tauri-apps/api/core";
import type { Command } from "../../bindings/Command";
import { markOnce } from "../marks";
import { toIpcError } from "./ipcError";

/**
 * Calls a Tauri command. Resolves with its result; rejects only with an
 * `IpcError`, so callers can branch on `code` without guessing the shape.
 * Only the modules of `lib/ipc/` call this; components call them.
 */
export async function invokeCommand<T>(command: Command, args?: InvokeArgs): Promise<T> {
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

/**
 * Marks when each command is first asked and answered, so that the bench
 * sees where start-up time goes.
 */
function markFirstCall(command: string): (() => void) | null {
  if (!markOnce(`${command} asked`)) {
    return null;
  }
  return () => markOnce(`${command} answered`);
}
