import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeInvoke } from "../test/fakeInvoke";
import { SlotRefills } from "./SlotRefills";

vi.mock("@tauri-apps/api/core");
vi.mock("@tauri-apps/api/event");

afterEach(async () => {
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0));
});

describe("the keyring slots of a rolled key", () => {
  it("say what each installed client needs, and which slot kept the old key", async () => {
    fakeInvoke({ known_clients: () => [{ id: "claude-code", name: "Claude Code" }] });
    render(
      <SlotRefills
        slots={[
          {
            slot: "claude-code-docs",
            client: "claude-code",
            via: "helper",
            afterRoll: "reconnect",
            error: null,
          },
          {
            slot: "cursor-docs",
            client: null,
            via: null,
            afterRoll: null,
            error: "the OS keyring is locked",
          },
        ]}
      />,
    );
    expect(
      await screen.findByText(
        "claude-code-docs holds the new key: Claude Code uses it at its next connection.",
      ),
    ).toBeTruthy();
    expect(screen.getByTestId("roll-slot-cursor-docs").textContent).toBe(
      "cursor-docs still holds the old key: the OS keyring is locked",
    );
  });

  it("is not shown when no slot held the key", () => {
    fakeInvoke({ known_clients: () => [] });
    render(<SlotRefills slots={[]} />);
    expect(screen.queryByTestId("roll-slots")).toBeNull();
  });
});
