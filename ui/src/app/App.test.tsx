import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import { callsOf, deferred, fakeInvoke } from "../test/fakeInvoke";
import {
  appInfo,
  connectionTree,
  emptyWorkspace,
  localConnection,
  product,
  surface,
  teamConnection,
  workspaceWith,
} from "../test/fixtures";
import { App } from "./App";

vi.mock("@tauri-apps/api/core");

describe("App", () => {
  it("shows a loading state until app_info answers", () => {
    fakeInvoke({ app_info: () => deferred<AppInfo>().promise });
    render(<App />);

    expect(screen.getByTestId("app-loading")).toHaveTextContent("Starting MCP Keys");
    expect(screen.queryByTestId("app-shell")).not.toBeInTheDocument();
  });

  it("shows a loading state while the workspace loads", async () => {
    fakeInvoke({ app_info: () => appInfo, workspace_load: () => new Promise(() => {}) });
    render(<App />);

    expect(await screen.findByTestId("workspace-loading")).toHaveTextContent("Loading your keys");
  });

  it("offers the first surface on a first run, with This computer in the sidebar", async () => {
    fakeInvoke({ app_info: () => appInfo, workspace_load: () => emptyWorkspace() });
    render(<App />);

    const shell = await screen.findByTestId("app-shell");
    const local = within(shell).getByTestId("connection-local");
    expect(local).toHaveTextContent("This computer");
    expect(local).toHaveTextContent("http://127.0.0.1:7410");
    expect(local).toHaveTextContent("No products yet");
    expect(within(shell).getByTestId("app-version")).toHaveTextContent("0.1.0");

    const welcome = within(shell).getByTestId("workspace-empty");
    expect(within(welcome).getByRole("heading", { level: 1 })).toHaveTextContent(
      "Create your first surface",
    );
    // Defaults that work as they are, so a new user only has to press the button.
    expect(screen.getByTestId("first-product-name")).toHaveValue("My MCP server");
    expect(screen.getByTestId("first-surface-name")).toHaveValue("Local tools");
    expect(screen.getByTestId("first-surface-environment")).toHaveValue("development");
    expect(screen.getByTestId("first-surface-capabilities")).toHaveValue(
      "search, fetch, summarize",
    );
  });

  it("creates the product and surface with the defaults and opens it on its Keys tab", async () => {
    const created = surface({ id: "surf_new", name: "Local tools" });
    let loads = 0;
    const calls = fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => (loads++ === 0 ? emptyWorkspace() : workspaceWith([created])),
      product_create: () => product,
      surface_create: () => created,
      surface_get: () => created,
    });
    render(<App />);

    await userEvent.click(await screen.findByTestId("first-surface-submit"));

    const view = await screen.findByTestId("surface-view");
    expect(within(view).getByRole("heading", { level: 1 })).toHaveTextContent("Local tools");
    expect(await screen.findByTestId("keys-empty")).toBeInTheDocument();
    expect(callsOf(calls, "product_create")[0]?.args).toEqual({
      connectionId: "conn_local",
      name: "My MCP server",
    });
    expect(callsOf(calls, "surface_create")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      name: "Local tools",
      environment: "development",
      capabilities: ["search", "fetch", "summarize"],
      upstream: null,
      secret: null,
    });
  });

  it("creates a surface that shares a folder, and reads the server's capabilities", async () => {
    const created = surface({ id: "surf_new", name: "Local tools", items: [] });
    const synced = surface({
      id: "surf_new",
      name: "Local tools",
      items: [
        { capabilityName: "read_text_file", kind: "tool", createdAt: "2025-03-01T10:00:00Z" },
      ],
    });
    let loads = 0;
    const calls = fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => (loads++ === 0 ? emptyWorkspace() : workspaceWith([synced])),
      product_create: () => product,
      surface_create: () => created,
      surface_sync: () => synced,
      surface_get: () => synced,
    });
    render(<App />);

    await userEvent.click(await screen.findByTestId("upstream-kind-folder"));
    expect(screen.queryByTestId("first-surface-capabilities")).not.toBeInTheDocument();
    await userEvent.type(screen.getByTestId("upstream-value"), "/home/ada/notes");
    await userEvent.click(screen.getByTestId("first-surface-submit"));

    expect(await screen.findByTestId("surface-view")).toBeInTheDocument();
    expect(callsOf(calls, "surface_create")[0]?.args).toMatchObject({
      capabilities: [],
      upstream: { kind: "folder", path: "/home/ada/notes" },
    });
    expect(callsOf(calls, "surface_sync")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_new",
    });
  });

  it("creates a surface in front of a remote server with its credential, saved beside the choice", async () => {
    const created = surface({ id: "surf_new", name: "Local tools", items: [] });
    let loads = 0;
    const calls = fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => (loads++ === 0 ? emptyWorkspace() : workspaceWith([created])),
      product_create: () => product,
      surface_create: () => created,
      surface_sync: () => created,
      surface_get: () => created,
    });
    render(<App />);

    await userEvent.click(await screen.findByTestId("upstream-kind-url"));
    await userEvent.type(screen.getByTestId("upstream-value"), "https://mcp.example.org/mcp");
    await userEvent.click(screen.getByTestId("upstream-secret-toggle"));
    await userEvent.clear(screen.getByTestId("upstream-secret-name"));
    await userEvent.type(screen.getByTestId("upstream-secret-name"), "X-Api-Key");
    await userEvent.type(screen.getByTestId("upstream-secret-value"), "s3cr3t");
    await userEvent.click(screen.getByTestId("first-surface-submit"));

    expect(await screen.findByTestId("surface-view")).toBeInTheDocument();
    expect(callsOf(calls, "surface_create")[0]?.args).toMatchObject({
      capabilities: [],
      upstream: {
        kind: "url",
        url: "https://mcp.example.org/mcp",
        credential: { name: "X-Api-Key" },
      },
      secret: "s3cr3t",
    });
  });

  it("keeps the product made before a failed surface, so a retry makes no second one", async () => {
    let surfaceAttempts = 0;
    const calls = fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => (surfaceAttempts < 2 ? emptyWorkspace() : workspaceWith([surface()])),
      product_create: () => product,
      surface_create: () => {
        if (surfaceAttempts++ === 0) {
          throw { code: "unreachable", message: "connection refused" };
        }
        return surface();
      },
      surface_get: () => surface(),
    });
    render(<App />);

    await userEvent.click(await screen.findByTestId("first-surface-submit"));
    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "Can't reach the local key service",
    );
    await userEvent.click(screen.getByTestId("first-surface-submit"));

    expect(await screen.findByTestId("surface-view")).toBeInTheDocument();
    expect(callsOf(calls, "product_create")).toHaveLength(1);
    expect(callsOf(calls, "surface_create")).toHaveLength(2);
  });

  it("opens the first surface at start when there is one", async () => {
    fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => workspaceWith([surface()]),
      surface_get: () => surface(),
    });
    render(<App />);

    expect(await screen.findByTestId("surface-view")).toHaveTextContent("Docs search");
    expect(screen.getByTestId("surface-surf_1")).toHaveAttribute("aria-current", "page");
  });

  it("says in words why the workspace did not load, and loads it again on Try again", async () => {
    let loads = 0;
    fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => {
        if (loads++ === 0) {
          throw { code: "internal", message: "The store is locked." };
        }
        return emptyWorkspace();
      },
    });
    render(<App />);

    const error = await screen.findByRole("alert");
    expect(error).toHaveAttribute("data-testid", "app-error");
    expect(screen.getByTestId("app-error-message")).toHaveTextContent("The store is locked.");

    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("app-shell")).toBeInTheDocument();
  });

  it("shows the error's message when app_info fails, and no shell", async () => {
    fakeInvoke({
      app_info: () => {
        throw { code: "internal", message: "Not ready." };
      },
    });
    render(<App />);

    expect(await screen.findByTestId("app-error-message")).toHaveTextContent("Not ready.");
    expect(screen.queryByTestId("app-shell")).not.toBeInTheDocument();
  });

  it("marks an unreachable connection offline and explains a failed one in words", async () => {
    const broken = { ...teamConnection, id: "conn_broken", name: "Broken" };
    fakeInvoke({
      app_info: () => appInfo,
      workspace_load: () => ({
        connections: [
          connectionTree(localConnection),
          connectionTree(teamConnection, {
            offline: true,
            products: [{ product, surfaces: [surface({ id: "surf_t" })] }],
          }),
          connectionTree(broken, { error: { code: "token_rejected", message: "401" } }),
        ],
      }),
      surface_get: () => surface({ id: "surf_t" }),
    });
    render(<App />);

    expect(await screen.findByTestId("connection-offline-conn_team")).toHaveTextContent("Offline");
    expect(screen.getByTestId("connection-error-conn_broken")).toHaveTextContent(
      "The token was rejected by https://keys.example.com",
    );
    // The offline connection's surface opens, with a word about the cache.
    expect(await screen.findByTestId("surface-offline")).toHaveTextContent(
      "Can't reach https://keys.example.com",
    );
  });
});
