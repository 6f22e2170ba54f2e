import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InstallClient } from "../bindings/InstallClient";
import type { InstallTargets } from "../bindings/InstallTargets";
import type { KeyInstall } from "../bindings/KeyInstall";
import type { Reveal } from "../bindings/Reveal";
import { SurfaceView } from "../surface/SurfaceView";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { key, localConnection, product, surface } from "../test/fixtures";
import { settings } from "../test/settings";
import { installedSentence, tildePath } from "./InstallPanel";
import { RevealDialog } from "./RevealDialog";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(async () => {
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0));
});

const HOME = "/home/ada";

function client(overrides: Partial<InstallClient> & Pick<InstallClient, "id" | "name">) {
  return {
    detected: false,
    userConfig: null,
    projectConfig: null,
    mechanisms: [{ via: "bridge", afterRoll: "nothing" }],
    defaultVia: "bridge",
    ...overrides,
  } satisfies InstallClient;
}

/** Three clients in the registry's order; only Cursor is on this machine. */
const targets: InstallTargets = {
  home: HOME,
  clients: [
    client({
      id: "claude-code",
      name: "Claude Code",
      userConfig: `${HOME}/.claude.json`,
      projectConfig: ".mcp.json",
      mechanisms: [
        { via: "helper", afterRoll: "reconnect" },
        { via: "bridge", afterRoll: "nothing" },
        { via: "literal", afterRoll: "rewrite" },
      ],
      defaultVia: "helper",
    }),
    client({
      id: "zed",
      name: "Zed",
      userConfig: `${HOME}/.config/zed/settings.json`,
    }),
    client({
      id: "cursor",
      name: "Cursor",
      detected: true,
      userConfig: `${HOME}/.cursor/mcp.json`,
      projectConfig: ".cursor/mcp.json",
      mechanisms: [
        { via: "env", afterRoll: "restart" },
        { via: "bridge", afterRoll: "nothing" },
      ],
      defaultVia: "env",
    }),
  ],
};

function installed(overrides: Partial<KeyInstall["installed"]> = {}): KeyInstall {
  return {
    slot: {
      name: "claude-code-docs-search",
      url: "http://127.0.0.1:7410/mcp/surf_1",
      keyId: "key_new",
      keyPrefix: "mcp_dev_NewKey01",
      surfaceId: "surf_1",
      client: "claude-code",
      via: "helper",
      createdAt: "2025-03-05T10:00:00Z",
      updatedAt: "2025-03-05T10:00:00Z",
    },
    envVar: null,
    installed: {
      client: "claude-code",
      via: "helper",
      configPath: `${HOME}/.claude.json`,
      scope: "global",
      serverName: "docs-search",
      createdFile: true,
      replacedEntry: false,
      afterRoll: "reconnect",
      ...overrides,
    },
  };
}

const reveal: Reveal = {
  revealId: "rv_1",
  key: key({ id: "key_new", name: "MCP - Claude Code" }),
};

const surfaceRef = { connectionId: "conn_local", productId: "prod_1", surfaceId: "surf_1" };

function renderPanel(handlers: Record<string, Handler> = {}) {
  const calls = fakeInvoke({
    install_targets: () => targets,
    reveal_install: () => installed(),
    reveal_close: () => null,
    ...handlers,
  });
  render(
    <RevealDialog
      reveal={reveal}
      title="Copy your new key"
      onClosed={() => undefined}
      installInto={surfaceRef}
    />,
  );
  return calls;
}

