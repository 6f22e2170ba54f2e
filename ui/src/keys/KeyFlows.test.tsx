import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConfigRollReport } from "../bindings/ConfigRollReport";
import { IdeScanProvider } from "../ide/IdeScanContext";
import { saveProjectFolders } from "../ide/projectFolders";
import { SurfaceView } from "../surface/SurfaceView";
import { fakeEvents } from "../test/fakeEvents";
import { formatDate } from "../lib/formatDate";
import { settings } from "../test/settings";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { ideScan, key, localConnection, product, surface } from "../test/fixtures";
import type { AffectedConfig } from "./RevokeDialog";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

// A reveal left open by a test is closed by its dialog's unmount, a tick later:
// let that happen now, rather than inside the next test.
afterEach(async () => {
  vi.useRealTimers();
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0));
});

/** A key's text as Rust would hand it over on Show; it must go nowhere else. */
const SECRET = "mcp_dev_NewKey01abcdefghijklmnopqrstuvwxyzABCDEF0wXyZ";

const newKey = key({
  id: "key_new",
  name: "MCP - Cursor",
  keyPrefix: "mcp_dev_NewKey01",
  keyHint: "wXyZ",
  createdAt: "2025-03-05T10:00:00Z",
});

function renderWith(keys = [key()], handlers: Record<string, Handler> = {}) {
  const calls = fakeInvoke({
    surface_get: () => surface({ keys }),
    key_generate: () => ({ revealId: "rv_1", key: newKey, rotationDue: "2025-11-28T10:00:00Z" }),
    settings_get: () => settings({ productionRotationDays: 60 }),
    reveal_show: () => SECRET,
    reveal_copy: () => ({ clearAfterSeconds: 45 }),
    reveal_close: () => null,
    ...handlers,
  });
  render(<SurfaceView connection={localConnection} product={product} surface={surface()} />);
  return calls;
}

/** Everything a key could leak through besides the screen. */
function leakSpies() {
  return [
    vi.spyOn(Storage.prototype, "setItem"),
    vi.spyOn(console, "log"),
    vi.spyOn(console, "info"),
    vi.spyOn(console, "warn"),
    vi.spyOn(console, "error"),
    vi.spyOn(console, "debug"),
  ];
}

