import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InstallTargets } from "../bindings/InstallTargets";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { fakeEvents } from "../test/fakeEvents";
import {
  claudeLogPath,
  finding,
  ideDoctor,
  ideScan,
  key,
  logFinding,
  logSource,
  scanEntry,
  surface,
  workspaceWith,
} from "../test/fixtures";
import { settings } from "../test/settings";
import { formatDateTime } from "../lib/formatDate";
import { IdeScanProvider } from "./IdeScanContext";
import { IdesPage } from "./IdesPage";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(() => {
  localStorage.clear();
});

/** The revoked key Claude Code still sends, and the one with a scope it lacks. */
const revokedKey = key({
  id: "key_9",
  name: "MCP - Claude Code",
  keyPrefix: "mcp_dev_Rev0ked1",
  isActive: false,
  revokedAt: "2026-12-05T18:04:00Z",
});
const narrowKey = key({ id: "key_7", name: "MCP - Claude Code (search)", scopes: ["search"] });

/** Claude Code's config holds the revoked key; Gemini CLI's an active one. */
const claudeEntry = scanEntry({
  client: "claude-code",
  configPath: "/home/ada/.claude.json",
  keyPrefix: "mcp_dev_Rev0ked1",
  keyId: "key_9",
  status: "revoked",
});
const geminiEntry = scanEntry({
  client: "gemini-cli",
  configPath: "/home/ada/.gemini/settings.json",
});

const targets: InstallTargets = {
  home: "/home/ada",
  clients: [
    {
      id: "cursor",
      name: "Cursor",
      detected: true,
      userConfig: "/home/ada/.cursor/mcp.json",
      projectConfig: ".cursor/mcp.json",
      mechanisms: [{ via: "bridge", afterRoll: "nothing" }],
      defaultVia: "bridge",
    },
    {
      id: "claude-code",
      name: "Claude Code",
      detected: false,
      userConfig: "/home/ada/.claude.json",
      projectConfig: ".mcp.json",
      mechanisms: [{ via: "helper", afterRoll: "reconnect" }],
      defaultVia: "helper",
    },
  ],
};

function renderPage(
  handlers: Record<string, Handler>,
  workspace: WorkspaceTree = workspaceWith([surface()]),
) {
  const calls = fakeInvoke({
    ide_scan: () => ideScan({ entries: [claudeEntry, geminiEntry] }),
    surface_get: () => surface({ keys: [revokedKey, narrowKey] }),
    settings_get: () => settings(),
    install_targets: () => targets,
    reveal_close: () => null,
    ...handlers,
  });
  fakeEvents();
  render(
    <IdeScanProvider>
      <IdesPage workspace={workspace} />
    </IdeScanProvider>,
  );
  return calls;
}

