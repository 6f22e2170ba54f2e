import { listen, type EventCallback } from "@tauri-apps/api/event";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DueReport } from "../bindings/DueReport";
import { formatDate } from "../lib/formatDate";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { dueReport, reminder, remindersNow, threeDueKeys } from "../test/reminders";
import type { ReminderOpen } from "../bindings/ReminderOpen";
import { RemindersPage } from "./RemindersPage";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

/** The `reminder://changed` listeners the page registered, to fire from the test. */
let changedListeners: EventCallback<number>[] = [];
const unlisten = vi.fn();

beforeEach(() => {
  changedListeners = [];
  unlisten.mockReset();
  vi.mocked(listen).mockImplementation(async (event, handler) => {
    if (event === "reminder://changed") {
      changedListeners.push(handler as EventCallback<number>);
    }
    return unlisten;
  });
});

/** Fires the event once the page listens: it subscribes asynchronously, after its first render. */
async function fireChanged(count: number) {
  await waitFor(() => expect(changedListeners.length).toBeGreaterThan(0));
  act(() => {
    for (const listener of changedListeners) {
      listener({ event: "reminder://changed", id: 1, payload: count });
    }
  });
}

function renderPage(onOpenKey: (target: ReminderOpen) => void = () => {}) {
  return render(<RemindersPage onOpenKey={onOpenKey} now={remindersNow} />);
}

function withReport(report: DueReport, more: Record<string, Handler> = {}) {
  return fakeInvoke({ reminders_list: () => report, ...more });
}

