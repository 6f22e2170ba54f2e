import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DueReport } from "../bindings/DueReport";
import type { Reminder } from "../bindings/Reminder";
import { IDE_FINDING_OPEN, REMINDER_OPEN, REMINDERS_CHANGED_EVENT } from "../lib/ipc/appEvents";
import { fakeEvents } from "../test/fakeEvents";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import {
  appInfo,
  ideDoctor,
  ideScan,
  key,
  logFinding,
  logSource,
  scanEntry,
  surface,
  workspaceWith,
} from "../test/fixtures";
import { AppShell } from "./AppShell";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(() => {
  localStorage.clear();
});

const billing = surface({ id: "surf_2", name: "Billing" });
const billingKey = key({ id: "key_2", surfaceId: "surf_2", name: "MCP - Zed" });

function reminder(overrides: Partial<Reminder> = {}): Reminder {
  return {
    connectionId: "conn_local",
    productId: "prod_1",
    surfaceId: "surf_2",
    snoozedUntil: null,
    keyId: "key_2",
    keyPrefix: "mcp_dev_Zz9yX8wV",
    name: "MCP - Zed",
    reason: "rotation_overdue",
    dueAt: "2025-05-01T00:00:00Z",
    ...overrides,
  };
}

function due(reminders: Reminder[] = []): DueReport {
  return { reminders, unreachable: [], services: 1 };
}

/** The shell over two surfaces; Docs search (with key_1) opens first. */
function renderShell(handlers: Record<string, Handler> = {}) {
  const calls = fakeInvoke({
    surface_get: (args) =>
      args["surfaceId"] === "surf_2"
        ? { ...billing, keys: [billingKey] }
        : surface({ keys: [key()] }),
    ide_scan: () => ideScan(),
    ide_doctor: () => ideDoctor(),
    reminders_list: () => due(),
    ...handlers,
  });
  const events = fakeEvents();
  render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface(), billing])} />);
  return { calls, events };
}

