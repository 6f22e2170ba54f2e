import { describe, expect, it } from "vitest";
import { reminder, remindersNow, threeDueKeys } from "../test/reminders";
import { groupByKey, isSnoozed, withSnooze, withoutKey } from "./dueKeys";

describe("groupByKey", () => {
  it("makes one entry per key, in the order Rust ranked their most urgent reason", () => {
    const keys = groupByKey(threeDueKeys().reminders);

    expect(keys.map((key) => key.keyId)).toEqual(["key_leak", "key_1", "key_2"]);
    expect(keys[1]?.reminders.map((r) => r.reason)).toEqual(["expiring", "rotation_overdue"]);
  });

  it("keeps the latest snooze of a key's reasons", () => {
    const [key] = groupByKey([
      reminder({ reason: "expiring", snoozedUntil: "2025-06-02T12:00:00Z" }),
      reminder({ snoozedUntil: "2025-06-08T12:00:00Z" }),
    ]);
    expect(key?.snoozedUntil).toBe("2025-06-08T12:00:00Z");
  });
});

describe("isSnoozed", () => {
  it("holds until the snooze runs out: a past snooze Rust still reports is over", () => {
    const [running] = groupByKey([reminder({ snoozedUntil: "2025-06-02T12:00:00Z" })]);
    const [over] = groupByKey([reminder({ snoozedUntil: "2025-05-30T12:00:00Z" })]);
    const [never] = groupByKey([reminder()]);

    expect(running && isSnoozed(running, remindersNow)).toBe(true);
    expect(over && isSnoozed(over, remindersNow)).toBe(false);
    expect(never && isSnoozed(never, remindersNow)).toBe(false);
  });
});

describe("withSnooze and withoutKey", () => {
  it("change only the rows of the key acted on", () => {
    const reminders = threeDueKeys().reminders;
    const snoozed = withSnooze(reminders, "key_1", "2025-06-02T12:00:00Z");

    expect(snoozed.filter((r) => r.snoozedUntil !== null).map((r) => r.keyId)).toEqual([
      "key_1",
      "key_1",
    ]);
    expect(withoutKey(reminders, "key_1").map((r) => r.keyId)).toEqual(["key_leak", "key_2"]);
  });
});
