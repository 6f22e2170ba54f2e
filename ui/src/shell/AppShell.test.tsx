import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { callsOf, fakeInvoke } from "../test/fakeInvoke";
import {
  appInfo,
  connectionTree,
  localConnection,
  surface,
  teamConnection,
  workspaceWith,
} from "../test/fixtures";
import { AppShell } from "./AppShell";

vi.mock("@tauri-apps/api/core");

describe("AppShell", () => {
  it("nests products and surfaces with their badges under the connection", () => {
    fakeInvoke({ surface_get: () => surface() });
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    const local = screen.getByTestId("connection-local");
    expect(local).toHaveTextContent("Acme tools");
    const link = within(local).getByTestId("surface-surf_1");
    expect(link).toHaveTextContent("Docs search");
    expect(link).toHaveTextContent("Active");
    expect(link).toHaveTextContent("Development");
  });

  it("shows a surface status it does not know as unknown, not as inactive", () => {
    const odd = surface({ id: "surf_2", name: "Billing", status: "unknown" });
    fakeInvoke({ surface_get: () => surface() });
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface(), odd])} />);

    const link = screen.getByTestId("surface-surf_2");
    expect(link).toHaveTextContent("Billing");
    expect(link).toHaveTextContent("Unknown status");
    expect(link).not.toHaveTextContent("Inactive");
  });

  it("opens the surface chosen in the sidebar", async () => {
    const other = surface({ id: "surf_2", name: "Billing", environment: "production" });
    fakeInvoke({
      surface_get: (args) => (args["surfaceId"] === "surf_2" ? other : surface()),
    });
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface(), other])} />);

    const link = screen.getByTestId("surface-surf_2");
    await userEvent.click(link);

    const view = within(screen.getByTestId("main")).getByTestId("surface-view");
    expect(within(view).getByRole("heading", { level: 1 })).toHaveTextContent("Billing");
    expect(link).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("surface-surf_1")).not.toHaveAttribute("aria-current");
  });

  it("adds a Runtype connection with the default base URL and a password-typed key", async () => {
    const onReload = vi.fn();
    const calls = fakeInvoke({
      surface_get: () => surface(),
      connection_add: () => ({ ...teamConnection, kind: "runtype" }),
    });
    render(
      <AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} onReload={onReload} />,
    );

    await userEvent.click(screen.getByTestId("add-connection"));
    const dialog = screen.getByRole("dialog", { name: "Add a connection" });
    expect(screen.getByTestId("connection-kind-runtype")).toBeChecked();
    expect(screen.getByTestId("connection-url")).toHaveValue("https://api.runtype.com");
    const token = screen.getByTestId("connection-token");
    expect(token).toHaveAttribute("type", "password");
    await userEvent.type(token, "rt_platform_key{Enter}");

    expect(callsOf(calls, "connection_add")[0]?.args).toEqual({
      request: {
        kind: "runtype",
        name: "Runtype",
        baseUrl: "https://api.runtype.com",
        token: "rt_platform_key",
      },
    });
    expect(dialog).not.toBeInTheDocument();
    expect(onReload).toHaveBeenCalledOnce();
  });

  it("adds a self-hosted server, and says in words when its token is rejected", async () => {
    const calls = fakeInvoke({
      surface_get: () => surface(),
      connection_add: () => {
        throw { code: "token_rejected", message: "401 Unauthorized" };
      },
    });
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    await userEvent.click(screen.getByTestId("add-connection"));
    await userEvent.click(screen.getByTestId("connection-kind-mcp-keys"));
    // The Runtype default goes away with the kind it belongs to.
    expect(screen.getByTestId("connection-url")).toHaveValue("");
    await userEvent.type(screen.getByTestId("connection-url"), "https://keys.example.com");
    await userEvent.type(screen.getByTestId("connection-token"), "mgmt_token");
    await userEvent.click(screen.getByTestId("connection-submit"));

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "The token was rejected by https://keys.example.com",
    );
    expect(callsOf(calls, "connection_add")[0]?.args).toEqual({
      request: {
        kind: "mcp-keys",
        name: "keys.example.com",
        baseUrl: "https://keys.example.com",
        token: "mgmt_token",
      },
    });
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("says the server can't be reached when adding an unreachable one", async () => {
    fakeInvoke({
      surface_get: () => surface(),
      connection_add: () => {
        throw { code: "unreachable", message: "connection refused" };
      },
    });
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    await userEvent.click(screen.getByTestId("add-connection"));
    await userEvent.clear(screen.getByTestId("connection-url"));
    await userEvent.type(screen.getByTestId("connection-url"), "http://127.0.0.1:9");
    await userEvent.type(screen.getByTestId("connection-token"), "t{Enter}");

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "Can't reach http://127.0.0.1:9. Check that it is running",
    );
  });

  it("closes the add-connection dialog on Escape and gives focus back", async () => {
    fakeInvoke({ surface_get: () => surface() });
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    const opener = screen.getByTestId("add-connection");
    await userEvent.click(opener);
    expect(screen.getByTestId("connection-kind-runtype")).toHaveFocus();
    await userEvent.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("removes a remote connection after confirming", async () => {
    const onReload = vi.fn();
    const calls = fakeInvoke({ surface_get: () => surface(), connection_remove: () => null });
    const workspace = workspaceWith([surface()]);
    workspace.connections.push(connectionTree(teamConnection));
    render(<AppShell appInfo={appInfo} workspace={workspace} onReload={onReload} />);

    expect(screen.queryByTestId(`connection-remove-${localConnection.id}`)).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("connection-remove-conn_team"));
    await userEvent.click(screen.getByTestId("connection-remove-confirm"));

    expect(callsOf(calls, "connection_remove")[0]?.args).toEqual({ connectionId: "conn_team" });
    expect(onReload).toHaveBeenCalledOnce();
  });
});
