import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuthMode } from "../bindings/AuthMode";
import { AUTHORIZATIONS_CHANGED } from "../lib/ipc/appEvents";
import { fakeEvents } from "../test/fakeEvents";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { grant } from "../test/fixtures";
import { GrantsSection } from "./GrantsSection";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(cleanup);

const surfaceRef = { connectionId: "conn_local", productId: "prod_1", surfaceId: "surf_1" };

function renderWith(authMode: AuthMode, handlers: Record<string, Handler>) {
  const calls = fakeInvoke(handlers);
  render(<GrantsSection surfaceRef={surfaceRef} authMode={authMode} />);
  return calls;
}

describe("GrantsSection", () => {
  it("lists each authorized client with its redirect host, scopes, dates and status", async () => {
    renderWith("oauth", {
      grants_list: () => [
        grant(),
        grant({
          id: "grant_2",
          clientName: "Claude Code",
          redirectHost: "127.0.0.1",
          scopes: [],
          isActive: false,
          revokedAt: "2025-03-03T10:00:00Z",
          lastUsedAt: "2025-03-02T12:00:00Z",
        }),
      ],
    });

    const row = await screen.findByTestId("grant-row-grant_1");
    expect(row).toHaveTextContent("Cursor");
    expect(row).toHaveTextContent("cursor://anysphere.cursor-mcp");
    expect(row).toHaveTextContent("search");
    expect(row).toHaveTextContent("Never used");
    expect(screen.getByTestId("grant-status-grant_1")).toHaveTextContent("Active");
    const revoked = screen.getByTestId("grant-row-grant_2");
    expect(revoked).toHaveTextContent("All");
    expect(screen.getByTestId("grant-status-grant_2")).toHaveTextContent("Revoked");
    // A revoked grant has nothing left to revoke.
    expect(screen.queryByTestId("grant-revoke-grant_2")).toBeNull();
  });

  it("says no client is authorized yet on an OAuth surface without grants", async () => {
    renderWith("both", { grants_list: () => [] });

    expect(await screen.findByTestId("grants-empty")).toBeInTheDocument();
  });

  it("stays out of the way on a surface of API keys only that has no grant, even when the server knows no grants", async () => {
    const calls = renderWith("api_key", {
      grants_list: () => {
        throw { code: "unsupported", message: "no OAuth here" };
      },
    });

    await waitFor(() => expect(callsOf(calls, "grants_list")).toHaveLength(1));
    expect(screen.queryByTestId("grants")).toBeNull();
  });

  it("still lists the grants of a surface switched back to API keys only", async () => {
    renderWith("api_key", { grants_list: () => [grant()] });

    expect(await screen.findByTestId("grant-row-grant_1")).toBeInTheDocument();
  });

  it("revokes after a confirm naming the client, and shows the grant revoked", async () => {
    const calls = renderWith("oauth", { grants_list: () => [grant()], grant_revoke: () => null });

    await userEvent.click(await screen.findByTestId("grant-revoke-grant_1"));
    const dialog = screen.getByTestId("grant-revoke-dialog");
    expect(dialog).toHaveTextContent("Revoke access for “Cursor”?");
    expect(callsOf(calls, "grant_revoke")).toHaveLength(0);
    await userEvent.click(within(dialog).getByTestId("grant-revoke-submit"));

    await waitFor(() =>
      expect(screen.getByTestId("grant-status-grant_1")).toHaveTextContent("Revoked"),
    );
    expect(callsOf(calls, "grant_revoke")[0]?.args).toEqual({ ...surfaceRef, grantId: "grant_1" });
    expect(screen.queryByTestId("grant-revoke-dialog")).toBeNull();
  });

  it("keeps the dialog open with the error when revoking fails", async () => {
    renderWith("oauth", {
      grants_list: () => [grant()],
      grant_revoke: () => {
        throw { code: "unreachable", message: "connection refused" };
      },
    });

    await userEvent.click(await screen.findByTestId("grant-revoke-grant_1"));
    await userEvent.click(screen.getByTestId("grant-revoke-submit"));

    expect(await screen.findByRole("alert")).toBeInTheDocument();
    expect(screen.getByTestId("grant-revoke-dialog")).toBeInTheDocument();
    expect(screen.getByTestId("grant-status-grant_1")).toHaveTextContent("Active");
  });

  it("reads the grants again when a request was decided (a new grant may exist)", async () => {
    const events = fakeEvents();
    let listed = [grant()];
    const calls = renderWith("oauth", { grants_list: () => listed });
    await screen.findByTestId("grant-row-grant_1");
    await waitFor(() => expect(events.listening(AUTHORIZATIONS_CHANGED)).toBe(true));

    listed = [grant(), grant({ id: "grant_2", clientName: "Zed" })];
    events.emit(AUTHORIZATIONS_CHANGED, []);

    expect(await screen.findByTestId("grant-row-grant_2")).toHaveTextContent("Zed");
    expect(callsOf(calls, "grants_list")).toHaveLength(2);
  });
});