describe("RemindersPage", () => {
  it("lists each due key once, with its name, prefix, reasons in words and dates", async () => {
    withReport(threeDueKeys());
    renderPage();

    expect(screen.getByTestId("reminders-loading")).toHaveTextContent("Checking which keys");
    const row = await screen.findByTestId("reminder-key_1");
    expect(row).toHaveTextContent("MCP - Cursor");
    expect(row).toHaveTextContent("mcp_prod_Ab3dE5gH");
    expect(row).toHaveTextContent("Expires in 3 days");
    expect(row).toHaveTextContent(`Rotation overdue since ${formatDate("2025-05-20T09:00:00Z")}`);
    expect(row).toHaveTextContent(`Due ${formatDate("2025-05-20T09:00:00Z")}`);
    expect(screen.getByTestId("reminder-key_2")).toHaveTextContent("Rotation due in 4 days");
    expect(screen.getByTestId("reminder-key_leak")).toHaveTextContent(
      "A plaintext key is tracked by git",
    );

    const rows = within(screen.getByTestId("reminders-list")).getAllByTestId(/^reminder-key_/);
    expect(rows.map((r) => r.dataset.testid)).toEqual([
      "reminder-key_leak",
      "reminder-key_1",
      "reminder-key_2",
    ]);
    expect(screen.queryByTestId("reminders-empty")).not.toBeInTheDocument();
  });

  it("says nothing is due when the list is empty", async () => {
    withReport(dueReport([]));
    renderPage();

    expect(await screen.findByTestId("reminders-empty")).toHaveTextContent("Nothing is due");
  });

  it("notes the offline connections whose keys came from the cache", async () => {
    withReport(
      dueReport(
        [reminder()],
        [{ connectionId: "conn_team", name: "Team server", message: "connection refused" }],
      ),
    );
    renderPage();

    const note = await screen.findByTestId("reminders-offline");
    expect(note).toHaveTextContent("checked from the local cache");
    expect(screen.getByTestId("reminders-offline-conn_team")).toHaveTextContent(
      "Team server: connection refused",
    );
  });

  it("explains a failed load and loads again on Try again", async () => {
    let loads = 0;
    fakeInvoke({
      reminders_list: () => {
        if (loads++ === 0) {
          throw { code: "keyring_unavailable", message: "no keyring" };
        }
        return dueReport([reminder()]);
      },
    });
    renderPage();

    const banner = await screen.findByTestId("error-banner");
    expect(banner).toHaveTextContent("The system keyring is unavailable");
    await userEvent.click(within(banner).getByTestId("error-retry"));

    expect(await screen.findByTestId("reminder-key_1")).toBeInTheDocument();
  });

  it("opens the key with Roll ready, and cannot for a key no connection holds", async () => {
    withReport(threeDueKeys());
    const onOpenKey = vi.fn();
    renderPage(onOpenKey);

    await userEvent.click(await screen.findByTestId("reminder-roll-key_1"));
    expect(onOpenKey).toHaveBeenCalledWith({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      keyId: "key_1",
    });
    expect(screen.getByTestId("reminder-roll-key_leak")).toBeDisabled();
    expect(screen.getByTestId("reminder-key_leak")).toHaveTextContent("No saved connection");
  });

  it("snoozes a key for a day: it moves to Snoozed with until when, focus to the next row", async () => {
    const until = "2025-06-02T12:00:00Z";
    const calls = withReport(threeDueKeys(), { reminder_snooze: () => until });
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByTestId("reminder-snooze-day-key_1"));

    expect(callsOf(calls, "reminder_snooze")[0]?.args).toEqual({ keyId: "key_1", snooze: "day" });
    const snoozed = await screen.findByTestId("reminders-snoozed");
    expect(within(snoozed).getByTestId("reminder-key_1")).toBeInTheDocument();
    expect(screen.getByTestId("reminder-snoozed-key_1")).toHaveTextContent(
      `Snoozed until ${formatDate(until)}`,
    );
    expect(
      within(screen.getByTestId("reminders-list")).queryByTestId("reminder-key_1"),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId("reminders-status")).toHaveTextContent("is snoozed until");
    expect(screen.getByTestId("reminder-key_2")).toHaveFocus();
  });

  it("snoozes for a week with the serde form Rust expects", async () => {
    const calls = withReport(threeDueKeys(), { reminder_snooze: () => "2025-06-08T12:00:00Z" });
    renderPage();

    await userEvent.click(await screen.findByTestId("reminder-snooze-week-key_2"));

    expect(callsOf(calls, "reminder_snooze")[0]?.args).toEqual({ keyId: "key_2", snooze: "week" });
  });

  it("shows an already snoozed key under Snoozed, and the empty state when nothing else is due", async () => {
    withReport(dueReport([reminder({ snoozedUntil: "2025-06-03T00:00:00Z" })]));
    renderPage();

    expect(await screen.findByTestId("reminders-empty")).toBeInTheDocument();
    expect(
      within(screen.getByTestId("reminders-snoozed")).getByTestId("reminder-key_1"),
    ).toBeInTheDocument();
  });

  it("stops reminding for a key, and Undo turns its reminders back on", async () => {
    let muted = false;
    const calls = withReport(threeDueKeys(), {
      reminder_mute: (args) => {
        muted = args.muted === true;
        return null;
      },
    });
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByTestId("reminder-mute-key_2"));

    expect(callsOf(calls, "reminder_mute")[0]?.args).toEqual({ keyId: "key_2", muted: true });
    await waitFor(() => expect(screen.queryByTestId("reminder-key_2")).not.toBeInTheDocument());
    expect(muted).toBe(true);
    expect(screen.getByTestId("reminders-status")).toHaveTextContent(
      "You won't be reminded about “MCP - Claude Desktop” any more.",
    );
    // The last row left: focus goes to the one now last.
    expect(screen.getByTestId("reminder-key_1")).toHaveFocus();

    await user.click(screen.getByTestId("reminders-undo-mute"));
    expect(callsOf(calls, "reminder_mute")[1]?.args).toEqual({ keyId: "key_2", muted: false });
    expect(await screen.findByTestId("reminder-key_2")).toBeInTheDocument();
    expect(callsOf(calls, "reminders_list")).toHaveLength(2);
  });

  it("shows a failed action on its row and keeps the row", async () => {
    withReport(threeDueKeys(), {
      reminder_snooze: () => {
        throw { code: "internal", message: "database is locked" };
      },
    });
    renderPage();

    await userEvent.click(await screen.findByTestId("reminder-snooze-day-key_1"));

    expect(await screen.findByTestId("reminder-error-key_1")).toHaveTextContent(
      "database is locked",
    );
    expect(
      within(screen.getByTestId("reminders-list")).getByTestId("reminder-key_1"),
    ).toBeInTheDocument();
  });

  it("fetches again when a background check finds a different number of keys due", async () => {
    let report = dueReport([reminder()]);
    const calls = fakeInvoke({ reminders_list: () => report });
    renderPage();
    await screen.findByTestId("reminder-key_1");

    report = threeDueKeys();
    await fireChanged(3);

    expect(await screen.findByTestId("reminder-key_2")).toBeInTheDocument();
    expect(callsOf(calls, "reminders_list")).toHaveLength(2);
  });

  it("ignores the echo of its own fetch, which reports the count it already shows", async () => {
    const calls = withReport(threeDueKeys());
    renderPage();
    await screen.findByTestId("reminder-key_1");

    // reminders_list itself emits reminder://changed: re-fetching on it would never end.
    await fireChanged(3);
    await fireChanged(3);

    expect(callsOf(calls, "reminders_list")).toHaveLength(1);
  });

  it("stops listening when it goes away", async () => {
    withReport(dueReport([]));
    const { unmount } = renderPage();
    await screen.findByTestId("reminders-empty");
    await waitFor(() => expect(changedListeners).toHaveLength(1));

    unmount();

    await waitFor(() => expect(unlisten).toHaveBeenCalled());
  });

  it("works with the keyboard alone: Tab reaches a row's actions, Enter runs them", async () => {
    const calls = withReport(dueReport([reminder()]), {
      reminder_snooze: () => "2025-06-08T12:00:00Z",
    });
    const user = userEvent.setup();
    renderPage();
    await screen.findByTestId("reminder-key_1");

    await user.tab();
    expect(screen.getByTestId("reminders-refresh")).toHaveFocus();
    await user.tab();
    expect(screen.getByTestId("reminder-roll-key_1")).toHaveFocus();
    await user.tab();
    await user.tab();
    expect(screen.getByTestId("reminder-snooze-week-key_1")).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(callsOf(calls, "reminder_snooze")[0]?.args).toEqual({
      keyId: "key_1",
      snooze: "week",
    });
    // Nothing else is due: focus lands on the page's title, not on the body.
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 })).toHaveFocus());
  });
});
