import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PendingAuthorization } from "../bindings/PendingAuthorization";
import { AUTHORIZATIONS_CHANGED } from "../lib/ipc/appEvents";
import { fakeEvents } from "../test/fakeEvents";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { grant, pendingAuthorization, surface, workspaceWith } from "../test/fixtures";
import { AuthorizationRequests } from "./AuthorizationRequests";
import { untilFirstExpiry, waiting } from "./pendingAuthorizations";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

function renderWith(pending: PendingAuthorization[], handlers: Record<string, Handler> = {}) {
  const events = fakeEvents();
  const calls = fakeInvoke({ oauth_requests_list: () => pending, ...handlers });
  render(<AuthorizationRequests workspace={workspaceWith([])} />);
  return { calls, events };
}

describe("the consent dialog", () => {
  it("names the client, where the browser returns to, the surface and the scopes", async () => {
    renderWith([pendingAuthorization()]);

    const dialog = await screen.findByTestId("authorization-dialog");
    expect(within(dialog).getByRole("heading")).toHaveTextContent("Cursor asks to use Docs search");
    expect(within(dialog).getByTestId("authorization-client")).toHaveTextContent("Cursor");
    expect(within(dialog).getByTestId("authorization-redirect-host")).toHaveTextContent(
      "127.0.0.1",
    );
    expect(within(dialog).getByTestId("authorization-surface")).toHaveTextContent("Docs search");
    expect(within(dialog).getByTestId("authorization-scope-search")).toBeChecked();
    expect(within(dialog).getByTestId("authorization-scope-fetch")).toBeChecked();
  });

  it("approves what was asked for as asked (no scopes sent), then closes", async () => {
    const { calls } = renderWith([pendingAuthorization()], {
      oauth_request_approve: () => grant(),
    });

    await userEvent.click(await screen.findByTestId("authorization-approve"));

    await waitFor(() => expect(screen.queryByTestId("authorization-dialog")).toBeNull());
    expect(callsOf(calls, "oauth_request_approve")[0]?.args).toEqual({
      connectionId: "conn_local",
      requestId: "req_1",
      scopes: null,
    });
  });

  it("approves only the scopes left checked", async () => {
    const { calls } = renderWith([pendingAuthorization()], {
      oauth_request_approve: () => grant(),
    });

    await userEvent.click(await screen.findByTestId("authorization-scope-fetch"));
    expect(screen.getByTestId("authorization-scopes-hint")).toHaveTextContent("only the 1 checked");
    await userEvent.click(screen.getByTestId("authorization-approve"));

    await waitFor(() => expect(callsOf(calls, "oauth_request_approve")).toHaveLength(1));
    expect(callsOf(calls, "oauth_request_approve")[0]?.args.scopes).toEqual(["search"]);
  });

  it("offers the surface's capabilities when the client asked for all of them", async () => {
    const { calls } = renderWith([pendingAuthorization({ scopes: [] })], {
      surface_get: () => surface(),
      oauth_request_approve: () => grant(),
    });

    await userEvent.click(await screen.findByTestId("authorization-scope-fetch"));
    expect(screen.getByTestId("authorization-scope-search")).toBeChecked();
    await userEvent.click(screen.getByTestId("authorization-approve"));

    await waitFor(() => expect(callsOf(calls, "oauth_request_approve")).toHaveLength(1));
    expect(callsOf(calls, "oauth_request_approve")[0]?.args.scopes).toEqual(["search"]);
    expect(callsOf(calls, "surface_get")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
    });
  });

  it("approves everything, as asked, when the surface's capabilities can't be read", async () => {
    const { calls } = renderWith([pendingAuthorization({ scopes: [] })], {
      oauth_request_approve: () => grant(),
    });

    expect(await screen.findByTestId("authorization-scopes-all")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("authorization-approve"));

    await waitFor(() => expect(callsOf(calls, "oauth_request_approve")).toHaveLength(1));
    expect(callsOf(calls, "oauth_request_approve")[0]?.args.scopes).toBeNull();
  });

  it("cannot approve with every scope unchecked", async () => {
    renderWith([pendingAuthorization()]);

    await userEvent.click(await screen.findByTestId("authorization-scope-fetch"));
    await userEvent.click(screen.getByTestId("authorization-scope-search"));

    expect(screen.getByTestId("authorization-approve")).toBeDisabled();
  });

  it("denies, then closes", async () => {
    const { calls } = renderWith([pendingAuthorization()], { oauth_request_deny: () => null });

    await userEvent.click(await screen.findByTestId("authorization-deny"));

    await waitFor(() => expect(screen.queryByTestId("authorization-dialog")).toBeNull());
    expect(callsOf(calls, "oauth_request_deny")[0]?.args).toEqual({
      connectionId: "conn_local",
      requestId: "req_1",
    });
  });

  it("closes when the request is decided elsewhere or expires, as Rust reports", async () => {
    const { events } = renderWith([pendingAuthorization()]);
    await screen.findByTestId("authorization-dialog");

    events.emit(AUTHORIZATIONS_CHANGED, []);

    expect(screen.queryByTestId("authorization-dialog")).toBeNull();
  });

  it("opens on a request Rust reports while the app runs", async () => {
    const { events } = renderWith([]);
    await waitFor(() => expect(events.listening(AUTHORIZATIONS_CHANGED)).toBe(true));
    expect(screen.queryByTestId("authorization-dialog")).toBeNull();

    events.emit(AUTHORIZATIONS_CHANGED, [pendingAuthorization({ clientName: "Zed" })]);

    expect(await screen.findByTestId("authorization-dialog")).toHaveTextContent("Zed asks");
  });

  it.each([
    ["decided elsewhere", "conflict"],
    ["expired", "not_found"],
  ])("treats a request %s meanwhile as done", async (_, code) => {
    renderWith([pendingAuthorization()], {
      oauth_request_approve: () => {
        throw { code, message: "no longer pending" };
      },
    });

    await userEvent.click(await screen.findByTestId("authorization-approve"));

    await waitFor(() => expect(screen.queryByTestId("authorization-dialog")).toBeNull());
  });

  it("keeps the dialog with the error when approving fails otherwise", async () => {
    renderWith([pendingAuthorization()], {
      oauth_request_approve: () => {
        throw { code: "unreachable", message: "connection refused" };
      },
    });

    await userEvent.click(await screen.findByTestId("authorization-approve"));

    const dialog = screen.getByTestId("authorization-dialog");
    expect(await within(dialog).findByRole("alert")).toBeInTheDocument();
    expect(screen.getByTestId("authorization-approve")).toBeEnabled();
  });

  it("set aside with Escape, the request waits in a line that reopens it", async () => {
    renderWith([pendingAuthorization()]);
    await screen.findByTestId("authorization-dialog");

    await userEvent.keyboard("{Escape}");

    expect(screen.queryByTestId("authorization-dialog")).toBeNull();
    expect(screen.getByTestId("authorizations-waiting")).toHaveTextContent(
      "Cursor is waiting for your approval to use Docs search.",
    );
    await userEvent.click(screen.getByTestId("authorizations-review"));
    expect(screen.getByTestId("authorization-dialog")).toBeInTheDocument();
  });

  it("asks about one request at a time, the oldest first", async () => {
    renderWith([
      pendingAuthorization({ id: "req_2", clientName: "Zed", createdAt: "2025-03-02T10:05:00Z" }),
      pendingAuthorization(),
    ]);

    expect(await screen.findByTestId("authorization-dialog")).toHaveTextContent("Cursor asks");
    expect(screen.getAllByTestId("authorization-dialog")).toHaveLength(1);
  });
});

describe("waiting", () => {
  it("leaves out expired and set-aside requests", () => {
    const now = Date.parse("2025-03-02T10:05:00Z");
    const expired = pendingAuthorization({ id: "old", expiresAt: "2025-03-02T10:04:00Z" });
    const aside = pendingAuthorization({ id: "aside" });
    const live = pendingAuthorization({ id: "live" });

    const left = waiting([expired, aside, live], new Set(["conn_local/aside"]), now);

    expect(left.map((p) => p.request.id)).toEqual(["live"]);
  });
});

describe("untilFirstExpiry", () => {
  it("waits for the first request to expire, never longer than a timer can", () => {
    const now = Date.parse("2025-03-02T10:00:00Z");
    const soon = pendingAuthorization({ expiresAt: "2025-03-02T10:10:00Z" });
    const far = pendingAuthorization({ id: "far", expiresAt: "2999-01-01T00:00:00Z" });

    expect(untilFirstExpiry([far, soon], now)).toBe(600_000);
    expect(untilFirstExpiry([far], now)).toBe(2 ** 31 - 1);
    expect(untilFirstExpiry([], now)).toBeNull();
  });
});
