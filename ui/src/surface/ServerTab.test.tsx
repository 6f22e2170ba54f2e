import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { callsOf, fakeInvoke } from "../test/fakeInvoke";
import { localConnection, product, surface } from "../test/fixtures";
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

async function openServerTab(shown = surface()) {
  render(<SurfaceView connection={localConnection} product={product} surface={shown} />);
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
});
