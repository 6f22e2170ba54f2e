/*
 * Events Rust pushes to the UI (`app.emit`), heard through `listen`: the
 * only place that subscribes. Their names are Rust's `AppEvent`.
 */

import { isTauri } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppEvent } from "../../bindings/AppEvent";
import type { FindingOpen } from "../../bindings/FindingOpen";
import type { PendingAuthorization } from "../../bindings/PendingAuthorization";
import type { ReminderOpen } from "../../bindings/ReminderOpen";

/** Stops a subscription; safe to call more than once. */
export type Unsubscribe = () => void;

/** Where a key lives, as a reminder names it: enough to open it with Roll ready. */
export type KeyTarget = ReminderOpen;

/** An IDE config the app watches was written: what the scan showed may be stale. */
export const IDE_CONFIGS_CHANGED: AppEvent = "ide://configs-changed";
/** A reminder's notification was clicked: open its key (payload: a `KeyTarget`). */
export const REMINDER_OPEN: AppEvent = "reminder://open";
/** How many keys are due now changed: after every check, and every `reminders_list` (payload: the count). */
export const REMINDERS_CHANGED_EVENT: AppEvent = "reminder://changed";

/** A client-log notification was clicked: open the IDEs page at its finding (payload: a `FindingOpen`). */
export const IDE_FINDING_OPEN: AppEvent = "ide://open-finding";

/** The pending OAuth authorization requests changed (payload: all of them). */
export const AUTHORIZATIONS_CHANGED: AppEvent = "oauth://requests";

/**
 * Calls `handler` with the payload of each `event` Rust emits. Synchronous for
 * the caller (an effect's cleanup), although Tauri registers listeners
 * asynchronously. Events are a convenience: outside the desktop app (a
 * browser, a component test) or when listening is refused, this is a quiet
 * no-op and nothing else breaks.
 */
function subscribe<T>(event: AppEvent, handler: (payload: T) => void): Unsubscribe {
  if (!isTauri()) {
    return () => {};
  }
  let stopped = false;
  let unlisten: UnlistenFn | undefined;
  const stop = (fn: UnlistenFn) => {
    // Tauri's unlisten is async and may reject (the bridge is gone on reload).
    void Promise.resolve()
      .then(fn)
      .catch(() => {});
  };
  // A `listen` that throws at once (no event plugin) is a refusal like any other.
  new Promise<UnlistenFn>((resolve) =>
    resolve(
      listen<T>(event, ({ payload }) => {
        if (!stopped) {
          handler(payload);
        }
      }),
    ),
  ).then(
    (fn) => {
      if (stopped) {
        stop(fn);
      } else {
        unlisten = fn;
      }
    },
    () => {},
  );
  return () => {
    if (!stopped) {
      stopped = true;
      if (unlisten) {
        stop(unlisten);
      }
    }
  };
}

export function onIdeConfigsChanged(handler: () => void): Unsubscribe {
  return subscribe<null>(IDE_CONFIGS_CHANGED, () => handler());
}

export function onReminderOpen(handler: (target: KeyTarget) => void): Unsubscribe {
  return subscribe<KeyTarget>(REMINDER_OPEN, handler);
}

export function onIdeFindingOpen(handler: (target: FindingOpen) => void): Unsubscribe {
  return subscribe<FindingOpen>(IDE_FINDING_OPEN, handler);
}

export function onRemindersChanged(handler: (due: number) => void): Unsubscribe {
  return subscribe<number>(REMINDERS_CHANGED_EVENT, handler);
}

export function onAuthorizationsChanged(
  handler: (pending: PendingAuthorization[]) => void,
): Unsubscribe {
  return subscribe<PendingAuthorization[]>(AUTHORIZATIONS_CHANGED, handler);
}