describe("Install into… in the reveal of a new key", () => {
  it("lists the clients on this machine first, each with its best mechanism and why", async () => {
    renderPanel();
    const panel = await screen.findByTestId("install-panel");
    expect(within(panel).getByRole("heading")).toHaveTextContent("Install into…");

    const rows = await within(panel).findAllByRole("listitem");
    expect(rows.map((row) => row.getAttribute("data-testid"))).toEqual([
      "install-client-cursor",
      "install-client-claude-code",
      "install-client-zed",
    ]);
    expect(screen.getByTestId("install-detected-cursor")).toHaveTextContent("detected");
    expect(screen.queryByTestId("install-detected-claude-code")).not.toBeInTheDocument();

    // Several mechanisms: a choice, the client's best preselected.
    expect(screen.getByTestId("install-via-claude-code")).toHaveValue("helper");
    expect(screen.getByTestId("install-via-cursor")).toHaveValue("env");
    // One mechanism: said, not offered.
    expect(screen.getByTestId("install-via-zed").tagName).not.toBe("SELECT");
    expect(screen.getByTestId("install-via-zed")).toHaveTextContent("Local bridge");

    expect(screen.getByTestId("install-why-claude-code")).toHaveTextContent(
      "reads the key from the keyring at each connection. After a roll, reconnect the server. Writes ~/.claude.json.",
    );
    await userEvent.selectOptions(screen.getByTestId("install-via-claude-code"), "bridge");
    expect(screen.getByTestId("install-why-claude-code")).toHaveTextContent(
      "A roll needs nothing: it reads the new key by itself.",
    );
  });

  it("installs the revealed key into Claude Code through Rust, never through the page", async () => {
    const calls = renderPanel();
    await userEvent.click(await screen.findByTestId("install-submit-claude-code"));

    expect(await screen.findByTestId("install-result-claude-code")).toHaveTextContent(
      "Installed into Claude Code through helper: ~/.claude.json — the key is in keyring slot claude-code-docs-search",
    );
    expect(callsOf(calls, "reveal_install")[0]?.args).toEqual({
      revealId: "rv_1",
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      client: "claude-code",
      via: "helper",
      project: null,
    });
    // The key's text was never asked for.
    expect(callsOf(calls, "reveal_show")).toHaveLength(0);
  });

  it("installs into a project's config once its folder is given", async () => {
    const calls = renderPanel({
      reveal_install: () =>
        installed({ via: "bridge", configPath: "/work/app/.cursor/mcp.json", scope: "project" }),
    });
    await userEvent.selectOptions(await screen.findByTestId("install-scope-cursor"), "project");
    expect(screen.getByTestId("install-why-cursor")).toHaveTextContent(
      "Writes PROJECT/.cursor/mcp.json.",
    );
    await userEvent.click(screen.getByTestId("install-submit-cursor"));
    expect(
      within(screen.getByTestId("install-client-cursor")).getByRole("alert"),
    ).toHaveTextContent("Enter the full path of the project folder.");
    expect(callsOf(calls, "reveal_install")).toHaveLength(0);

    await userEvent.selectOptions(screen.getByTestId("install-via-cursor"), "bridge");
    await userEvent.type(screen.getByTestId("install-project-cursor"), "/work/app{Enter}");
    expect(callsOf(calls, "reveal_install")[0]?.args).toMatchObject({
      client: "cursor",
      via: "bridge",
      project: "/work/app",
    });
    expect(await screen.findByTestId("install-result-cursor")).toHaveTextContent(
      "/work/app/.cursor/mcp.json",
    );
  });

  it("offers only the project config to a client without a user config", async () => {
    renderPanel({
      install_targets: () => ({
        home: HOME,
        clients: [client({ id: "continue", name: "Continue", projectConfig: ".continue/x.yaml" })],
      }),
    });
    const scope = await screen.findByTestId("install-scope-continue");
    expect(scope).toHaveValue("project");
    expect(within(scope).getByRole("option", { name: "User config" })).toBeDisabled();
    expect(screen.getByTestId("install-project-continue")).toBeInTheDocument();
  });

  it("explains a failed install on its client's row and leaves the others usable", async () => {
    renderPanel({
      reveal_install: ({ client }) => {
        if (client === "zed") {
          throw { code: "invalid_input", message: "settings.json does not parse: line 3" };
        }
        return installed();
      },
    });
    await userEvent.click(await screen.findByTestId("install-submit-zed"));
    expect(await screen.findByTestId("install-error-zed")).toHaveTextContent(
      "settings.json does not parse: line 3",
    );
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("install-submit-claude-code"));
    expect(await screen.findByTestId("install-result-claude-code")).toBeInTheDocument();
    expect(screen.getByTestId("install-error-zed")).toBeInTheDocument();
  });

  it("says when the clients cannot be listed, and tries again", async () => {
    let fail = true;
    renderPanel({
      install_targets: () => {
        if (fail) {
          fail = false;
          throw { code: "internal", message: "the home folder is not known" };
        }
        return targets;
      },
    });
    expect(await screen.findByTestId("install-load-error")).toHaveTextContent(
      "the home folder is not known",
    );
    await userEvent.click(screen.getByTestId("error-retry"));
    expect(await screen.findByTestId("install-client-cursor")).toBeInTheDocument();
  });

  it("is offered in the reveal after Generate, for the surface the key was made on", async () => {
    const newKey = key({ id: "key_new", name: "MCP - Cursor" });
    const calls = fakeInvoke({
      surface_get: () => surface({ keys: [] }),
      settings_get: () => settings(),
      key_generate: () => ({ revealId: "rv_9", key: newKey }),
      install_targets: () => targets,
      reveal_install: () => installed(),
      reveal_close: () => null,
    });
    render(<SurfaceView connection={localConnection} product={product} surface={surface()} />);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));
    await screen.findByTestId("reveal-dialog");
    await userEvent.click(await screen.findByTestId("install-submit-claude-code"));
    expect(callsOf(calls, "reveal_install")[0]?.args).toMatchObject({
      revealId: "rv_9",
      connectionId: localConnection.id,
      productId: product.id,
      surfaceId: "surf_1",
    });
  });
});

describe("how an install is told", () => {
  it("writes paths under the home folder with ~ and leaves others alone", () => {
    expect(tildePath("/home/ada/.claude.json", "/home/ada")).toBe("~/.claude.json");
    expect(tildePath("/home/ada/", "/home/ada/")).toBe("~/");
    expect(tildePath("/home/adam/.claude.json", "/home/ada")).toBe("/home/adam/.claude.json");
  });

  it("tells how to start a client that takes the key from its environment", () => {
    const env = installed({ via: "env", client: "cursor", replacedEntry: true });
    env.envVar = "MCP_KEY_CURSOR_DOCS";
    expect(installedSentence("Cursor", env, HOME)).toBe(
      "Installed into Cursor through env: ~/.claude.json — the key is in keyring slot claude-code-docs-search; start Cursor through mcp-keys run --slot claude-code-docs-search -- COMMAND, which sets MCP_KEY_CURSOR_DOCS (server “docs-search” replaced)",
    );
  });
});
