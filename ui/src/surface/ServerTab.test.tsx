import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { callsOf, fakeInvoke } from "../test/fakeInvoke";
import { localConnection, product, surface, teamConnection } from "../test/fixtures";
import { describeUpstream } from "./ServerTab";
import { SurfaceView } from "./SurfaceView";

vi.mock("@tauri-apps/api/core");

const filesystem = {
  type: "stdio" as const,
  command: "npx",
  args: ["-y", "@modelcontextprotocol/server-filesystem@2026.8.31", "/home/ada/My Notes"],
};

const synced = surface({
  upstream: filesystem,
  items: [
    {
      capabilityName: "read_text_file",
      kind: "tool",
      description: "Read a file as text.",
      createdAt: "2025-03-01T10:00:00Z",
    },
  ],
});

async function openServerTab(shown = surface(), connection = localConnection) {
  render(<SurfaceView connection={connection} product={product} surface={shown} />);
  await userEvent.click(screen.getByTestId("tab-server"));
  return screen.getByRole("tabpanel");
}

describe("ServerTab", () => {
  it("describes an upstream as one line, quoting words with spaces", () => {
    expect(describeUpstream(filesystem)).toBe(
      'npx -y @modelcontextprotocol/server-filesystem@2026.8.31 "/home/ada/My Notes"',
    );
    expect(describeUpstream({ type: "http", url: "https://mcp.example.org/mcp" })).toBe(
      "https://mcp.example.org/mcp",
    );
  });

  it("shows the server, its state with its last error and stderr, and its capabilities", async () => {
    fakeInvoke({
      surface_get: () => synced,
      upstream_status: () => ({
        state: "crashed",
        since: "2025-03-01T10:00:00Z",
        lastError: "the upstream MCP server exited",
        stderrTail: "Error: ENOENT: no such file or directory\n",
      }),
    });
    const panel = await openServerTab(synced);

    expect(within(panel).getByTestId("server-upstream")).toHaveTextContent("server-filesystem");
    expect(await within(panel).findByText("Crashed")).toBeInTheDocument();
    expect(within(panel).getByTestId("server-last-error")).toHaveTextContent("exited");
    expect(within(panel).getByTestId("server-stderr")).toHaveTextContent("ENOENT");
    const item = within(panel).getByTestId("server-item-read_text_file");
    expect(item).toHaveTextContent("tool");
    expect(item).toHaveTextContent("Read a file as text.");
  });

  it("shares a folder: saves the choice, then reads what the server offers", async () => {
    const calls = fakeInvoke({
      surface_get: () => surface(),
      surface_set_upstream: () => surface({ upstream: filesystem, items: [] }),
      surface_sync: () => synced,
      upstream_status: () => ({ state: "running", since: "2025-03-01T10:00:00Z" }),
    });
    const panel = await openServerTab();
    expect(within(panel).queryByTestId("server-facts")).not.toBeInTheDocument();

    await userEvent.click(within(panel).getByTestId("server-change"));
    await userEvent.click(within(panel).getByTestId("upstream-kind-folder"));
    await userEvent.type(within(panel).getByTestId("upstream-value"), "/home/ada/My Notes");
    await userEvent.click(within(panel).getByTestId("server-save"));

    expect(await within(panel).findByTestId("server-item-read_text_file")).toBeInTheDocument();
    expect(callsOf(calls, "surface_set_upstream")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      upstream: { kind: "folder", path: "/home/ada/My Notes" },
      secret: null,
    });
    expect(callsOf(calls, "surface_sync")).toHaveLength(1);
    expect(within(panel).queryByTestId("server-form")).not.toBeInTheDocument();
  });

  it("keeps the form and explains when the server cannot be read", async () => {
    fakeInvoke({
      surface_get: () => synced,
      surface_sync: () => {
        throw {
          code: "server_error",
          message: "the upstream MCP server did not start within 60 s",
        };
      },
      upstream_status: () => ({ state: "stopped", since: "2025-03-01T10:00:00Z" }),
    });
    const panel = await openServerTab(synced);

    await userEvent.click(within(panel).getByTestId("server-sync"));

    expect(await within(panel).findByTestId("error-banner")).toHaveTextContent(
      "did not start within 60 s",
    );
    expect(within(panel).getByTestId("server-item-read_text_file")).toBeInTheDocument();
  });

  it("gives a remote server its credential: the value goes beside the choice, the tab names the secret", async () => {
    const remote = {
      type: "http" as const,
      url: "https://mcp.example.org/mcp",
      headers: { Authorization: { secretRef: "mcp.example.org.authorization" } },
    };
    const calls = fakeInvoke({
      surface_get: () => surface(),
      surface_set_upstream: () => surface({ upstream: remote, items: [] }),
      surface_sync: () => surface({ upstream: remote, items: [] }),
      upstream_status: () => ({ state: "running", since: "2025-03-01T10:00:00Z" }),
    });
    const panel = await openServerTab();

    await userEvent.click(within(panel).getByTestId("server-change"));
    await userEvent.click(within(panel).getByTestId("upstream-kind-url"));
    await userEvent.type(
      within(panel).getByTestId("upstream-value"),
      "https://mcp.example.org/mcp",
    );
    await userEvent.click(within(panel).getByTestId("upstream-secret-toggle"));
    expect(within(panel).getByTestId("upstream-secret-name")).toHaveValue("Authorization");
    const value = within(panel).getByTestId("upstream-secret-value");
    expect(value).toHaveAttribute("type", "password");
    expect(within(panel).getByTestId("upstream-secret")).toHaveTextContent("OS keyring");
    await userEvent.type(value, "Bearer s3cr3t");
    await userEvent.click(within(panel).getByTestId("server-save"));

    const secret = await within(panel).findByTestId("server-secret-Authorization");
    expect(secret).toHaveTextContent("from the OS keyring, secret mcp.example.org.authorization");
    expect(callsOf(calls, "surface_set_upstream")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      upstream: {
        kind: "url",
        url: "https://mcp.example.org/mcp",
        credential: { name: "Authorization" },
      },
      secret: "Bearer s3cr3t",
    });
    expect(panel).not.toHaveTextContent("s3cr3t");
    // Opened again, the form knows the secret by name only.
    await userEvent.click(within(panel).getByTestId("server-change"));
    expect(within(panel).getByTestId("upstream-secret-value")).toHaveValue("");
  });

  it("keeps a surface's secret by name when the form is saved without a new value", async () => {
    const remote = surface({
      upstream: {
        type: "http",
        url: "https://mcp.example.org/mcp",
        headers: { "X-Api-Key": { secretRef: "example-key" } },
      },
    });
    const calls = fakeInvoke({
      surface_get: () => remote,
      surface_set_upstream: () => remote,
      surface_sync: () => remote,
      upstream_status: () => ({ state: "stopped", since: "2025-03-01T10:00:00Z" }),
    });
    const panel = await openServerTab(remote);

    await userEvent.click(within(panel).getByTestId("server-change"));
    expect(within(panel).getByTestId("upstream-secret-toggle")).toBeChecked();
    expect(within(panel).getByTestId("upstream-secret")).toHaveTextContent(
      "Saved in the OS keyring as example-key",
    );
    await userEvent.click(within(panel).getByTestId("server-save"));

    await waitFor(() => expect(callsOf(calls, "surface_set_upstream")).toHaveLength(1));
    expect(callsOf(calls, "surface_set_upstream")[0]?.args).toMatchObject({
      upstream: {
        kind: "url",
        url: "https://mcp.example.org/mcp",
        credential: { name: "X-Api-Key", secretRef: "example-key" },
      },
      secret: null,
    });
  });

  it("asks for a new credential's value before saving", async () => {
    const calls = fakeInvoke({
      surface_get: () => surface(),
      upstream_status: () => ({ state: "stopped", since: "2025-03-01T10:00:00Z" }),
    });
    const panel = await openServerTab();

    await userEvent.click(within(panel).getByTestId("server-change"));
    await userEvent.click(within(panel).getByTestId("upstream-kind-url"));
    await userEvent.type(
      within(panel).getByTestId("upstream-value"),
      "https://mcp.example.org/mcp",
    );
    await userEvent.click(within(panel).getByTestId("upstream-secret-toggle"));
    await userEvent.click(within(panel).getByTestId("server-save"));

    expect(await within(panel).findByTestId("error-banner")).toHaveTextContent(
      "Paste the secret's value for the header.",
    );
    expect(callsOf(calls, "surface_set_upstream")).toHaveLength(0);
  });

  it("on another key service, names a command's secret as set there and never asks its value", async () => {
    const github = surface({
      upstream: {
        type: "stdio",
        command: "npx",
        args: ["-y", "@modelcontextprotocol/server-github"],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: { secretRef: "github-pat" }, LOG_LEVEL: "debug" },
        sessions: "shared",
      },
      items: [],
    });
    const calls = fakeInvoke({
      surface_get: () => surface(),
      surface_set_upstream: () => github,
      surface_sync: () => github,
      upstream_status: () => ({ state: "stopped", since: "2025-03-01T10:00:00Z" }),
    });
    const panel = await openServerTab(surface(), teamConnection);

    await userEvent.click(within(panel).getByTestId("server-change"));
    await userEvent.click(within(panel).getByTestId("upstream-kind-command"));
    await userEvent.type(
      within(panel).getByTestId("upstream-value"),
      "npx -y @modelcontextprotocol/server-github",
    );
    expect(within(panel).getByTestId("upstream-shared")).not.toBeChecked();
    await userEvent.click(within(panel).getByTestId("upstream-shared"));
    await userEvent.click(within(panel).getByTestId("upstream-secret-toggle"));
    await userEvent.type(
      within(panel).getByTestId("upstream-secret-name"),
      "GITHUB_PERSONAL_ACCESS_TOKEN",
    );
    expect(within(panel).queryByTestId("upstream-secret-value")).not.toBeInTheDocument();
    await userEvent.type(within(panel).getByTestId("upstream-secret-ref"), "github-pat");
    await userEvent.click(within(panel).getByTestId("server-save"));

    const secret = await within(panel).findByTestId("server-secret-GITHUB_PERSONAL_ACCESS_TOKEN");
    expect(secret).toHaveTextContent("from the key service's secret github-pat");
    expect(within(panel).getByTestId("server-secret-LOG_LEVEL")).toHaveTextContent("a plain value");
    expect(within(panel).getByTestId("server-secrets")).not.toHaveTextContent("debug");
    expect(within(panel).getByTestId("server-sessions")).toHaveTextContent(
      "One connection for every client",
    );
    expect(callsOf(calls, "surface_set_upstream")[0]?.args).toEqual({
      connectionId: "conn_team",
      productId: "prod_1",
      surfaceId: "surf_1",
      upstream: {
        kind: "command",
        commandLine: "npx -y @modelcontextprotocol/server-github",
        secretEnv: { name: "GITHUB_PERSONAL_ACCESS_TOKEN", secretRef: "github-pat" },
        shared: true,
      },
      secret: null,
    });
  });
});