describe("generate and the copy-once reveal", () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it("suggests a name per IDE, sends the request, then shows the key masked", async () => {
    const calls = renderWith([key()]);
    await userEvent.click(await screen.findByTestId("generate-key"));

    const name = screen.getByTestId("generate-name");
    // "MCP - Claude Desktop" is taken by the existing key: the next IDE is suggested.
    expect(name).toHaveValue("MCP - Claude Code");
    expect(name).toHaveFocus();
    await userEvent.click(screen.getByTestId("generate-ide-cursor"));
    expect(name).toHaveValue("MCP - Cursor");
    expect(screen.getByTestId("generate-environment")).toHaveValue("development");
    expect(screen.getByTestId("generate-rotation")).toHaveValue("settings");
    await userEvent.click(screen.getByTestId("generate-scope-search"));
    await userEvent.selectOptions(screen.getByTestId("generate-expiry"), "90");
    await userEvent.click(screen.getByTestId("generate-submit"));

    expect(callsOf(calls, "key_generate")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      request: {
        name: "MCP - Cursor",
        environment: "development",
        scopes: ["search"],
        expiresInDays: 90,
        rotateEvery: null,
      },
    });
    const reveal = await screen.findByTestId("reveal-dialog");
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent("mcp_dev_NewKey01••••…wXyZ");
    expect(reveal).not.toHaveTextContent(SECRET);
    // The table behind the dialog already has the new key, due when Rust says.
    expect(screen.getByTestId("key-row-key_new")).toBeInTheDocument();
    expect(screen.getByTestId("key-rotation-key_new")).toHaveTextContent(
      formatDate("2025-11-28T10:00:00Z"),
    );
    // Nothing asked Rust for the key's text yet.
    expect(callsOf(calls, "reveal_show")).toHaveLength(0);
  });

  it("defaults the rotation to the environment's period in Settings, named as Settings has it", async () => {
    renderWith([], { surface_get: () => surface({ environment: "production" }) });
    await userEvent.click(await screen.findByTestId("generate-key"));

    const rotation = screen.getByTestId("generate-rotation");
    expect(screen.getByTestId("generate-environment")).toHaveValue("production");
    expect(rotation).toHaveValue("settings");
    expect(await within(rotation).findByText("Default: 60 days")).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId("generate-environment"), "development");
    expect(within(rotation).getByText("Default: 180 days")).toBeInTheDocument();
  });

  it("sends never, not a missing period (the environment's default), for Remind to rotate: Never", async () => {
    const calls = renderWith([], { surface_get: () => surface({ environment: "production" }) });
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.selectOptions(screen.getByTestId("generate-rotation"), "never");
    await userEvent.click(screen.getByTestId("generate-submit"));

    const request = callsOf(calls, "key_generate")[0]?.args["request"];
    expect(request).toMatchObject({ environment: "production", rotateEvery: "never" });
    expect(request).not.toHaveProperty("rotateEveryDays");
  });

  it("sends no scopes when none is checked, meaning all capabilities, on Enter", async () => {
    const calls = renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.type(screen.getByTestId("generate-name"), "{Enter}");

    expect(callsOf(calls, "key_generate")[0]?.args["request"]).toMatchObject({
      name: "MCP - Claude Desktop",
      scopes: [],
      expiresInDays: null,
    });
  });

  it("shows the key only on Show, copies through Rust, and counts the clipboard down", async () => {
    const leaks = leakSpies();
    const calls = renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));
    await screen.findByTestId("reveal-dialog");

    await userEvent.click(screen.getByTestId("reveal-show"));
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent(SECRET);
    await userEvent.click(screen.getByTestId("reveal-hide"));
    expect(screen.getByTestId("reveal-dialog")).not.toHaveTextContent(SECRET);

    vi.useFakeTimers({ shouldAdvanceTime: true });
    await userEvent.click(screen.getByTestId("reveal-copy"));
    expect(screen.getByTestId("reveal-copied")).toHaveTextContent(
      "Copied — the clipboard clears in 45 s",
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3000);
    });
    expect(screen.getByTestId("reveal-copied")).toHaveTextContent("clears in 42 s");
    expect(callsOf(calls, "reveal_copy")[0]?.args).toEqual({ revealId: "rv_1" });
    expect(callsOf(calls, "reveal_show")[0]?.args).toEqual({ revealId: "rv_1" });

    for (const spy of leaks) {
      expect(JSON.stringify(spy.mock.calls)).not.toContain(SECRET);
    }
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(SECRET);
  });

  it("warns before closing, goes back on Escape, then zeroizes and drops the key", async () => {
    const calls = renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));
    await screen.findByTestId("reveal-dialog");
    await userEvent.click(screen.getByTestId("reveal-show"));

    // Escape asks first, like the Done button.
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("reveal-close-warning")).toHaveTextContent(
      "This key can't be shown again",
    );
    expect(callsOf(calls, "reveal_close")).toHaveLength(0);
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("reveal-dialog")).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("reveal-close"));
    await userEvent.click(screen.getByTestId("reveal-close-confirm"));

    expect(callsOf(calls, "reveal_close")[0]?.args).toEqual({ revealId: "rv_1" });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    // The dialog hands focus back once it has closed, a tick later on a
    // busy machine.
    await waitFor(() => expect(screen.getByTestId("generate-key")).toHaveFocus());
  });

  it("keeps the form and explains the error when generating fails", async () => {
    renderWith([], {
      key_generate: () => {
        throw { code: "keyring_unavailable", message: "no secret service" };
      },
    });
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "The system keyring is unavailable",
    );
    expect(screen.getByTestId("generate-name")).toBeInTheDocument();
  });

  it("traps Tab inside the dialog", async () => {
    renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    const dialog = screen.getByRole("dialog");

    for (let i = 0; i < 25; i++) {
      await userEvent.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    await userEvent.tab({ shift: true });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });
});

