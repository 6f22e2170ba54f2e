import { invoke, isTauri } from "@tauri-apps/api/core";
import { describe, expect, it, vi } from "vitest";
import { dueRemindersCount, listReminders, muteReminder, snoozeReminder } from "./reminders";

vi.mock("@tauri-apps/api/core");

describe("reminder commands", () => {
  it("send the key and the snooze or mute exactly as the Rust commands take them", async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    vi.mocked(invoke).mockResolvedValue(null);

    await listReminders();
    await dueRemindersCount();
    await snoozeReminder("key_1", "week");
    await muteReminder("key_1", true);

    expect(vi.mocked(invoke).mock.calls).toEqual([
      ["reminders_list", undefined],
      ["reminders_due_count", undefined],
      ["reminder_snooze", { keyId: "key_1", snooze: "week" }],
      ["reminder_mute", { keyId: "key_1", muted: true }],
    ]);
  });
});
