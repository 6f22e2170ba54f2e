import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { appInfo, surface, workspaceWith } from "../test/fixtures";
import { AppShell } from "./AppShell";

describe("AppShell", () => {
  it("nests products and surfaces with their badges under the connection", () => {
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    const local = screen.getByTestId("connection-local");
    expect(local).toHaveTextContent("Acme tools");
    const link = within(local).getByTestId("surface-surf_1");
    expect(link).toHaveTextContent("Docs search");
    expect(link).toHaveTextContent("Active");
    expect(link).toHaveTextContent("Development");
  });

  it("asks to pick a surface while surfaces exist but none is selected", () => {
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Pick a surface");
    expect(screen.queryByTestId("workspace-empty")).not.toBeInTheDocument();
  });

  it("opens the surface view for the surface chosen in the sidebar", async () => {
    render(<AppShell appInfo={appInfo} workspace={workspaceWith([surface()])} />);

    const link = screen.getByTestId("surface-surf_1");
    await userEvent.click(link);

    const view = within(screen.getByTestId("main")).getByTestId("surface-view");
    expect(within(view).getByRole("heading", { level: 1 })).toHaveTextContent("Docs search");
    expect(link).toHaveAttribute("aria-current", "page");
  });
});
