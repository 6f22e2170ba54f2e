import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MigratedEntry } from "../bindings/MigratedEntry";
import type { Migration } from "../bindings/Migration";
import { fakeEvents } from "../test/fakeEvents";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { ideDoctor, ideScan, scanEntry, surface, workspaceWith } from "../test/fixtures";
import { IdeScanProvider } from "./IdeScanContext";
import { IdesPage } from "./IdesPage";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(() => {
  localStorage.clear();
});

function entry(overrides: Partial<MigratedEntry> = {}): MigratedEntry {
  return {
    client: "cursor",
    configPath: "/home/ada/.cursor/mcp.json",
    scope: "global",
    serverName: "docs",
    field: "headers.Authorization",
    keyPrefix: "mcp_dev_Ab3dE5gH",
    keyId: "key_1",
    status: "active",
    outcome: "planned",
    via: "env",
    slot: "cursor-docs",
    envVar: "MCP_KEY_CURSOR_DOCS",
    afterRoll: "restart",
    droppedFields: [],
    reason: null,
    message: null,
    ...overrides,
  };
}

function migration(dryRun: boolean, entries: MigratedEntry[]): Migration {
  return {
    dryRun,
    configs: [
      {
        configPath: "/home/ada/.cursor/mcp.json",
        clients: ["cursor"],
        changed: !dryRun,
        backup: dryRun ? null : "/data/backups/mcp.json",
        entries,
      },
    ],
    restart: dryRun ? [] : ["cursor"],
    record: dryRun ? null : "/data/last-migration.json",
    problems: [],
    unreachable: [],
  };
}

const left = entry({
  serverName: "old",
  keyPrefix: "mcp_dev_Rev0ked1",
  outcome: "left",
  via: null,
  slot: null,
  envVar: null,
  afterRoll: null,
  reason: "revoked",
  message: "The key is revoked: remove the entry, or install a new key.",
});

function renderPage(handlers: Record<string, Handler>) {
  const calls = fakeInvoke({
    ide_scan: () => ideScan(),
    ide_doctor: () => ideDoctor(),
    ...handlers,
  });
  fakeEvents();
  render(
    <IdeScanProvider>
      <IdesPage workspace={workspaceWith([surface()])} />
    </IdeScanProvider>,
  );
  return calls;
}

describe("MigrateDialog", () => {
  it("is offered only when a config holds a literal key", async () => {
    renderPage({
      ide_scan: () => ideScan({ entries: [scanEntry({ storage: "keyring" })] }),
    });
    await screen.findByTestId("ide-client-cursor");
    expect(screen.queryByTestId("ides-migrate")).not.toBeInTheDocument();
  });

  it("shows the dry run's plan, moves, says what to restart, and undoes", async () => {
    const user = userEvent.setup();
    const calls = renderPage({
      ide_migrate: ({ dryRun }) =>
        dryRun
          ? migration(true, [entry(), left])
          : migration(false, [entry({ outcome: "migrated" }), left]),
      ide_migrate_undo: () => ({
        files: [
          {
            configPath: "/home/ada/.cursor/mcp.json",
            outcome: "restored",
            backup: null,
            message: null,
          },
        ],
      }),
    });

    await user.click(await screen.findByTestId("ides-migrate"));
    const plan = await screen.findByTestId("migrate-plan");
    // The dry run is asked first, over the scan's configs; nothing is written yet.
    expect(callsOf(calls, "ide_migrate")).toEqual([
      { command: "ide_migrate", args: { dryRun: true, projects: [] } },
    ]);
    expect(within(plan).getByTestId("migrate-entry-0-0")).toHaveTextContent(
      "Will move: docs (mcp_dev_Ab3dE5gH…) through env, keyring slot cursor-docs",
    );
    const kept = within(plan).getByTestId("migrate-entry-0-1");
    expect(kept).toHaveTextContent("Left: old (mcp_dev_Rev0ked1…): revoked");
    expect(kept).toHaveTextContent("remove the entry, or install a new key");
    expect(plan).toHaveTextContent("mcp-keys run --slot cursor-docs -- COMMAND");
    expect(screen.queryByTestId("migrate-undo")).not.toBeInTheDocument();

    const scansBefore = callsOf(calls, "ide_scan").length;
    await user.click(screen.getByTestId("migrate-move"));
    const result = await screen.findByTestId("migrate-result");
    expect(callsOf(calls, "ide_migrate").at(-1)?.args).toEqual({ dryRun: false, projects: [] });
    expect(within(result).getByTestId("migrate-entry-0-0")).toHaveTextContent("Moved: docs");
    expect(screen.getByTestId("migrate-restart")).toHaveTextContent("Cursor");
    // The page scans again once the configs changed.
    await waitFor(() => expect(callsOf(calls, "ide_scan").length).toBeGreaterThan(scansBefore));

    await user.click(screen.getByTestId("migrate-undo"));
    expect(await screen.findByTestId("migrate-undone-0")).toHaveTextContent(
      "Restored: /home/ada/.cursor/mcp.json",
    );
    expect(callsOf(calls, "ide_migrate_undo")).toHaveLength(1);

    await user.click(screen.getByTestId("migrate-close"));
    expect(screen.queryByTestId("migrate-dialog")).not.toBeInTheDocument();
  });

  it("shows why the dry run failed, with nothing to move", async () => {
    const user = userEvent.setup();
    renderPage({
      ide_migrate: () => {
        throw { code: "keyring", message: "The keyring is locked." };
      },
    });
    await user.click(await screen.findByTestId("ides-migrate"));
    expect(await screen.findByTestId("migrate-error")).toBeInTheDocument();
    expect(screen.queryByTestId("migrate-move")).not.toBeInTheDocument();
  });
});
