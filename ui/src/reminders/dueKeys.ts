import type { Reminder } from "../bindings/Reminder";

/**
 * One key that needs attention, with every reason it does. `reminders_list`
 * answers one row per key and reason; snooze and "stop reminding" act on the
 * key, so the page shows one row per key.
 */
export type DueKey = {
  keyId: string;
  name: string;
  keyPrefix: string;
  connectionId: string | null;
  productId: string | null;
  surfaceId: string | null;
  /** Its reminders, most urgent first (the order Rust sent). */
  reminders: Reminder[];
  /** The latest snooze of any of its reasons, or null. */
  snoozedUntil: string | null;
};

function later(a: string | null, b: string | null): string | null {
  if (a === null) {
    return b;
  }
  if (b === null) {
    return a;
  }
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** The reminders grouped by key, keeping Rust's most-urgent-first order of first appearance. */
export function groupByKey(reminders: readonly Reminder[]): DueKey[] {
  const keys = new Map<string, DueKey>();
  for (const reminder of reminders) {
    const known = keys.get(reminder.keyId);
    if (known) {
      known.reminders.push(reminder);
      known.snoozedUntil = later(known.snoozedUntil, reminder.snoozedUntil);
      known.connectionId ??= reminder.connectionId;
      known.productId ??= reminder.productId;
      known.surfaceId ??= reminder.surfaceId;
    } else {
      keys.set(reminder.keyId, {
        keyId: reminder.keyId,
        name: reminder.name,
        keyPrefix: reminder.keyPrefix,
        connectionId: reminder.connectionId,
        productId: reminder.productId,
        surfaceId: reminder.surfaceId,
        reminders: [reminder],
        snoozedUntil: reminder.snoozedUntil,
      });
    }
  }
  return [...keys.values()];
}

/** Snoozed now: Rust keeps a past snooze in the row after it ran out, so the time decides. */
export function isSnoozed(key: DueKey, now: Date): boolean {
  return key.snoozedUntil !== null && Date.parse(key.snoozedUntil) > now.getTime();
}

/** The reminders with every row of one key snoozed until `until`. */
export function withSnooze(
  reminders: readonly Reminder[],
  keyId: string,
  until: string,
): Reminder[] {
  return reminders.map((reminder) =>
    reminder.keyId === keyId ? { ...reminder, snoozedUntil: until } : reminder,
  );
}

/** The reminders without those of one key. */
export function withoutKey(reminders: readonly Reminder[], keyId: string): Reminder[] {
  return reminders.filter((reminder) => reminder.keyId !== keyId);
}
