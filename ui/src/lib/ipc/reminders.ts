import { isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { DueReport } from "../../bindings/DueReport";
import type { ReminderSnooze } from "../../bindings/ReminderSnooze";
import { invokeCommand } from "./invoke";

/** Rust's event carrying the number of keys due now (after every check, and every `reminders_list`). */
export const REMINDERS_CHANGED_EVENT = "reminder://changed";

/** Every key that needs attention now, most urgent first, and the connections that were offline. */
export function listReminders(): Promise<DueReport> {
  return invokeCommand<DueReport>("reminders_list");
}

/**
 * How many keys the app's last check found due, without checking again (a
 * check runs doctor and reads every key); `null` before the first check, a few
 * seconds after the app starts, which `reminder://changed` then reports.
 */
export function dueRemindersCount(): Promise<number | null> {
  return invokeCommand<number | null>("reminders_due_count");
}

/** No reminder about the key for a day or a week; resolves with until when (RFC 3339). */
export function snoozeReminder(keyId: string, snooze: ReminderSnooze): Promise<string> {
  return invokeCommand<string>("reminder_snooze", { keyId, snooze });
}

/** Stops (`muted`) or resumes every reminder about the key. */
export function muteReminder(keyId: string, muted: boolean): Promise<null> {
  return invokeCommand<null>("reminder_mute", { keyId, muted });
}

/**
 * Calls `handler` with the number of keys due each time Rust reports it, and
 * returns what stops that. Outside the desktop app (a browser, Vitest without
 * a fake) there is no event bus: nothing is heard, and nothing fails.
 */
export function onRemindersChanged(handler: (due: number) => void): () => void {
  if (!isTauri()) {
    return () => {};
  }
  let stopped = false;
  let unlisten: (() => void) | null = null;
  // Through a promise, so a listener that throws at once fails the same quiet way.
  void Promise.resolve()
    .then(() =>
      listen<number>(REMINDERS_CHANGED_EVENT, (event) => {
        if (!stopped) {
          handler(event.payload);
        }
      }),
    )
    .then(
      (stop) => {
        // Stopped before the subscription was made: undo it at once.
        if (stopped) {
          stop();
        } else {
          unlisten = stop;
        }
      },
      // Without the event (a capability missing, no bus) the list still loads on demand.
      () => {},
    );
  return () => {
    stopped = true;
    unlisten?.();
  };
}
