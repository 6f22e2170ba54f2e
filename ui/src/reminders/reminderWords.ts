import type { Reminder } from "../bindings/Reminder";
import type { ReminderReason } from "../bindings/ReminderReason";
import type { BadgeTone } from "../components/Badge";
import { formatDate, formatRelative } from "../lib/formatDate";

/** A reminder's reason in words, its date included where it helps (DESIGN §5). */
export function describeReason(reminder: Reminder, now: Date): string {
  const { dueAt } = reminder;
  switch (reminder.reason) {
    case "rotation_due":
      return `Rotation due ${formatRelative(dueAt, now)}`;
    case "rotation_overdue":
      return `Rotation overdue since ${formatDate(dueAt)}`;
    case "expiring":
      return Date.parse(dueAt) > now.getTime()
        ? `Expires ${formatRelative(dueAt, now)}`
        : `Expired ${formatRelative(dueAt, now)}`;
    case "revoked_key_in_use":
      return "A revoked key is still in an IDE config";
    case "plaintext_key_tracked_by_git":
      return "A plaintext key is tracked by git";
  }
}

/** What a reminder's `dueAt` is the time of, as a short caption. */
const dateCaptions: Record<ReminderReason, string> = {
  rotation_due: "Due",
  rotation_overdue: "Due",
  expiring: "Expires",
  revoked_key_in_use: "Revoked",
  plaintext_key_tracked_by_git: "Found",
};

/** "Due Mar 4, 2025", "Found Mar 4, 2025"… */
export function describeDate(reminder: Reminder): string {
  return `${dateCaptions[reminder.reason]} ${formatDate(reminder.dueAt)}`;
}

/** A leak or a key that already fails is a caution; a rotation coming up is information. */
export const reasonTones: Record<ReminderReason, BadgeTone> = {
  rotation_due: "info",
  rotation_overdue: "warning",
  expiring: "warning",
  revoked_key_in_use: "warning",
  plaintext_key_tracked_by_git: "warning",
};

/** The badge's one or two words. */
export const reasonLabels: Record<ReminderReason, string> = {
  rotation_due: "Rotation",
  rotation_overdue: "Overdue",
  expiring: "Expiry",
  revoked_key_in_use: "Revoked",
  plaintext_key_tracked_by_git: "Leak",
};
