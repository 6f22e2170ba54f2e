import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IDE_CONFIGS_CHANGED } from "../lib/ipc/appEvents";
import { fakeEvents } from "../test/fakeEvents";
import { callsOf, deferred, fakeInvoke, type Handler } from "../test/fakeInvoke";
import {
  finding,
  ideDoctor,
  ideScan,
  key,
  scanEntry,
  surface,
  workspaceWith,
} from "../test/fixtures";
import { IdeScanProvider } from "./IdeScanContext";
import { IdesPage } from "./IdesPage";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(() => {
  localStorage.clear();
});

function renderPage(handlers: Record<string, Handler>) {
  const calls = fakeInvoke(handlers);
  const events = fakeEvents();
  render(
    <IdeScanProvider>
      <IdesPage workspace={workspaceWith([surface({ keys: [key({ name: "MCP - Cursor" })] })])} />
    </IdeScanProvider>,
  );
  return { calls, events };
}

describe("IdesPage", () => {
  it("shows each client with its configs, their keys and what they are", async () => {
    renderPage({
      ide_scan: () =>
        ideScan({
          entries: [
            scanEntry(),
            scanEntry({
              client: "claude-code",
              configPath: "/home/ada/code/webapp/.mcp.json",
              scope: "project",
              serverName: "old",
              keyPrefix: "mcp_dev_Rev0ked1",
              keyId: "key_9",
              surfaceId: null,
              status: "revoked",
            }),
            scanEntry({
              client: "claude-code",
              configPath: "/home/ada/.claude.json",
              serverName: "search",
              url: "https://search.example.com/mcp",
              keyPrefix: null,
              keyId: null,
              surfaceId: null,
              status: "env_reference",
              envVar: "SEARCH_KEY",
            }),
          ],
        }),
      ide_doctor: () => ideDoctor(),
    });

    const cursor = await screen.findByTestId("ide-client-cursor");
    expect(within(cursor).getByRole("heading", { level: 3 })).toHaveTextContent("Cursor");
    expect(cursor).toHaveTextContent("/home/ada/.cursor/mcp.json");
    expect(cursor).toHaveTextContent("Global");
    const active = within(cursor).getByTestId("ide-entry-mcp_dev_Ab3dE5gH");
    expect(active).toHaveTextContent("docs");
    expect(active).toHaveTextContent(
      "http://127.0.0.1:7410/v1/products/prod_1/surfaces/surf_1/mcp",
    );
    // The scan names the key by id; the page says what the workspace calls it.
    expect(active).toHaveTextContent("MCP - Cursor");
    expect(active).toHaveTextContent("Acme tools › Docs search");
    expect(active).toHaveTextContent("Active");

    const claude = screen.getByTestId("ide-client-claude-code");
    expect(within(claude).getByRole("heading", { level: 3 })).toHaveTextContent("Claude Code");
    // Global configs first, then project ones.
    const configs = within(claude).getAllByTestId(/^ide-config-/);
    expect(configs[0]).toHaveTextContent("/home/ada/.claude.json");
    expect(configs[1]).toHaveTextContent("/home/ada/code/webapp/.mcp.json");
    expect(configs[1]).toHaveTextContent("Project");
    expect(within(claude).getByTestId("ide-entry-mcp_dev_Rev0ked1")).toHaveTextContent("Revoked");
    const reference = within(claude).getByTestId("ide-entry-env-SEARCH_KEY");
    expect(reference).toHaveTextContent("$SEARCH_KEY");
    expect(reference).toHaveTextContent("Env variable");
    // Clients are listed A to Z by name.
    expect(screen.getAllByTestId(/^ide-client-/).map((client) => client.dataset["testid"])).toEqual(
      ["ide-client-claude-code", "ide-client-cursor"],
    );
    expect(screen.getByTestId("ides-no-findings")).toBeInTheDocument();
  });

  it("shows a key kept in a keyring slot by its slot, and a slot it cannot read", async () => {
    renderPage({
      ide_scan: () =>
        ideScan({
          entries: [
            scanEntry({ storage: "keyring", slot: "cursor-docs", field: "args.2", span: null }),
            scanEntry({
              serverName: "tools",
              storage: "keyring",
              slot: "cursor-tools",
              keyPrefix: null,
              fingerprint: null,
              keyId: null,
              surfaceId: null,
              status: "unknown",
              statusReason: "the keyring slot cursor-tools could not be read",
              span: null,
            }),
          ],
        }),
      ide_doctor: () => ideDoctor(),
    });

    const held = await screen.findByTestId("ide-entry-mcp_dev_Ab3dE5gH");
    expect(held).toHaveTextContent("keyring slot cursor-docs");
    expect(held).toHaveTextContent("MCP - Cursor");
    const unread = screen.getByTestId("ide-entry-env-tools");
    expect(unread).toHaveTextContent("keyring slot cursor-tools");
    expect(unread).toHaveTextContent("Its keyring slot can't be read");
  });

  it("names a key the workspace tree lists without keys, by loading its surface", async () => {
    const calls = fakeInvoke({
      ide_scan: () => ideScan(),
      ide_doctor: () => ideDoctor(),
      surface_get: () => surface({ keys: [key({ name: "Laptop Cursor" })] }),
    });
    fakeEvents();
    render(
      <IdeScanProvider>
        <IdesPage workspace={workspaceWith([surface()])} />
      </IdeScanProvider>,
    );

    const entry = await screen.findByTestId("ide-entry-mcp_dev_Ab3dE5gH");
    await waitFor(() => expect(entry).toHaveTextContent("Laptop Cursor"));
    expect(callsOf(calls, "surface_get")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
    });
  });

  it("lists the files it could not read and the connections it could not ask", async () => {
    renderPage({
      ide_scan: () =>
        ideScan({
          problems: [
            finding({
              severity: "error",
              code: "unparseable_config",
              configPath: "/home/ada/.cursor/mcp.json",
              message: "Cursor's config is not valid JSON (line 3).",
              fix: "Fix the syntax, then scan again.",
            }),
          ],
          unreachable: [{ connection: "Team server", message: "connection refused" }],
        }),
      ide_doctor: () => ideDoctor(),
    });

    const problem = await screen.findByTestId("ide-problem-0");
    expect(problem).toHaveTextContent("Error");
    expect(problem).toHaveTextContent("Cursor's config is not valid JSON (line 3).");
    expect(problem).toHaveTextContent("Fix: Fix the syntax, then scan again.");
    expect(within(problem).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.getByTestId("ide-unreachable-0")).toHaveTextContent(
      "Team serverconnection refused",
    );
  });

  it("says so when no config holds an MCP key", async () => {
    renderPage({ ide_scan: () => ideScan({ entries: [] }), ide_doctor: () => ideDoctor() });

    expect(screen.getByTestId("ides-loading")).toHaveTextContent("Reading the IDE configs");
    expect(await screen.findByTestId("ides-empty")).toHaveTextContent(
      "No IDE configs with MCP keys found",
    );
    expect(screen.queryByTestId("ides-loading")).not.toBeInTheDocument();
  });

  it("explains a failed scan and scans again on Try again", async () => {
    let scans = 0;
    renderPage({
      ide_scan: () => {
        // The shell's scan and the page's own fail alike.
        if (scans++ < 2) {
          throw { code: "internal", message: "The home folder is not known (HOME is not set)." };
        }
        return ideScan();
      },
      ide_doctor: () => ideDoctor(),
    });

    const banner = await screen.findByTestId("error-banner");
    expect(banner).toHaveTextContent("The home folder is not known");
    await userEvent.click(within(banner).getByTestId("error-retry"));
    expect(await screen.findByTestId("ide-client-cursor")).toBeInTheDocument();
  });

  it("shows doctor's findings with severity, message and fix, and fixes a gitignore in one click", async () => {
    let fixed = false;
    const gitignoreFinding = finding();
    const { calls } = renderPage({
      ide_scan: () => ideScan(),
      ide_doctor: () =>
        ideDoctor(
          fixed
            ? [finding({ severity: "error", code: "revoked_key_in_use", message: "Revoked." })]
            : [
                finding({ severity: "error", code: "revoked_key_in_use", message: "Revoked." }),
                gitignoreFinding,
              ],
        ),
      ide_fix: () => {
        fixed = true;
        return "/home/ada/code/webapp/.gitignore";
      },
    });

    const item = await screen.findByTestId("ide-finding-plaintext_key_not_gitignored");
    expect(item).toHaveTextContent("Warning");
    expect(item).toHaveTextContent(gitignoreFinding.message);
    expect(item).toHaveTextContent("Fix: Add the file to .gitignore.");
    expect(item).toHaveTextContent("/home/ada/code/webapp/.cursor/mcp.json");
    // Only the gitignore finding has a one-click fix.
    const other = screen.getByTestId("ide-finding-revoked_key_in_use");
    expect(other).toHaveTextContent("Error");
    expect(within(other).queryByRole("button")).not.toBeInTheDocument();
    const scans = callsOf(calls, "ide_scan").length;
    expect(callsOf(calls, "ide_doctor")).toHaveLength(1);

    await userEvent.click(screen.getByTestId("ide-fix-1"));

    expect(callsOf(calls, "ide_fix")[0]?.args).toEqual({
      configPath: "/home/ada/code/webapp/.cursor/mcp.json",
    });
    expect(await screen.findByTestId("ide-fix-result")).toHaveTextContent(
      "Added /home/ada/code/webapp/.cursor/mcp.json to /home/ada/code/webapp/.gitignore",
    );
    await waitFor(() =>
      expect(
        screen.queryByTestId("ide-finding-plaintext_key_not_gitignored"),
      ).not.toBeInTheDocument(),
    );
    // Scan and doctor ran again after the fix.
    expect(callsOf(calls, "ide_scan")).toHaveLength(scans + 1);
    expect(callsOf(calls, "ide_doctor")).toHaveLength(2);
  });

  it("says why a fix failed, next to the finding", async () => {
    renderPage({
      ide_scan: () => ideScan(),
      ide_doctor: () => ideDoctor([finding()]),
      ide_fix: () => {
        throw { code: "invalid_input", message: "The config is not inside a git work tree." };
      },
    });

    await userEvent.click(await screen.findByTestId("ide-fix-0"));

    const item = screen.getByTestId("ide-finding-plaintext_key_not_gitignored");
    expect(await within(item).findByTestId("error-banner")).toHaveTextContent(
      "The config is not inside a git work tree.",
    );
    expect(screen.getByTestId("ide-fix-0")).toBeEnabled();
  });

  it("scans the project folders added, keeps them, and stops scanning removed ones", async () => {
    const { calls } = renderPage({ ide_scan: () => ideScan(), ide_doctor: () => ideDoctor() });
    await screen.findByTestId("ide-client-cursor");
    const input = screen.getByTestId("ides-project-input");

    await userEvent.type(input, "code/webapp");
    await userEvent.click(screen.getByTestId("ides-project-add"));
    expect(screen.getByRole("alert")).toHaveTextContent("Type the folder's full path");

    await userEvent.clear(input);
    await userEvent.type(input, "/home/ada/code/webapp{Enter}");

    expect(input).toHaveValue("");
    expect(screen.getByTestId("ides-project-0")).toHaveTextContent("/home/ada/code/webapp");
    await waitFor(() =>
      expect(callsOf(calls, "ide_scan").at(-1)?.args).toEqual({
        projects: ["/home/ada/code/webapp"],
      }),
    );
    expect(callsOf(calls, "ide_doctor").at(-1)?.args).toEqual({
      projects: ["/home/ada/code/webapp"],
    });
    expect(JSON.parse(localStorage.getItem("mcp-keys.ide-projects") ?? "")).toEqual([
      "/home/ada/code/webapp",
    ]);

    await userEvent.click(screen.getByTestId("ides-project-remove-0"));
    await waitFor(() => expect(callsOf(calls, "ide_scan").at(-1)?.args).toEqual({ projects: [] }));
    expect(screen.queryByTestId("ides-project-0")).not.toBeInTheDocument();
  });

  it("scans again when Rust says a watched config changed, and on Scan again", async () => {
    const { calls, events } = renderPage({
      ide_scan: () => ideScan(),
      ide_doctor: () => ideDoctor(),
    });
    await screen.findByTestId("ides-no-findings");
    await waitFor(() => expect(events.listening(IDE_CONFIGS_CHANGED)).toBe(true));
    const scans = callsOf(calls, "ide_scan").length;
    expect(callsOf(calls, "ide_doctor")).toHaveLength(1);

    events.emit(IDE_CONFIGS_CHANGED, null);
    await waitFor(() => expect(callsOf(calls, "ide_scan")).toHaveLength(scans + 1));
    await waitFor(() => expect(callsOf(calls, "ide_doctor")).toHaveLength(2));

    await userEvent.click(screen.getByTestId("ides-refresh"));
    await waitFor(() => expect(callsOf(calls, "ide_scan")).toHaveLength(scans + 2));
  });

  it("scans afresh when opened, and keeps the last scan shown while a new one runs", async () => {
    const later = deferred<unknown>();
    let scans = 0;
    const { calls } = renderPage({
      // The shell's scan, then the one the page asks for when it opens.
      ide_scan: () => (scans++ < 2 ? ideScan() : later.promise),
      ide_doctor: () => ideDoctor(),
    });
    await screen.findByTestId("ide-client-cursor");
    await waitFor(() => expect(screen.getByTestId("ides-refresh")).toBeEnabled());
    expect(callsOf(calls, "ide_scan")).toHaveLength(2);

    await userEvent.click(screen.getByTestId("ides-refresh"));

    expect(screen.getByTestId("ides-refresh")).toBeDisabled();
    expect(screen.getByTestId("ides-refresh")).toHaveTextContent("Scanning…");
    expect(screen.getByTestId("ide-client-cursor")).toBeInTheDocument();
    later.resolve(ideScan({ entries: [] }));
    expect(await screen.findByTestId("ides-empty")).toBeInTheDocument();
  });
});
