import { isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { describe, expect, it, vi } from "vitest";
import { onRemindersChanged } from "./appEvents";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

describe("onRemindersChanged", () => {
  it("does nothing outside the desktop app, where there is no event bus", () => {
    vi.mocked(isTauri).mockReturnValue(false);

    const stop = onRemindersChanged(() => {});
    stop();

    expect(listen).not.toHaveBeenCalled();
  });

  it("passes on the number due, and undoes a subscription that lands after it was stopped", async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    const unlisten = vi.fn();
    let deliver: (count: number) => void = () => {};
    vi.mocked(listen).mockImplementation(async (_event, handler) => {
      deliver = (count) => handler({ event: "reminder://changed", id: 1, payload: count });
      return unlisten;
    });
    const heard: number[] = [];

    const stop = onRemindersChanged((count) => heard.push(count));
    stop();
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalled());
    deliver(2);

    expect(vi.mocked(listen).mock.calls[0]?.[0]).toBe("reminder://changed");
    expect(heard).toEqual([]);
  });

  it("fails quietly when listening is refused", async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    vi.mocked(listen).mockRejectedValue("event.listen not allowed");

    const stop = onRemindersChanged(() => {});

    await Promise.resolve();
    expect(stop).not.toThrow();
  });
});