describe("AppShell pages and the shared IDE scan", () => {
  it("shows which IDE clients use a key, and the configs a revoke would break", async () => {
    const { calls } = renderShell({
      ide_scan: () =>
        ideScan({
          entries: [
            scanEntry(),
            scanEntry({ client: "claude-code", configPath: "/home/ada/.claude.json" }),
            scanEntry({ client: "zed", keyId: "key_other" }),
          ],
        }),
      key_revoke: () => key({ isActive: false, revokedAt: "2025-06-01T00:00:00Z" }),
    });

    const usedBy = await screen.findByTestId("key-used-by-key_1");
    await waitFor(() => expect(usedBy).toHaveTextContent("Claude Code, Cursor"));
    expect(callsOf(calls, "ide_scan")).toHaveLength(1);

    await userEvent.click(screen.getByTestId("key-revoke-key_1"));
    const affected = screen.getByTestId("revoke-affected-configs");
    expect(affected).toHaveTextContent("IDE configs that will break");
    expect(
      within(affected)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["Cursor /home/ada/.cursor/mcp.json", "Claude Code /home/ada/.claude.json"]);
    await userEvent.click(screen.getByTestId("revoke-submit"));

    // The statuses the scan showed are stale now: it runs again.
    await waitFor(() => expect(callsOf(calls, "ide_scan")).toHaveLength(2));
  });

  it("keeps the Keys tab working without Used by when the scan fails", async () => {
    renderShell({
      ide_scan: () => {
        throw { code: "internal", message: "The home folder is not known (HOME is not set)." };
      },
    });

    expect(await screen.findByTestId("key-row-key_1")).toBeInTheDocument();
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
    expect(screen.getByTestId("key-used-by-key_1")).toHaveTextContent(/^$/);
    await userEvent.click(screen.getByTestId("key-revoke-key_1"));
    expect(screen.getByTestId("revoke-dialog")).toBeInTheDocument();
    expect(screen.queryByTestId("revoke-affected-configs")).not.toBeInTheDocument();
  });

  it("draws the first surface's keys read while the window started, and asks again once left", async () => {
    const calls = fakeInvoke({
      surface_get: (args) =>
        args["surfaceId"] === "surf_2"
          ? { ...billing, keys: [billingKey] }
          : surface({ keys: [key({ name: "Fresh" })] }),
      ide_scan: () => ideScan(),
    });
    fakeEvents();
    const workspace = {
      ...workspaceWith([surface(), billing]),
      opened: {
        connectionId: "conn_local",
        productId: "prod_1",
        surface: surface({ keys: [key({ name: "Preloaded" })] }),
      },
    };
    render(<AppShell appInfo={appInfo} workspace={workspace} />);

    expect(screen.getByTestId("key-row-key_1")).toHaveTextContent("Preloaded");
    expect(callsOf(calls, "surface_get")).toHaveLength(0);

    await userEvent.click(screen.getByTestId("surface-surf_2"));
    expect(await screen.findByTestId("key-row-key_2")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("surface-surf_1"));

    // Back on it, the preloaded keys are old: they are read again.
    await waitFor(() => expect(screen.getByTestId("key-row-key_1")).toHaveTextContent("Fresh"));
    expect(callsOf(calls, "surface_get").map((call) => call.args?.["surfaceId"])).toEqual([
      "surf_2",
      "surf_1",
    ]);
  });

  it("opens IDEs, Reminders and Settings from the sidebar, and a surface again", async () => {
    renderShell();
    await screen.findByTestId("surface-view");
    const surfaceLink = screen.getByTestId("surface-surf_1");
    expect(surfaceLink).toHaveAttribute("aria-current", "page");

    await userEvent.click(screen.getByTestId("nav-ides"));
    expect(await screen.findByTestId("ides-page")).toBeInTheDocument();
    expect(screen.getByTestId("nav-ides")).toHaveAttribute("aria-current", "page");
    // While a page is shown, no surface is the current one.
    expect(surfaceLink).not.toHaveAttribute("aria-current");
    expect(await screen.findByTestId("ide-client-cursor")).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("nav-reminders"));
    expect(screen.getByTestId("reminders-page")).toBeInTheDocument();
    expect(screen.queryByTestId("ides-page")).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId("nav-settings"));
    expect(screen.getByTestId("settings-page")).toBeInTheDocument();
    expect(screen.getByTestId("nav-settings")).toHaveAttribute("aria-current", "page");

    await userEvent.click(screen.getByTestId("surface-surf_2"));
    expect(screen.getByTestId("surface-view")).toHaveTextContent("Billing");
    expect(screen.getByTestId("nav-settings")).not.toHaveAttribute("aria-current");
  });

  it("opens a clicked reminder's key on its surface's Keys tab with Roll ready", async () => {
    const { events } = renderShell();
    await screen.findByTestId("key-row-key_1");
    await userEvent.click(screen.getByTestId("nav-ides"));
    await waitFor(() => expect(events.listening(REMINDER_OPEN)).toBe(true));

    events.emit(REMINDER_OPEN, {
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_2",
      keyId: "key_2",
    });

    const dialog = await screen.findByTestId("roll-dialog");
    expect(dialog).toHaveTextContent("Roll “MCP - Zed”");
    expect(screen.getByTestId("surface-view")).toHaveTextContent("Billing");
    expect(screen.getByTestId("tab-keys")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("surface-surf_2")).toHaveAttribute("aria-current", "page");

    // Closing the dialog and switching tabs does not ask again.
    await userEvent.click(screen.getByTestId("roll-cancel"));
    await userEvent.click(screen.getByTestId("tab-connect"));
    await userEvent.click(screen.getByTestId("tab-keys"));
    expect(await screen.findByTestId("key-row-key_2")).toBeInTheDocument();
    expect(screen.queryByTestId("roll-dialog")).not.toBeInTheDocument();
  });

  it("opens the IDEs page at the failure a clicked client-log notification was about", async () => {
    const { calls, events } = renderShell({
      ide_doctor: () =>
        ideDoctor(
          [
            logFinding({ keyId: "key_8", at: "2026-12-06T09:00:00Z", message: "Older one." }),
            logFinding(),
          ],
          [logSource()],
        ),
    });
    await screen.findByTestId("key-row-key_1");
    await waitFor(() => expect(events.listening(IDE_FINDING_OPEN)).toBe(true));

    events.emit(IDE_FINDING_OPEN, {
      client: "claude-code",
      keyId: "key_9",
      keyPrefix: "mcp_dev_Rev0ked1",
      at: "2026-12-06T10:32:00Z",
    });

    expect(await screen.findByTestId("ides-page")).toBeInTheDocument();
    const target = await screen.findByTestId("ide-log-finding-claude-code-1");
    await waitFor(() => expect(target).toHaveAttribute("data-highlighted", "true"));
    expect(target).toHaveFocus();
    expect(screen.getByTestId("ide-log-finding-claude-code-0")).not.toHaveAttribute(
      "data-highlighted",
    );

    // Clicked again while the page is open: it diagnoses afresh (the failure may be new).
    const doctors = callsOf(calls, "ide_doctor").length;
    events.emit(IDE_FINDING_OPEN, {
      client: "claude-code",
      keyId: "key_8",
      keyPrefix: "mcp_dev_Rev0ked1",
      at: "2026-12-06T09:00:00Z",
    });
    await waitFor(() => expect(callsOf(calls, "ide_doctor").length).toBeGreaterThan(doctors));
    await waitFor(() =>
      expect(screen.getByTestId("ide-log-finding-claude-code-0")).toHaveAttribute(
        "data-highlighted",
        "true",
      ),
    );

    // Leaving the page forgets it: back on the IDEs page, nothing is marked.
    await userEvent.click(screen.getByTestId("surface-surf_2"));
    await userEvent.click(screen.getByTestId("nav-ides"));
    expect(await screen.findByTestId("ide-log-finding-claude-code-1")).not.toHaveAttribute(
      "data-highlighted",
    );
  });

  it("finds the surface by the key when the reminder knows only the key", async () => {
    const workspace = workspaceWith([surface(), { ...billing, keys: [billingKey] }]);
    fakeInvoke({
      surface_get: (args) =>
        args["surfaceId"] === "surf_2" ? { ...billing, keys: [billingKey] } : surface(),
      ide_scan: () => ideScan(),
      reminders_list: () => due(),
    });
    const events = fakeEvents();
    render(<AppShell appInfo={appInfo} workspace={workspace} />);
    await waitFor(() => expect(events.listening(REMINDER_OPEN)).toBe(true));

    events.emit(REMINDER_OPEN, {
      connectionId: null,
      productId: null,
      surfaceId: null,
      keyId: "key_2",
    });

    expect(await screen.findByTestId("roll-dialog")).toHaveTextContent("MCP - Zed");
  });

  it("says so when a reminder's key is on no surface the app knows", async () => {
    const { events } = renderShell();
    await waitFor(() => expect(events.listening(REMINDER_OPEN)).toBe(true));

    events.emit(REMINDER_OPEN, {
      connectionId: "conn_gone",
      productId: null,
      surfaceId: "surf_gone",
      keyId: "key_gone",
    });

    expect(await screen.findByTestId("open-key-missing")).toHaveTextContent("key_gone");
  });

  it("rolls from the Reminders page on the key's surface", async () => {
    renderShell({ reminders_list: () => due([reminder()]) });
    await userEvent.click(screen.getByTestId("nav-reminders"));

    await userEvent.click(await screen.findByTestId("reminder-roll-key_2"));

    expect(await screen.findByTestId("roll-dialog")).toHaveTextContent("MCP - Zed");
    expect(screen.getByTestId("surface-view")).toHaveTextContent("Billing");
  });

  it("shows how many keys are due on Reminders, as Rust last counted them, without a check", async () => {
    const { calls, events } = renderShell({ reminders_due_count: () => 2 });

    expect(await screen.findByTestId("nav-reminders-count")).toHaveTextContent("2");
    // Starting the window checks nothing again (a check runs doctor and reads every key).
    expect(callsOf(calls, "reminders_list")).toHaveLength(0);
    await waitFor(() => expect(events.listening(REMINDERS_CHANGED_EVENT)).toBe(true));
    events.emit(REMINDERS_CHANGED_EVENT, 5);
    expect(screen.getByTestId("nav-reminders-count")).toHaveTextContent("5");
    events.emit(REMINDERS_CHANGED_EVENT, 0);
    expect(screen.queryByTestId("nav-reminders-count")).not.toBeInTheDocument();
  });

  it("shows no count before Rust's first check, and the count the check reports", async () => {
    const { events } = renderShell({ reminders_due_count: () => null });
    await waitFor(() => expect(events.listening(REMINDERS_CHANGED_EVENT)).toBe(true));
    expect(screen.queryByTestId("nav-reminders-count")).not.toBeInTheDocument();

    events.emit(REMINDERS_CHANGED_EVENT, 3);

    expect(await screen.findByTestId("nav-reminders-count")).toHaveTextContent("3");
  });
});
