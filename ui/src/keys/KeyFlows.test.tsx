import { act, cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SurfaceView } from "../surface/SurfaceView";
import { callsOf, fakeInvoke, type Handler } from "../test/fakeInvoke";
import { key, localConnection, product, surface } from "../test/fixtures";

vi.mock("@tauri-apps/api/core");

// A reveal left open by a test is closed by its dialog's unmount, a tick later:
// let that happen now, rather than inside the next test.
afterEach(async () => {
  vi.useRealTimers();
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0));
});

/** A key's text as Rust would hand it over on Show; it must go nowhere else. */
const SECRET = "mcp_dev_NewKey01abcdefghijklmnopqrstuvwxyzABCDEF0wXyZ";

const newKey = key({
  id: "key_new",
  name: "MCP - Cursor",
  keyPrefix: "mcp_dev_NewKey01",
  keyHint: "wXyZ",
  createdAt: "2025-03-05T10:00:00Z",
});

function renderWith(keys = [key()], handlers: Record<string, Handler> = {}) {
  const calls = fakeInvoke({
    surface_get: () => surface({ keys }),
    key_generate: () => ({ revealId: "rv_1", key: newKey }),
    reveal_show: () => SECRET,
    reveal_copy: () => ({ clearAfterSeconds: 45 }),
    reveal_close: () => null,
    ...handlers,
  });
  render(<SurfaceView connection={localConnection} product={product} surface={surface()} />);
  return calls;
}

/** Everything a key could leak through besides the screen. */
function leakSpies() {
  return [
    vi.spyOn(Storage.prototype, "setItem"),
    vi.spyOn(console, "log"),
    vi.spyOn(console, "info"),
    vi.spyOn(console, "warn"),
    vi.spyOn(console, "error"),
    vi.spyOn(console, "debug"),
  ];
}

describe("generate and the copy-once reveal", () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it("suggests a name per IDE, sends the request, then shows the key masked", async () => {
    const calls = renderWith([key()]);
    await userEvent.click(await screen.findByTestId("generate-key"));

    const name = screen.getByTestId("generate-name");
    // "MCP - Claude Desktop" is taken by the existing key: the next IDE is suggested.
    expect(name).toHaveValue("MCP - Claude Code");
    expect(name).toHaveFocus();
    await userEvent.click(screen.getByTestId("generate-ide-cursor"));
    expect(name).toHaveValue("MCP - Cursor");
    expect(screen.getByTestId("generate-environment")).toHaveValue("development");
    expect(screen.getByTestId("generate-rotation")).toHaveValue("180");
    await userEvent.click(screen.getByTestId("generate-scope-search"));
    await userEvent.selectOptions(screen.getByTestId("generate-expiry"), "90");
    await userEvent.click(screen.getByTestId("generate-submit"));

    expect(callsOf(calls, "key_generate")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      request: {
        name: "MCP - Cursor",
        environment: "development",
        scopes: ["search"],
        expiresInDays: 90,
        rotateEveryDays: 180,
      },
    });
    const reveal = await screen.findByTestId("reveal-dialog");
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent("mcp_dev_NewKey01••••…wXyZ");
    expect(reveal).not.toHaveTextContent(SECRET);
    // The table behind the dialog already has the new key.
    expect(screen.getByTestId("key-row-key_new")).toBeInTheDocument();
    // Nothing asked Rust for the key's text yet.
    expect(callsOf(calls, "reveal_show")).toHaveLength(0);
  });

  it("defaults the rotation to 90 days for production, and follows the environment", async () => {
    renderWith([], { surface_get: () => surface({ environment: "production" }) });
    await userEvent.click(await screen.findByTestId("generate-key"));

    expect(screen.getByTestId("generate-environment")).toHaveValue("production");
    expect(screen.getByTestId("generate-rotation")).toHaveValue("90");
    await userEvent.selectOptions(screen.getByTestId("generate-environment"), "development");
    expect(screen.getByTestId("generate-rotation")).toHaveValue("180");
  });

  it("sends no scopes when none is checked, meaning all capabilities, on Enter", async () => {
    const calls = renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.type(screen.getByTestId("generate-name"), "{Enter}");

    expect(callsOf(calls, "key_generate")[0]?.args["request"]).toMatchObject({
      name: "MCP - Claude Desktop",
      scopes: [],
      expiresInDays: null,
    });
  });

  it("shows the key only on Show, copies through Rust, and counts the clipboard down", async () => {
    const leaks = leakSpies();
    const calls = renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));
    await screen.findByTestId("reveal-dialog");

    await userEvent.click(screen.getByTestId("reveal-show"));
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent(SECRET);
    await userEvent.click(screen.getByTestId("reveal-hide"));
    expect(screen.getByTestId("reveal-dialog")).not.toHaveTextContent(SECRET);

    vi.useFakeTimers({ shouldAdvanceTime: true });
    await userEvent.click(screen.getByTestId("reveal-copy"));
    expect(screen.getByTestId("reveal-copied")).toHaveTextContent(
      "Copied — the clipboard clears in 45 s",
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3000);
    });
    expect(screen.getByTestId("reveal-copied")).toHaveTextContent("clears in 42 s");
    expect(callsOf(calls, "reveal_copy")[0]?.args).toEqual({ revealId: "rv_1" });
    expect(callsOf(calls, "reveal_show")[0]?.args).toEqual({ revealId: "rv_1" });

    for (const spy of leaks) {
      expect(JSON.stringify(spy.mock.calls)).not.toContain(SECRET);
    }
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(SECRET);
  });

  it("warns before closing, goes back on Escape, then zeroizes and drops the key", async () => {
    const calls = renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));
    await screen.findByTestId("reveal-dialog");
    await userEvent.click(screen.getByTestId("reveal-show"));

    // Escape asks first, like the Done button.
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("reveal-close-warning")).toHaveTextContent(
      "This key can't be shown again",
    );
    expect(callsOf(calls, "reveal_close")).toHaveLength(0);
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("reveal-dialog")).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("reveal-close"));
    await userEvent.click(screen.getByTestId("reveal-close-confirm"));

    expect(callsOf(calls, "reveal_close")[0]?.args).toEqual({ revealId: "rv_1" });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(screen.getByTestId("generate-key")).toHaveFocus();
  });

  it("keeps the form and explains the error when generating fails", async () => {
    renderWith([], {
      key_generate: () => {
        throw { code: "keyring_unavailable", message: "no secret service" };
      },
    });
    await userEvent.click(await screen.findByTestId("generate-key"));
    await userEvent.click(screen.getByTestId("generate-submit"));

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "The system keyring is unavailable",
    );
    expect(screen.getByTestId("generate-name")).toBeInTheDocument();
  });

  it("traps Tab inside the dialog", async () => {
    renderWith([]);
    await userEvent.click(await screen.findByTestId("generate-key"));
    const dialog = screen.getByRole("dialog");

    for (let i = 0; i < 25; i++) {
      await userEvent.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    await userEvent.tab({ shift: true });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });
});