describe("revoke", () => {
  it("revokes a development key after one confirmation and shows it Revoked", async () => {
    const calls = renderWith([key()], {
      key_revoke: () => key({ isActive: false, revokedAt: "2025-03-06T10:00:00Z" }),
    });
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));

    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveTextContent("Revoke “MCP - Claude Desktop”?");
    expect(screen.queryByTestId("revoke-confirm-name")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("revoke-submit"));

    expect(callsOf(calls, "key_revoke")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      keyId: "key_1",
    });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("key-status-key_1")).toHaveTextContent("Revoked");
    expect(screen.queryByTestId("key-revoke-key_1")).not.toBeInTheDocument();
  });

  it("asks for a production key's name before the button works", async () => {
    const prod = key({ environment: "production", name: "Prod bot" });
    const calls = renderWith([prod], {
      key_revoke: () => ({ ...prod, isActive: false, revokedAt: "2025-03-06T10:00:00Z" }),
    });
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));

    const submit = screen.getByTestId("revoke-submit");
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId("revoke-confirm-name"), "Prod bo{Enter}");
    expect(callsOf(calls, "key_revoke")).toHaveLength(0);
    await userEvent.type(screen.getByTestId("revoke-confirm-name"), "t");
    expect(submit).toBeEnabled();
    await userEvent.click(submit);

    expect(callsOf(calls, "key_revoke")).toHaveLength(1);
    expect(screen.getByTestId("key-status-key_1")).toHaveTextContent("Revoked");
  });

  it("explains a failure and keeps the key active", async () => {
    renderWith([key()], {
      key_revoke: () => {
        throw { code: "unreachable", message: "connection refused" };
      },
    });
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));
    await userEvent.click(screen.getByTestId("revoke-submit"));

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "Can't reach the local key service",
    );
    expect(screen.getByTestId("key-status-key_1")).toHaveTextContent("Active");
  });

  it("closes on Escape without revoking", async () => {
    const calls = renderWith([key()]);
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));
    await userEvent.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(callsOf(calls, "key_revoke")).toHaveLength(0);
  });
});

