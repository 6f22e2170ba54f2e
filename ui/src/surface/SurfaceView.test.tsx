import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ConnectSnippets } from "../bindings/ConnectSnippets";
import { callsOf, fakeInvoke } from "../test/fakeInvoke";
import { event, key, localConnection, product, surface } from "../test/fixtures";
import { SurfaceView } from "./SurfaceView";

vi.mock("@tauri-apps/api/core");

function renderView(overrides: Parameters<typeof surface>[0] = {}) {
  return render(
    <SurfaceView connection={localConnection} product={product} surface={surface(overrides)} />,
  );
}

describe("SurfaceView", () => {
  it("loads the surface and opens on the Keys tab, with Generate and the empty state", async () => {
    const calls = fakeInvoke({ surface_get: () => surface() });
    renderView();

    expect(screen.getByTestId("keys-loading")).toBeInTheDocument();
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((tab) => tab.textContent)).toEqual(["Keys", "Server", "Connect", "Activity"]);
    expect(screen.getByTestId("tab-keys")).toHaveAttribute("aria-selected", "true");

    const panel = screen.getByRole("tabpanel");
    expect(panel).toHaveAccessibleName("Keys");
    expect(await within(panel).findByTestId("keys-empty")).toHaveTextContent(
      "Generate a key for each IDE or teammate",
    );
    expect(within(panel).getByTestId("generate-key")).toBeEnabled();
    expect(callsOf(calls, "surface_get")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
    });
  });

  it("shows the surface's name, product, status and environment", () => {
    fakeInvoke({ surface_get: () => new Promise(() => {}) });
    renderView({ status: "inactive", environment: "production" });

    const view = screen.getByTestId("surface-view");
    expect(within(view).getByRole("heading", { level: 1 })).toHaveTextContent("Docs search");
    expect(view).toHaveTextContent("Acme tools");
    expect(view).toHaveTextContent("Inactive");
    expect(view).toHaveTextContent("Production");
  });

  it("explains a failed load in words and loads again on Try again", async () => {
    let loads = 0;
    fakeInvoke({
      surface_get: () => {
        if (loads++ === 0) {
          throw { code: "rate_limited", message: "Too many requests.", retryAfterSeconds: 12 };
        }
        return surface({ keys: [key()] });
      },
    });
    renderView();

    const banner = await screen.findByTestId("error-banner");
    expect(banner).toHaveTextContent("Too many requests to the local key service right now.");
    expect(banner).toHaveTextContent("Try again in 12 s.");
    await userEvent.click(within(banner).getByRole("button", { name: "Try again" }));

    expect(await screen.findByTestId("key-row-key_1")).toBeInTheDocument();
  });

  it("moves between tabs with the arrow keys, Home and End, wrapping at the ends", async () => {
    fakeInvoke({ surface_get: () => surface(), events_list: () => [] });
    const user = userEvent.setup();
    renderView();
    const keysTab = screen.getByTestId("tab-keys");
    const serverTab = screen.getByTestId("tab-server");
    const connectTab = screen.getByTestId("tab-connect");
    const activityTab = screen.getByTestId("tab-activity");

    await user.tab();
    expect(keysTab).toHaveFocus();
    await user.keyboard("{ArrowRight}");
    expect(serverTab).toHaveFocus();
    await user.keyboard("{ArrowRight}");
    expect(connectTab).toHaveFocus();
    expect(screen.getByRole("tabpanel")).toHaveAccessibleName("Connect");
    await user.keyboard("{ArrowRight}");
    expect(activityTab).toHaveFocus();
    await user.keyboard("{ArrowRight}");
    expect(keysTab).toHaveFocus();
    await user.keyboard("{End}");
    expect(activityTab).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Home}");
    expect(keysTab).toHaveAttribute("aria-selected", "true");
  });

  it("lists the surface's activity: type, key, reason of a refusal", async () => {
    const calls = fakeInvoke({
      surface_get: () => surface({ keys: [key()] }),
      events_list: () => [
        event({ id: "e2", type: "auth_failed", reason: "revoked" }),
        event({ id: "e1" }),
      ],
    });
    renderView();

    await userEvent.click(screen.getByTestId("tab-activity"));

    const list = await screen.findByTestId("activity-list");
    const items = within(list).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("Request refused");
    expect(items[0]).toHaveTextContent("the key is revoked");
    expect(items[1]).toHaveTextContent("Key generated");
    expect(items[1]).toHaveTextContent("MCP - Claude Desktop (mcp_dev_Ab3dE5gH…x9Zq)");
    expect(callsOf(calls, "events_list")[0]?.args).toEqual({
      connectionId: "conn_local",
      surfaceId: "surf_1",
    });
  });

  it("says on the Keys tab that keys are refused while the surface takes OAuth only", async () => {
    fakeInvoke({
      surface_get: () => surface({ authMode: "oauth" }),
      grants_list: () => [],
    });
    renderView();

    expect(await screen.findByTestId("keys-oauth-only")).toHaveTextContent("API keys are refused");
  });

  it("has no such note when the surface takes keys", async () => {
    fakeInvoke({
      surface_get: () => surface({ authMode: "both" }),
      grants_list: () => [],
    });
    renderView();

    await screen.findByTestId("keys-empty");
    expect(screen.queryByTestId("keys-oauth-only")).toBeNull();
  });

  it("names OAuth events: a client asking, authorized, and its access revoked", async () => {
    fakeInvoke({
      surface_get: () => surface({ authMode: "oauth" }),
      grants_list: () => [],
      events_list: () => [
        event({ id: "e3", type: "grant_revoked", keyId: null, grantId: "grant_1" }),
        event({ id: "e2", type: "grant_created", keyId: null, grantId: "grant_1" }),
        event({ id: "e1", type: "oauth_requested", keyId: null }),
      ],
    });
    renderView();

    await userEvent.click(screen.getByTestId("tab-activity"));

    const items = within(await screen.findByTestId("activity-list")).getAllByRole("listitem");
    expect(items.map((item) => item.querySelector(".activity-list__type")?.textContent)).toEqual([
      "Client's access revoked",
      "Client authorized (OAuth)",
      "Client asked to authorize",
    ]);
    expect(items[0]).toHaveTextContent("grant_1");
  });

  it("lists an event of a kind it does not know as another event, with its key and time", async () => {
    fakeInvoke({
      surface_get: () => surface({ keys: [key()] }),
      events_list: () => [event({ id: "e5", type: "unknown" })],
    });
    renderView();

    await userEvent.click(screen.getByTestId("tab-activity"));

    const items = within(await screen.findByTestId("activity-list")).getAllByRole("listitem");
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent("Other event");
    expect(items[0]).toHaveTextContent("MCP - Claude Desktop (mcp_dev_Ab3dE5gH…x9Zq)");
    expect(within(items[0]!).getByRole("time")).toHaveAttribute("datetime", "2025-03-02T10:00:00Z");
  });

  it("lists calls to the surface's MCP server: what, by whom, how it ended, how long", async () => {
    fakeInvoke({
      surface_get: () => surface({ keys: [key()] }),
      events_list: () => [
        event({
          id: "e3",
          type: "mcp_call",
          capability: "read_text_file",
          client: "claude-code",
          outcome: "timeout",
          durationMs: 60000,
          count: 2,
        }),
        event({
          id: "e4",
          type: "mcp_call",
          capability: "list_directory",
          client: "cursor",
          outcome: "ok",
          durationMs: 12,
        }),
      ],
    });
    renderView();

    await userEvent.click(screen.getByTestId("tab-activity"));

    const items = within(await screen.findByTestId("activity-list")).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("Call ×2");
    expect(items[0]).toHaveTextContent("read_text_file");
    expect(items[0]).toHaveTextContent("by claude-code");
    expect(items[0]).toHaveTextContent("no answer in time");
    expect(items[0]).toHaveTextContent("60.0 s");
    expect(items[0]).toHaveClass("activity-list__item--failed");
    expect(items[1]).toHaveTextContent("list_directory");
    expect(items[1]).toHaveTextContent("answered");
    expect(items[1]).toHaveTextContent("12 ms");
    expect(items[1]).not.toHaveClass("activity-list__item--failed");
    expect(items[1]).toHaveTextContent("MCP - Claude Desktop");
  });

  it("shows an empty Activity tab, and an error with a retry when events fail", async () => {
    let loads = 0;
    fakeInvoke({
      surface_get: () => surface(),
      events_list: () => {
        if (loads++ === 0) {
          throw { code: "server_error", message: "500" };
        }
        return [];
      },
    });
    renderView();

    await userEvent.click(screen.getByTestId("tab-activity"));
    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "Something went wrong on the local key service",
    );
    await userEvent.click(screen.getByTestId("error-retry"));
    expect(await screen.findByTestId("activity-empty")).toBeInTheDocument();
  });

  it("shows Rust's config for each client, named as the registry names it, copyable", async () => {
    const url = String(surface().url);
    const claudeCode = `claude mcp add --transport http docs-search ${url} --header "Authorization: Bearer YOUR_API_KEY"`;
    const calls = fakeInvoke({
      surface_get: () => surface(),
      ide_snippets: (): ConnectSnippets => ({
        keyPlaceholder: "YOUR_API_KEY",
        snippets: [
          { client: "claude-code", where: "Terminal", language: "shell", text: claudeCode },
          {
            client: "cursor",
            where: "~/.cursor/mcp.json",
            language: "json",
            text: `{ "mcpServers": { "docs-search": { "url": "${url}", "headers": { "Authorization": "Bearer YOUR_API_KEY" } } } }`,
          },
        ],
      }),
    });
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderView();

    await userEvent.click(screen.getByTestId("tab-connect"));
    const cursor = await screen.findByTestId("snippet-cursor");
    expect(callsOf(calls, "ide_snippets")[0]?.args).toEqual({ surfaceName: "Docs search", url });
    const snippets = within(screen.getByTestId("connect-snippets")).getAllByRole("region");
    expect(snippets).toHaveLength(2);
    expect(cursor).toHaveTextContent("Cursor");
    expect(cursor).toHaveTextContent(url);
    expect(screen.getByTestId("surface-view")).toHaveTextContent("replace YOUR_API_KEY with a key");

    await userEvent.click(screen.getByTestId("snippet-copy-claude-code"));
    expect(writeText).toHaveBeenCalledWith(claudeCode);
    expect(screen.getByTestId("snippet-copy-claude-code")).toHaveTextContent("Copied");
  });
});
