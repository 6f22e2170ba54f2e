import { describe, expect, it } from "vitest";
import { formatDate } from "../lib/formatDate";
import { reminder, remindersNow } from "../test/reminders";
import { describeDate, describeReason } from "./reminderWords";

describe("describeReason", () => {
  it("says a rotation coming up in how long", () => {
    const due = reminder({ reason: "rotation_due", dueAt: "2025-06-04T12:00:00Z" });
    expect(describeReason(due, remindersNow)).toBe("Rotation due in 3 days");
  });

  it("says since when a rotation is overdue, as a date", () => {
    const overdue = reminder({ reason: "rotation_overdue", dueAt: "2025-05-20T09:00:00Z" });
    expect(describeReason(overdue, remindersNow)).toBe(
      `Rotation overdue since ${formatDate("2025-05-20T09:00:00Z")}`,
    );
  });

  it("says when a key expires, or that it already has", () => {
    const soon = reminder({ reason: "expiring", dueAt: "2025-06-03T12:00:00Z" });
    const past = reminder({ reason: "expiring", dueAt: "2025-05-31T12:00:00Z" });
    expect(describeReason(soon, remindersNow)).toBe("Expires in 2 days");
    expect(describeReason(past, remindersNow)).toBe("Expired yesterday");
  });

  it("names a revoked key still configured and a key tracked by git in plain words", () => {
    expect(describeReason(reminder({ reason: "revoked_key_in_use" }), remindersNow)).toBe(
      "A revoked key is still in an IDE config",
    );
    expect(describeReason(reminder({ reason: "plaintext_key_tracked_by_git" }), remindersNow)).toBe(
      "A plaintext key is tracked by git",
    );
  });
});

describe("describeDate", () => {
  it("captions the date by what it is the time of", () => {
    const at = "2025-05-20T09:00:00Z";
    expect(describeDate(reminder({ reason: "rotation_due", dueAt: at }))).toBe(
      `Due ${formatDate(at)}`,
    );
    expect(describeDate(reminder({ reason: "expiring", dueAt: at }))).toBe(
      `Expires ${formatDate(at)}`,
    );
    expect(describeDate(reminder({ reason: "plaintext_key_tracked_by_git", dueAt: at }))).toBe(
      `Found ${formatDate(at)}`,
    );
  });
});
