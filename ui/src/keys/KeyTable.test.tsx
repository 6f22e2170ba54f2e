import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { formatDate } from "../lib/formatDate";
import { key, manyKeys } from "../test/fixtures";
import { KeyTable, ROW_HEIGHT } from "./KeyTable";

const now = new Date("2025-06-01T00:00:00Z");

function renderTable(keys = manyKeys(3), rotationDue: Record<string, string | null> = {}) {
  const onRoll = vi.fn();
  const onRevoke = vi.fn();
  render(
    <KeyTable
      keys={keys}
      rotationDue={rotationDue}
      now={now}
      onRoll={onRoll}
      onRevoke={onRevoke}
    />,
  );
  return { onRoll, onRevoke };
}

function bodyRows() {
  return screen.getAllByTestId(/^key-row-/);
}

describe("KeyTable", () => {
  it("renders only a window of rows for 10,000 keys, and moves it on scroll", () => {
    renderTable(manyKeys(10_000));

    const table = screen.getByTestId("keys-table");
    // Screen readers still learn the full size.
    expect(table).toHaveAttribute("aria-rowcount", "10001");
    const firstWindow = bodyRows();
    expect(firstWindow.length).toBeGreaterThan(5);
    expect(firstWindow.length).toBeLessThan(60);
    // Newest first by default.
    expect(firstWindow[0]).toHaveAttribute("data-testid", "key-row-key_9999");
    expect(screen.getByTestId("keys-count")).toHaveTextContent("10000 keys");

    const scroller = screen.getByTestId("keys-table-scroll");
    scroller.scrollTop = 5_000 * ROW_HEIGHT;
    fireEvent.scroll(scroller);

    const secondWindow = bodyRows();
    expect(secondWindow.length).toBeLessThan(60);
    expect(screen.queryByTestId("key-row-key_9999")).not.toBeInTheDocument();
    expect(screen.getByTestId("key-row-key_4999")).toBeInTheDocument();
  });

  it("sorts by a column header, toggling the direction, and says so with aria-sort", async () => {
    renderTable([
      key({ id: "b", name: "Bravo" }),
      key({ id: "a", name: "alpha" }),
      key({ id: "c", name: "Charlie" }),
    ]);
    const nameHeader = screen.getByRole("columnheader", { name: /Name/ });
    expect(nameHeader).toHaveAttribute("aria-sort", "none");
    expect(screen.getByRole("columnheader", { name: /Created/ })).toHaveAttribute(
      "aria-sort",
      "descending",
    );

    await userEvent.click(screen.getByTestId("keys-sort-name"));
    expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
    expect(bodyRows().map((r) => r.dataset["testid"])).toEqual([
      "key-row-a",
      "key-row-b",
      "key-row-c",
    ]);

    await userEvent.click(screen.getByTestId("keys-sort-name"));
    expect(nameHeader).toHaveAttribute("aria-sort", "descending");
    expect(bodyRows()[0]).toHaveAttribute("data-testid", "key-row-c");
  });

  it("filters by text, status and environment, and says when nothing matches", async () => {
    renderTable([
      key({ id: "k1", name: "Cursor laptop", lastUsedClient: "cursor-vscode" }),
      key({ id: "k2", name: "Zed", revokedAt: "2025-05-01T00:00:00Z", isActive: false }),
      key({
        id: "k3",
        name: "Prod bot",
        environment: "production",
        keyPrefix: "mcp_prod_Q1w2E3r4",
      }),
    ]);

    await userEvent.type(screen.getByTestId("keys-filter"), "CURSOR");
    expect(bodyRows().map((r) => r.dataset["testid"])).toEqual(["key-row-k1"]);
    expect(screen.getByTestId("keys-count")).toHaveTextContent("1 of 3 keys");

    await userEvent.clear(screen.getByTestId("keys-filter"));
    await userEvent.selectOptions(screen.getByTestId("keys-status-filter"), "revoked");
    expect(bodyRows().map((r) => r.dataset["testid"])).toEqual(["key-row-k2"]);

    await userEvent.selectOptions(screen.getByTestId("keys-status-filter"), "all");
    await userEvent.selectOptions(screen.getByTestId("keys-environment-filter"), "production");
    expect(bodyRows().map((r) => r.dataset["testid"])).toEqual(["key-row-k3"]);

    await userEvent.type(screen.getByTestId("keys-filter"), "nothing like it");
    expect(screen.getByTestId("keys-no-match")).toBeInTheDocument();
  });

  it("shows every column a key has, and the client that used it last", () => {
    renderTable(
      [
        key({
          scopes: ["search", "fetch"],
          expiresAt: "2025-09-01T00:00:00Z",
          lastUsedAt: "2025-05-30T00:00:00Z",
          lastUsedClient: "claude-ai",
        }),
      ],
      { key_1: "2025-08-29T10:00:00Z" },
    );

    const row = screen.getByTestId("key-row-key_1");
    expect(row).toHaveTextContent("MCP - Claude Desktop");
    expect(row).toHaveTextContent("mcp_dev_Ab3dE5gH…x9Zq");
    expect(row).toHaveTextContent("Development");
    expect(row).toHaveTextContent("search, fetch");
    expect(row).toHaveTextContent("by claude-ai");
    expect(within(row).getByTestId("key-status-key_1")).toHaveTextContent("Active");
    // When Rust says it is due for rotation.
    expect(row).toHaveTextContent(
      new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(
        new Date("2025-08-29T10:00:00Z"),
      ),
    );
  });

  it("offers Roll and Revoke on active keys only, and hands the key over", async () => {
    const { onRoll, onRevoke } = renderTable([
      key({ id: "live" }),
      key({ id: "gone", isActive: false, revokedAt: "2025-05-01T00:00:00Z" }),
    ]);

    expect(screen.queryByTestId("key-roll-gone")).not.toBeInTheDocument();
    expect(screen.queryByTestId("key-revoke-gone")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("key-roll-live"));
    await userEvent.click(screen.getByTestId("key-revoke-live"));

    expect(onRoll).toHaveBeenCalledWith(expect.objectContaining({ id: "live" }));
    expect(onRevoke).toHaveBeenCalledWith(expect.objectContaining({ id: "live" }));
  });

  it("says which IDE clients use each key, and nothing while that is unknown", () => {
    const keys = [key({ id: "k1" }), key({ id: "k2" })];
    const usedBy = (k: { id: string }) => (k.id === "k1" ? ["Claude Code", "Cursor"] : []);
    const { rerender } = render(
      <KeyTable
        keys={keys}
        rotationDue={{}}
        now={now}
        usedBy={usedBy}
        onRoll={vi.fn()}
        onRevoke={vi.fn()}
      />,
    );

    expect(screen.getByRole("columnheader", { name: "Used by" })).toBeInTheDocument();
    expect(screen.getByTestId("key-used-by-k1")).toHaveTextContent("Claude Code, Cursor");
    expect(screen.getByTestId("key-used-by-k1")).toHaveAttribute("title", "Claude Code, Cursor");
    expect(screen.getByTestId("key-used-by-k2")).toHaveTextContent("—");

    // Without a scan (it failed, or is still running) the cells stay blank.
    rerender(
      <KeyTable keys={keys} rotationDue={{}} now={now} onRoll={vi.fn()} onRevoke={vi.fn()} />,
    );
    expect(screen.getByTestId("key-used-by-k1")).toHaveTextContent(/^$/);
  });

  it("shows when each key is due for rotation as Rust says, Never for a key never rotated", () => {
    const keys = [key({ id: "k1" }), key({ id: "k2" }), key({ id: "k3" })];
    render(
      <KeyTable
        keys={keys}
        rotationDue={{ k1: "2025-08-30T00:00:00Z", k2: null }}
        now={now}
        onRoll={vi.fn()}
        onRevoke={vi.fn()}
      />,
    );

    const due = (id: string) => screen.getByTestId(`key-rotation-${id}`);
    expect(due("k1")).toHaveTextContent(formatDate("2025-08-30T00:00:00Z"));
    expect(due("k2")).toHaveTextContent("Never");
    // A key made a moment ago, before Rust said: not known yet.
    expect(due("k3")).toHaveTextContent("—");
  });
});