describe("revoke", () => {
  it("revokes a development key after one confirmation and shows it Revoked", async () => {
    const calls = renderWith([key()], {
      key_revoke: () => key({ isActive: false, revokedAt: "2025-03-06T10:00:00Z" }),
    });
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));

    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveTextContent("Revoke “MCP - Claude Desktop”?");
    expect(screen.queryByTestId("revoke-confirm-name")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("revoke-submit"));

    expect(callsOf(calls, "key_revoke")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      keyId: "key_1",
    });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("key-status-key_1")).toHaveTextContent("Revoked");
    expect(screen.queryByTestId("key-revoke-key_1")).not.toBeInTheDocument();
  });

  it("asks for a production key's name before the button works", async () => {
    const prod = key({ environment: "production", name: "Prod bot" });
    const calls = renderWith([prod], {
      key_revoke: () => ({ ...prod, isActive: false, revokedAt: "2025-03-06T10:00:00Z" }),
    });
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));

    const submit = screen.getByTestId("revoke-submit");
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId("revoke-confirm-name"), "Prod bo{Enter}");
    expect(callsOf(calls, "key_revoke")).toHaveLength(0);
    await userEvent.type(screen.getByTestId("revoke-confirm-name"), "t");
    expect(submit).toBeEnabled();
    await userEvent.click(submit);

    expect(callsOf(calls, "key_revoke")).toHaveLength(1);
    expect(screen.getByTestId("key-status-key_1")).toHaveTextContent("Revoked");
  });

  it("explains a failure and keeps the key active", async () => {
    renderWith([key()], {
      key_revoke: () => {
        throw { code: "unreachable", message: "connection refused" };
      },
    });
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));
    await userEvent.click(screen.getByTestId("revoke-submit"));

    expect(await screen.findByTestId("error-banner")).toHaveTextContent(
      "Can't reach the local key service",
    );
    expect(screen.getByTestId("key-status-key_1")).toHaveTextContent("Active");
  });

  it("closes on Escape without revoking", async () => {
    const calls = renderWith([key()]);
    await userEvent.click(await screen.findByTestId("key-revoke-key_1"));
    await userEvent.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(callsOf(calls, "key_revoke")).toHaveLength(0);
  });
});

describe("roll", () => {
  it("rolls with the chosen grace period, then reveals the new key once", async () => {
    const oldKey = key({ expiresAt: "2099-01-01T00:00:00Z" });
    const calls = renderWith([key()], {
      key_roll: () => ({ revealId: "rv_2", key: newKey, oldKey }),
    });
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));

    expect(screen.getByTestId("roll-grace-86400")).toBeChecked();
    await userEvent.click(screen.getByTestId("roll-grace-3600"));
    await userEvent.click(screen.getByTestId("roll-submit"));

    expect(callsOf(calls, "key_roll")[0]?.args).toEqual({
      connectionId: "conn_local",
      productId: "prod_1",
      surfaceId: "surf_1",
      keyId: "key_1",
      graceSeconds: 3600,
    });
    expect(await screen.findByTestId("reveal-dialog")).toHaveTextContent("Copy the new key");
    expect(screen.getByTestId("reveal-key-text")).toHaveTextContent("mcp_dev_NewKey01••••…wXyZ");
    const table = screen.getByTestId("keys-table");
    expect(within(table).getByTestId("key-row-key_new")).toBeInTheDocument();
    expect(within(table).getByTestId("key-row-key_1")).toHaveTextContent("2099");

    await userEvent.click(screen.getByTestId("reveal-close"));
    await userEvent.click(screen.getByTestId("reveal-close-confirm"));
    expect(callsOf(calls, "reveal_close")[0]?.args).toEqual({ revealId: "rv_2" });
  });

  it("offers now, 1 hour, 24 hours and 7 days", async () => {
    renderWith([key()]);
    await userEvent.click(await screen.findByTestId("key-roll-key_1"));

    for (const seconds of [0, 3600, 86400, 604800]) {
      expect(screen.getByTestId(`roll-grace-${seconds}`)).toBeInTheDocument();
    }
  });
});