describe("what the clients' own logs say, on the IDEs page", () => {
  it("shows a failure on its client's card: message, local time, log file and what was read", async () => {
    renderPage({
      ide_doctor: () =>
        ideDoctor(
          [logFinding(), finding({ severity: "error", code: "revoked_key_in_use" })],
          [
            logSource(),
            logSource({
              client: "gemini-cli",
              files: [],
              noLog: "writes no log file: it prints MCP failures on stderr only",
            }),
            logSource({
              client: "cursor",
              files: [],
              unreadable: [
                { path: "/home/ada/.config/Cursor/logs/main.log", message: "permission denied" },
              ],
              measured: false,
            }),
          ],
        ),
    });

    const claude = await screen.findByTestId("ide-client-claude-code");
    const log = await within(claude).findByTestId("ide-log-claude-code");
    expect(log).toHaveTextContent("What Claude Code's own log says");
    const failure = within(log).getByTestId("ide-log-finding-claude-code-0");
    expect(failure).toHaveTextContent(
      "Claude Code got 401 at 10:32 because 'MCP - Claude Code' was revoked yesterday at 18:04.",
    );
    expect(failure).toHaveAttribute("data-reason", "revoked");
    // When, in the user's own time zone, with the moment itself kept for machines.
    const when = within(failure).getByTestId("ide-log-finding-at");
    expect(when).toHaveAttribute("dateTime", "2026-12-06T10:32:00Z");
    expect(when).toHaveTextContent(formatDateTime("2026-12-06T10:32:00Z"));
    expect(failure).toHaveTextContent(claudeLogPath);
    expect(failure).toHaveTextContent("HTTP 401");
    expect(failure).toHaveTextContent("Fix: Install a new key into Claude Code");
    expect(within(failure).getByTestId("ide-log-finding-claude-code-0-fix")).toHaveTextContent(
      "Install a new key",
    );
    expect(within(log).getByTestId("ide-log-sources-claude-code")).toHaveTextContent(
      "Read 1 log file",
    );

    // Gemini CLI has a config but no log to read: the card says why.
    expect(screen.getByTestId("ide-log-none-gemini-cli")).toHaveTextContent(
      "Gemini CLI: writes no log file: it prints MCP failures on stderr only.",
    );
    // Cursor has no config with a key, but a log it could not read: a card of its own.
    const cursor = screen.getByTestId("ide-client-cursor");
    expect(cursor).toHaveTextContent("No config of Cursor holds an MCP key.");
    expect(within(cursor).getByTestId("ide-log-unreadable-cursor")).toHaveTextContent(
      "Could not read /home/ada/.config/Cursor/logs/main.log: permission denied",
    );

    // Doctor's list keeps the configs' findings; the log's is on the card only.
    expect(screen.getByTestId("ide-finding-revoked_key_in_use")).toBeInTheDocument();
    expect(screen.queryByTestId("ide-finding-client_log_auth_failure")).not.toBeInTheDocument();
  });

  it("says nothing was refused when the logs read hold no failure", async () => {
    renderPage({ ide_doctor: () => ideDoctor([], [logSource()]) });

    expect(await screen.findByTestId("ide-log-quiet-claude-code")).toHaveTextContent(
      "No authentication failure in the last two days.",
    );
    expect(screen.getByTestId("ides-no-findings")).toHaveTextContent("Nothing to fix: no client");
  });

  it("does not call the configs fine without saying the logs show a refusal", async () => {
    renderPage({ ide_doctor: () => ideDoctor([logFinding()], [logSource()]) });

    expect(await screen.findByTestId("ides-no-findings")).toHaveTextContent(
      "Nothing to fix in the configs themselves; the clients' logs above say what was refused.",
    );
  });

  it("installs a new key into the refused client through Generate and Install into…", async () => {
    const calls = renderPage({
      ide_doctor: () => ideDoctor([logFinding()], [logSource()]),
      key_generate: () => ({
        revealId: "rv_1",
        key: key({ id: "key_new", name: "MCP - Claude Code" }),
        rotationDue: null,
      }),
    });

    await userEvent.click(await screen.findByTestId("ide-log-finding-claude-code-0-fix"));

    const dialog = await screen.findByTestId("generate-dialog");
    expect(callsOf(calls, "surface_get")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
    });
    expect(within(dialog).getByTestId("generate-name")).toHaveValue("MCP - Claude Code");
    expect(within(dialog).getByTestId("generate-note")).toHaveTextContent(
      "A new key for Claude Code",
    );
    await userEvent.click(within(dialog).getByTestId("generate-submit"));

    expect(callsOf(calls, "key_generate")[0]?.args).toMatchObject({
      surfaceId: "surf_1",
      request: { name: "MCP - Claude Code", scopes: [] },
    });
    // The refused client comes first, ahead of the clients on this machine.
    const panel = await screen.findByTestId("install-panel");
    const rows = within(panel).getAllByTestId(/^install-client-/);
    expect(rows[0]).toHaveAttribute("data-testid", "install-client-claude-code");
  });

  it("rolls the key from the finding, with the configs that hold it updated", async () => {
    const calls = renderPage({
      ide_scan: () =>
        ideScan({ entries: [{ ...claudeEntry, keyId: "key_7", status: "active" }, geminiEntry] }),
      ide_doctor: () =>
        ideDoctor(
          [
            logFinding({
              keyId: "key_7",
              reason: "expired",
              action: { kind: "roll", productId: "prod_1", surfaceId: "surf_1", keyId: "key_7" },
            }),
          ],
          [logSource()],
        ),
      key_roll: () => ({
        revealId: "rv_2",
        key: key({ id: "key_8" }),
        oldKey: narrowKey,
        degraded: false,
        configs: null,
        slots: [],
      }),
    });

    const fix = await screen.findByTestId("ide-log-finding-claude-code-0-fix");
    expect(fix).toHaveTextContent("Roll key");
    await userEvent.click(fix);

    const dialog = await screen.findByTestId("roll-dialog");
    expect(dialog).toHaveTextContent("Roll “MCP - Claude Code (search)”");
    expect(within(dialog).getByTestId("roll-affected-configs")).toHaveTextContent(
      "/home/ada/.claude.json",
    );
    await userEvent.click(within(dialog).getByTestId("roll-submit"));

    expect(callsOf(calls, "key_roll")[0]?.args).toMatchObject({
      keyId: "key_7",
      updateConfigs: true,
      projects: [],
    });
    expect(await screen.findByTestId("reveal-dialog")).toHaveTextContent("Copy the new key");
  });

  it("turns the surface back on once confirmed, then diagnoses again", async () => {
    const calls = renderPage({
      ide_doctor: () =>
        ideDoctor(
          [
            logFinding({
              status: 403,
              reason: "inactive",
              action: { kind: "activateSurface", productId: "prod_1", surfaceId: "surf_1" },
            }),
          ],
          [logSource()],
        ),
      surface_set_status: () => surface(),
    });

    const fix = await screen.findByTestId("ide-log-finding-claude-code-0-fix");
    expect(fix).toHaveTextContent("Turn the surface on");
    await userEvent.click(fix);
    const dialog = await screen.findByTestId("log-fix-activate");
    expect(dialog).toHaveTextContent("Turn “Docs search” on");
    const doctors = callsOf(calls, "ide_doctor").length;

    await userEvent.click(within(dialog).getByTestId("log-fix-activate-submit"));

    expect(callsOf(calls, "surface_set_status")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      status: "active",
    });
    await waitFor(() => expect(screen.queryByTestId("log-fix-activate")).not.toBeInTheDocument());
    await waitFor(() => expect(callsOf(calls, "ide_doctor").length).toBeGreaterThan(doctors));
  });

  it("offers a new key with the refused capability, since a key's scopes can't change", async () => {
    const calls = renderPage({
      ide_doctor: () =>
        ideDoctor(
          [
            logFinding({
              status: 403,
              reason: "scope",
              keyId: "key_7",
              action: {
                kind: "widenScope",
                productId: "prod_1",
                surfaceId: "surf_1",
                keyId: "key_7",
                capability: "fetch",
              },
            }),
          ],
          [logSource()],
        ),
      key_generate: () => ({ revealId: "rv_3", key: key({ id: "key_new" }), rotationDue: null }),
    });

    const fix = await screen.findByTestId("ide-log-finding-claude-code-0-fix");
    expect(fix).toHaveTextContent("Create a key with fetch");
    await userEvent.click(fix);

    const dialog = await screen.findByTestId("generate-dialog");
    expect(within(dialog).getByTestId("generate-note")).toHaveTextContent(
      "MCP Keys can't change a key's scopes",
    );
    // The old key's scope and the refused one are both checked.
    expect(within(dialog).getByTestId("generate-scope-search")).toBeChecked();
    expect(within(dialog).getByTestId("generate-scope-fetch")).toBeChecked();
    await userEvent.click(within(dialog).getByTestId("generate-submit"));
    expect(callsOf(calls, "key_generate")[0]?.args).toMatchObject({
      request: { scopes: ["search", "fetch"] },
    });
  });

  it("says so when no connection lists the finding's surface", async () => {
    renderPage(
      { ide_doctor: () => ideDoctor([logFinding()], [logSource()]) },
      workspaceWith([surface({ id: "surf_other" })]),
    );

    await userEvent.click(await screen.findByTestId("ide-log-finding-claude-code-0-fix"));

    expect(await screen.findByTestId("log-fix-missing")).toHaveTextContent(
      "None of your connections lists surface surf_1",
    );
  });
});
