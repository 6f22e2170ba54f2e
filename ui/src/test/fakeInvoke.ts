import { invoke, isTauri } from "@tauri-apps/api/core";
import { vi } from "vitest";
import { knownClients } from "./fixtures";

/*
 * A fake of the Rust side for component tests: each command answers from a
 * handler, which may throw an IpcError to make the command fail. Test files
 * using it must call `vi.mock("@tauri-apps/api/core")` themselves.
 */

export type Handler = (args: Record<string, unknown>) => unknown;

export type Call = { command: string; args: Record<string, unknown> };

/**
 * Answers that never change while the app runs (the client registry is built
 * into it), given to every test unless it passes its own handler.
 */
const constant: Record<string, Handler> = {
  ide_clients: () => knownClients,
};

/** Routes `invoke` to the handlers and records every call, in order. */
export function fakeInvoke(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  vi.mocked(isTauri).mockReturnValue(true);
  vi.mocked(invoke).mockImplementation(async (command: string, args?: unknown) => {
    const given = (args ?? {}) as Record<string, unknown>;
    calls.push({ command, args: given });
    const handler = handlers[command] ?? constant[command];
    if (!handler) {
      throw { code: "internal", message: `The fake has no ${command} command.` };
    }
    return handler(given);
  });
  return calls;
}

/** The calls of one command. */
export function callsOf(calls: readonly Call[], command: string): Call[] {
  return calls.filter((c) => c.command === command);
}

/** A promise the test settles when it chooses. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
