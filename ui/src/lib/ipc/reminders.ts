import type { DueReport } from "../../bindings/DueReport";
import type { ReminderSnooze } from "../../bindings/ReminderSnooze";
import { invokeCommand } from "./invoke";

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
