import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { callsOf, deferred, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { appInfo } from "../test/fixtures";
import { settings } from "../test/settings";
import { SettingsPage } from "./SettingsPage";

vi.mock("@tauri-apps/api/core");

/** Settings that store what they are given, and a login item that is off. */
function fakeSettings(more: Record<string, Handler> = {}) {
  let stored = settings();
  let autostart = false;
  return fakeInvoke({
    settings_get: () => stored,
    settings_set: (args) => {
      stored = args.settings as typeof stored;
      return stored;
    },
    autostart_get: () => autostart,
    autostart_set: (args) => {
      autostart = args.enabled === true;
      return autostart;
    },
    audit_list: () => ({ entries: [], older: false }),
    ...more,
  });
}

describe("SettingsPage", () => {
  it("loads the settings into the form", async () => {
    fakeSettings();
    render(<SettingsPage appInfo={appInfo} />);

    expect(screen.getByTestId("settings-loading")).toBeInTheDocument();
    expect(await screen.findByTestId("settings-clipboard-seconds")).toHaveValue(45);
    expect(screen.getByTestId("settings-rotation-production")).toHaveValue(90);
    expect(screen.getByTestId("settings-rotation-development")).toHaveValue(180);
    expect(screen.getByLabelText("Clear the clipboard after (seconds)")).toBe(
      screen.getByTestId("settings-clipboard-seconds"),
    );
    expect(await screen.findByTestId("settings-autostart")).not.toBeChecked();
  });

  it("saves the edited values and says so", async () => {
    const calls = fakeSettings();
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const seconds = await screen.findByTestId("settings-clipboard-seconds");
    await user.clear(seconds);
    await user.type(seconds, "30");
    const production = screen.getByTestId("settings-rotation-production");
    await user.clear(production);
    await user.type(production, "60");
    await user.click(screen.getByTestId("settings-save"));

    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("Settings saved.");
    expect(callsOf(calls, "settings_set")[0]?.args).toEqual({
      settings: {
        clipboardClearSeconds: 30,
        productionRotationDays: 60,
        developmentRotationDays: 180,
      },
    });

    // Editing again takes the confirmation away until the next save.
    await user.type(seconds, "0");
    expect(screen.queryByTestId("settings-saved")).not.toBeInTheDocument();
  });

  it("refuses a clipboard delay outside 1–600 with a clear error, and sends nothing", async () => {
    const calls = fakeSettings();
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const seconds = await screen.findByTestId("settings-clipboard-seconds");
    await user.clear(seconds);
    await user.type(seconds, "601");
    await user.click(screen.getByTestId("settings-save"));

    expect(screen.getByTestId("settings-clipboard-seconds-error")).toHaveTextContent(
      "Enter a whole number of seconds from 1 to 600.",
    );
    expect(seconds).toHaveAttribute("aria-invalid", "true");
    expect(seconds).toHaveAccessibleDescription("Enter a whole number of seconds from 1 to 600.");
    expect(seconds).toHaveFocus();
    expect(callsOf(calls, "settings_set")).toHaveLength(0);

    // Fixing the value clears its error at once.
    await user.clear(seconds);
    await user.type(seconds, "600");
    expect(screen.queryByTestId("settings-clipboard-seconds-error")).not.toBeInTheDocument();
  });

  it("refuses rotation periods outside 1–3650 days", async () => {
    fakeSettings();
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const development = await screen.findByTestId("settings-rotation-development");
    await user.clear(development);
    await user.type(development, "0");
    await user.click(screen.getByTestId("settings-save"));

    expect(screen.getByTestId("settings-rotation-development-error")).toHaveTextContent(
      "Enter a whole number of days from 1 to 3650.",
    );
    expect(development).toHaveFocus();
  });

  it("shows why saving failed, and keeps what was typed", async () => {
    fakeSettings({
      settings_set: () => {
        throw { code: "invalid_input", message: "The clipboard delay must be at most 600 s." };
      },
    });
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const seconds = await screen.findByTestId("settings-clipboard-seconds");
    await user.clear(seconds);
    await user.type(seconds, "50");
    await user.click(screen.getByTestId("settings-save"));

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "The clipboard delay must be at most 600 s.",
    );
    expect(seconds).toHaveValue(50);
    expect(screen.queryByTestId("settings-saved")).not.toBeInTheDocument();
  });

  it("explains a failed load and loads again on Try again", async () => {
    let loads = 0;
    fakeSettings({
      settings_get: () => {
        if (loads++ === 0) {
          throw { code: "internal", message: "settings file is unreadable" };
        }
        return settings({ clipboardClearSeconds: 20 });
      },
    });
    render(<SettingsPage appInfo={appInfo} />);

    const banner = await screen.findByTestId("error-banner");
    expect(banner).toHaveTextContent("settings file is unreadable");
    await userEvent.click(within(banner).getByTestId("error-retry"));

    expect(await screen.findByTestId("settings-clipboard-seconds")).toHaveValue(20);
  });

  it("applies Start at login at once, from the keyboard", async () => {
    const calls = fakeSettings();
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const checkbox = await screen.findByTestId("settings-autostart");
    expect(checkbox).toHaveAccessibleName("Start MCP Keys at login");
    checkbox.focus();
    await user.keyboard(" ");

    await waitFor(() => expect(checkbox).toBeChecked());
    expect(callsOf(calls, "autostart_set")[0]?.args).toEqual({ enabled: true });
    expect(screen.getByText("MCP Keys will start at login.")).toBeInTheDocument();
    expect(callsOf(calls, "settings_set")).toHaveLength(0);
  });

  it("keeps Start at login as it was when the system refuses the change", async () => {
    fakeSettings({
      autostart_set: () => {
        throw { code: "internal", message: "could not change the login item: denied" };
      },
    });
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const checkbox = await screen.findByTestId("settings-autostart");
    await user.click(checkbox);

    expect(await screen.findByTestId("settings-autostart-error")).toHaveTextContent(
      "could not change the login item",
    );
    expect(checkbox).not.toBeChecked();
  });

  it("waits for the login item while it is being read", async () => {
    const reading = deferred<boolean>();
    fakeSettings({ autostart_get: () => reading.promise });
    render(<SettingsPage appInfo={appInfo} />);

    expect(await screen.findByText("Checking the login item…")).toBeInTheDocument();
    reading.resolve(true);
    expect(await screen.findByTestId("settings-autostart")).toBeChecked();
  });

  it("lists what was done from this computer, newest first, and pages to older entries", async () => {
    const entry = (id: number, action: string, detail: string, actor = "app") => ({
      id,
      at: "2026-12-05T10:00:00Z",
      actor,
      action,
      connectionId: null,
      productId: null,
      surfaceId: null,
      keyId: null,
      detail,
    });
    const calls = fakeSettings({
      audit_list: (args) =>
        args.beforeId === null
          ? { entries: [entry(3, "product.create", 'created product "Docs"')], older: true }
          : { entries: [entry(1, "key.revoke", "revoked", "cli")], older: false },
    });
    const user = userEvent.setup();
    render(<SettingsPage appInfo={appInfo} />);

    const history = await screen.findByTestId("audit-3");
    expect(history).toHaveTextContent('Product createdcreated product "Docs" in the app');
    await user.click(screen.getByRole("button", { name: "Show older" }));

    expect(await screen.findByTestId("audit-1")).toHaveTextContent("Key revoked");
    expect(screen.getByTestId("audit-1")).toHaveTextContent("with the CLI");
    expect(callsOf(calls, "audit_list").map((call) => call.args)).toEqual([
      { beforeId: null },
      { beforeId: 3 },
    ]);
    expect(screen.queryByRole("button", { name: "Show older" })).not.toBeInTheDocument();
  });

  it("says which version and build this is", () => {
    fakeSettings();
    render(<SettingsPage appInfo={appInfo} />);

    expect(screen.getByTestId("about-version")).toHaveTextContent("0.1.0");
    expect(screen.getByTestId("about-build")).toHaveTextContent("0123456789ab 2026-12-05");
  });
});
