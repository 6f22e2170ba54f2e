import { act } from "@testing-library/react";
import { listen, type EventCallback } from "@tauri-apps/api/event";
import { vi } from "vitest";

/*
 * A fake of the events Rust emits, for component tests. Test files using it
 * call `vi.mock("@tauri-apps/api/event")` themselves, and `fakeInvoke` (the
 * subscriptions only listen inside the desktop app, which it pretends to be).
 */

type Listener = EventCallback<unknown>;

/** Routes `listen` to an in-memory bus; `emit` delivers to the current listeners. */
export function fakeEvents() {
  const listeners = new Map<string, Set<Listener>>();
  vi.mocked(listen).mockImplementation(async (event: string, handler: Listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(handler);
    listeners.set(event, set);
    return () => {
      set.delete(handler);
    };
  });
  return {
    /** True once something listens to `event`. */
    listening: (event: string) => (listeners.get(event)?.size ?? 0) > 0,
    /** Emits `event` with `payload`, as Rust's `app.emit` would. */
    emit: (event: string, payload: unknown) => {
      act(() => {
        for (const handler of listeners.get(event) ?? []) {
          handler({ event, id: 0, payload });
        }
      });
    },
  };
}