describe("roll", () => {
  it("rolls with the chosen grace period, then reveals the new key once", async () => {
    const oldKey = key({ expiresAt: "2099-01-01T00:00:00Z" });
    const calls = renderWith([key()], {
      key_roll: () => ({
        revealId: "rv_2",
        key: newKey,
        oldKey,
        degraded: false,
        configs: null,
        slots: [],
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));

    expect(screen.getByTestId("roll-grace-86400")).toBeChecked();
    // Without a scan naming a config that holds the key, there is nothing to update.
    expect(screen.queryByTestId("roll-update-configs")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("roll-grace-3600"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    expect(callsOf(calls, "key_roll")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      keyId: "key_1",
      graceSeconds: 3600,
      updateConfigs: false,
      projects: [],
    });
    expect(await screen.findByTestId("reveal-dialog")).toHaveTextContent("Copy the new key");
    expect(screen.queryByTestId("roll-config-report")).not.toBeInTheDocument();
    // The server rolled it: nothing is left for the app to do.
    expect(screen.queryByTestId("roll-degraded")).not.toBeInTheDocument();
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent("mcp_dev_NewKey01••••…wXyZ");
    const table = screen.getByTestId("keys-table");
    expect(within(table).getByTestId("key-row-key_new")).toBeInTheDocument();
    expect(within(table).getByTestId("key-row-key_1")).toHaveTextContent("2099");

    await userEvent.click(screen.getByTestId("reveal-close"));
    await userEvent.click(screen.getByTestId("reveal-close-confirm"));
    expect(callsOf(calls, "reveal_close")[0]?.args).toEqual({ revealId: "rv_2" });
  });

  it("explains a roll the server could not do itself: the app revokes the old key later", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(new Date("2025-06-05T10:00:00Z"));
    const oldKey = key();
    renderWith([key()], {
      key_roll: () => ({
        revealId: "rv_2",
        key: newKey,
        oldKey,
        degraded: true,
        slots: [],
        configs: null,
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));
    await userEvent.click(screen.getByTestId("roll-grace-3600"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    const note = await screen.findByTestId("roll-degraded");
    expect(note).toHaveTextContent("This server can't roll keys itself");
    const endsAt = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    }).format(new Date("2025-06-05T11:00:00Z"));
    expect(note).toHaveTextContent(`The old key keeps working until ${endsAt}`);
    expect(note).toHaveTextContent("then MCP Keys revokes it");
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent("mcp_dev_NewKey01••••…wXyZ");
  });

  it("says a roll without grace the server could not do revokes the old key at once", async () => {
    renderWith([key()], {
      key_roll: () => ({
        revealId: "rv_2",
        key: newKey,
        oldKey: key(),
        degraded: true,
        slots: [],
        configs: null,
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));
    await userEvent.click(screen.getByTestId("roll-grace-0"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    expect(await screen.findByTestId("roll-degraded")).toHaveTextContent(
      "MCP Keys revokes the old key itself, right away.",
    );
  });

  it("offers now, 1 hour, 24 hours and 7 days", async () => {
    renderWith([key()]);
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));

    for (const seconds of [0, 3600, 86400, 604800]) {
      expect(screen.getByTestId(`roll-grace-${seconds}`)).toBeInTheDocument();
    }
  });
});

describe("roll that updates the IDE configs holding the key", () => {
  const cursorConfig: AffectedConfig = {
    client: "Cursor",
    configPath: "/home/ada/.cursor/mcp.json",
  };

  /** The surface inside the shell's shared scan, whose configs hold `key_1` only. */
  function renderScanned(handlers: Record<string, Handler> = {}) {
    saveProjectFolders(["/home/ada/code/webapp"]);
    const calls = fakeInvoke({
      surface_get: () => surface({ keys: [key(), key({ id: "key_2", name: "MCP - Zed" })] }),
      ide_scan: () => ideScan(),
      reveal_show: () => SECRET,
      reveal_close: () => null,
      ...handlers,
    });
    fakeEvents();
    render(
      <IdeScanProvider>
        <SurfaceView
          connection={localConnection}
          product={product}
          surface={surface()}
          affectedConfigs={(k) => (k.id === "key_1" ? [cursorConfig] : [])}
        />
      </IdeScanProvider>,
    );
    return calls;
  }

  function report(overrides: Partial<ConfigRollReport> = {}): ConfigRollReport {
    return {
      oldKeyId: "key_1",
      newKeyId: "key_new",
      configs: [
        {
          client: "cursor",
          clients: ["cursor"],
          configPath: "/home/ada/.cursor/mcp.json",
          updated: true,
          replaced: 1,
          places: ["/mcpServers/docs/headers/Authorization"],
          backup: "/data/backups/mcp.json.20250605T100000Z.ab12.bak",
          error: null,
          tightened: false,
        },
      ],
      verified: true,
      verifyCode: null,
      restart: ["cursor"],
      variables: [],
      problems: [],
      ...overrides,
    };
  }

  afterEach(() => {
    localStorage.clear();
  });

  it("lists the configs, checks the update box, and sends it with the IDEs page's folders", async () => {
    const calls = renderScanned({
      key_roll: () => ({
        revealId: "rv_3",
        key: newKey,
        oldKey: key({ expiresAt: "2025-06-05T10:00:00Z" }),
        degraded: false,
        slots: [],
        configs: report(),
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));

    const configs = screen.getByTestId("roll-affected-configs");
    expect(configs).toHaveTextContent("Cursor /home/ada/.cursor/mcp.json");
    expect(within(configs).getByTestId("roll-update-configs")).toBeChecked();
    expect(within(configs).getByLabelText("Update these IDE configs with the new key")).toBe(
      screen.getByTestId("roll-update-configs"),
    );
    await userEvent.click(screen.getByTestId("roll-grace-0"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    expect(callsOf(calls, "key_roll")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      keyId: "key_1",
      graceSeconds: 0,
      updateConfigs: true,
      projects: ["/home/ada/code/webapp"],
    });
    expect(await screen.findByTestId("roll-config-report")).toBeInTheDocument();
  });

  it("leaves the configs alone when the box is unchecked", async () => {
    const calls = renderScanned({
      key_roll: () => ({
        revealId: "rv_3",
        key: newKey,
        oldKey: key(),
        degraded: false,
        slots: [],
        configs: null,
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));
    await userEvent.click(screen.getByTestId("roll-update-configs"));
    expect(screen.getByTestId("roll-update-configs")).not.toBeChecked();
    await userEvent.click(screen.getByTestId("roll-submit"));

    expect(callsOf(calls, "key_roll")[0]?.args).toMatchObject({ updateConfigs: false });
    expect(await screen.findByTestId("reveal-dialog")).toBeInTheDocument();
    expect(screen.queryByTestId("roll-config-report")).not.toBeInTheDocument();
  });

  it("offers no update for a key that no config holds", async () => {
    const calls = renderScanned({
      key_roll: () => ({
        revealId: "rv_3",
        key: newKey,
        oldKey: key(),
        degraded: false,
        slots: [],
        configs: null,
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_2"));

    expect(screen.queryByTestId("roll-affected-configs")).not.toBeInTheDocument();
    expect(screen.queryByTestId("roll-update-configs")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("roll-submit"));
    expect(callsOf(calls, "key_roll")[0]?.args).toMatchObject({
      keyId: "key_2",
      updateConfigs: false,
    });
  });

  it("reports each config updated or not, the check of the new key, and who must restart", async () => {
    renderScanned({
      key_roll: () => ({
        revealId: "rv_3",
        key: newKey,
        oldKey: key({ expiresAt: "2099-01-01T12:00:00Z" }),
        degraded: false,
        slots: [],
        configs: report({
          configs: [
            ...report().configs,
            {
              client: "vscode",
              clients: ["vscode"],
              configPath: "/home/ada/code/webapp/.vscode/mcp.json",
              updated: false,
              replaced: 0,
              places: [],
              backup: null,
              error: "the file changed while it was being edited",
              tightened: false,
            },
          ],
        }),
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    const shown = await screen.findByTestId("roll-config-report");
    expect(within(shown).getByTestId("roll-config-updated-0")).toHaveTextContent(
      "Updated Cursor /home/ada/.cursor/mcp.json",
    );
    const failed = within(shown).getByTestId("roll-config-failed-1");
    expect(failed).toHaveTextContent("Not updated VS Code /home/ada/code/webapp/.vscode/mcp.json");
    expect(failed).toHaveTextContent("the file changed while it was being edited");
    expect(within(shown).getByTestId("roll-config-verified")).toHaveTextContent(
      "The surface accepts the new key.",
    );
    // Only the updated config's client needs a restart; the old key's end is a moment, in 2099.
    const restart = within(shown).getByTestId("roll-config-restart");
    expect(restart).toHaveTextContent(/^Restart Cursor so it picks up the new key\. /);
    expect(restart).toHaveTextContent(/The old key keeps working until .*2099/);
    expect(shown).toHaveTextContent("Copy the new key into the config not updated yourself.");
    // The report is part of the reveal: the key itself is still shown once, from Rust.
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent("mcp_dev_NewKey01••••…wXyZ");
  });

  it("lists every place of the key in a file, every client of it, and the variables to update", async () => {
    renderScanned({
      key_roll: () => ({
        revealId: "rv_3",
        key: newKey,
        oldKey: key({ expiresAt: "2099-01-01T12:00:00Z" }),
        degraded: false,
        slots: [],
        configs: report({
          configs: [
            {
              client: "claude-code",
              clients: ["claude-code", "copilot-cli"],
              configPath: "/home/ada/.claude.json",
              updated: true,
              replaced: 2,
              places: [
                "/mcpServers/docs/headers/Authorization",
                "/projects/~1home~1ada~1code~1webapp/mcpServers/docs/headers/Authorization",
              ],
              backup: "/data/backups/.claude.json.bak",
              error: null,
              tightened: false,
            },
          ],
          restart: ["claude-code", "codex", "copilot-cli"],
          variables: [
            {
              variable: "MK_KEY",
              holdsOldKey: true,
              clients: ["codex"],
              configPaths: ["/home/ada/.codex/config.toml"],
              setIn: ["/home/ada/.bashrc:3"],
            },
          ],
        }),
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    const shown = await screen.findByTestId("roll-config-report");
    const updated = within(shown).getByTestId("roll-config-updated-0");
    expect(updated).toHaveTextContent("Updated Claude Code and Copilot CLI /home/ada/.claude.json");
    expect(updated).toHaveTextContent("/projects/~1home~1ada~1code~1webapp/mcpServers/docs");
    const variable = within(shown).getByTestId("roll-config-variable-MK_KEY");
    expect(variable).toHaveTextContent(
      "The variable MK_KEY still holds the old key: Codex reads it. Put the new key in it, where it is set:",
    );
    expect(variable).toHaveTextContent("/home/ada/.bashrc:3");
  });

  it("says when the new key was refused, and that the old one has stopped already", async () => {
    renderScanned({
      key_roll: () => ({
        revealId: "rv_3",
        key: newKey,
        oldKey: key({ expiresAt: "2025-06-05T10:00:00Z" }),
        degraded: false,
        slots: [],
        configs: report({
          configs: [
            ...report().configs,
            {
              ...report().configs[0]!,
              client: "claude-code",
              clients: ["claude-code"],
              configPath: "/home/ada/.claude.json",
            },
          ],
          verified: false,
          verifyCode: "surface_inactive",
          restart: ["claude-code", "cursor"],
        }),
      }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    const verified = await screen.findByTestId("roll-config-verified");
    expect(verified).toHaveAttribute("data-verified", "false");
    expect(verified).toHaveTextContent("did not accept the new key (surface_inactive)");
    expect(screen.getByTestId("roll-config-restart")).toHaveTextContent(
      "Restart Claude Code and Cursor so they pick up the new key. The old key has already stopped working.",
    );
    expect(screen.getByTestId("roll-config-updated-1")).toHaveTextContent("Claude Code");
    expect(screen.queryByTestId("roll-config-failed-0")).not.toBeInTheDocument();
  });
});
