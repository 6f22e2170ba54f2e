import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { key, product, surface } from "../test/fixtures";
import { SurfaceView } from "./SurfaceView";

describe("SurfaceView", () => {
  it("opens on the Keys tab, with the Generate button and the empty state", () => {
    render(<SurfaceView product={product} surface={surface()} />);

    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((tab) => tab.textContent)).toEqual(["Keys", "Connect", "Activity"]);
    expect(screen.getByTestId("tab-keys")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("tab-connect")).toHaveAttribute("aria-selected", "false");

    const panel = screen.getByRole("tabpanel");
    expect(panel).toHaveAccessibleName("Keys");
    expect(within(panel).getByTestId("generate-key")).toHaveTextContent("Generate API key");
    expect(within(panel).getByTestId("keys-empty")).toHaveTextContent(
      "Generate a key for each IDE or teammate",
    );
  });

  it("shows the surface's name, product, status and environment", () => {
    render(
      <SurfaceView
        product={product}
        surface={surface({ status: "inactive", environment: "production" })}
      />,
    );

    const view = screen.getByTestId("surface-view");
    expect(within(view).getByRole("heading", { level: 1 })).toHaveTextContent("Docs search");
    expect(view).toHaveTextContent("Acme tools");
    expect(view).toHaveTextContent("Inactive");
    expect(view).toHaveTextContent("Production");
  });

  it("calls onGenerateKey when Generate API key is pressed", async () => {
    const onGenerateKey = vi.fn();
    render(<SurfaceView product={product} surface={surface()} onGenerateKey={onGenerateKey} />);

    await userEvent.click(screen.getByTestId("generate-key"));

    expect(onGenerateKey).toHaveBeenCalledOnce();
  });

  it("moves between tabs with the arrow keys, Home and End, wrapping at the ends", async () => {
    const user = userEvent.setup();
    render(<SurfaceView product={product} surface={surface()} />);
    const keysTab = screen.getByTestId("tab-keys");
    const connectTab = screen.getByTestId("tab-connect");
    const activityTab = screen.getByTestId("tab-activity");

    // One tab stop: Tab lands on the selected tab, not on each of them.
    expect(keysTab).toHaveAttribute("tabindex", "0");
    expect(connectTab).toHaveAttribute("tabindex", "-1");
    await user.tab();
    expect(keysTab).toHaveFocus();

    await user.keyboard("{ArrowRight}");
    expect(connectTab).toHaveFocus();
    expect(connectTab).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel")).toHaveAccessibleName("Connect");

    await user.keyboard("{ArrowRight}");
    expect(activityTab).toHaveFocus();
    expect(screen.getByTestId("activity-empty")).toBeInTheDocument();

    await user.keyboard("{ArrowRight}");
    expect(keysTab).toHaveFocus();
    expect(keysTab).toHaveAttribute("aria-selected", "true");

    await user.keyboard("{ArrowLeft}");
    expect(activityTab).toHaveFocus();

    await user.keyboard("{Home}");
    expect(keysTab).toHaveFocus();

    await user.keyboard("{End}");
    expect(activityTab).toHaveFocus();
    expect(activityTab).toHaveAttribute("aria-selected", "true");
  });

  it("shows the MCP endpoint and an empty state on the Connect tab", async () => {
    render(<SurfaceView product={product} surface={surface()} />);

    await userEvent.click(screen.getByTestId("tab-connect"));

    const panel = screen.getByRole("tabpanel");
    expect(panel).toHaveTextContent("http://127.0.0.1:7410/v1/products/prod_1/surfaces/surf_1/mcp");
    expect(within(panel).getByTestId("connect-empty")).toBeInTheDocument();
  });

  it("lists keys by prefix and hint instead of the empty state once there are some", () => {
    const keys = [
      key(),
      key({ id: "key_2", name: "Cursor", revokedAt: "2025-03-03T10:00:00Z", isActive: false }),
    ];
    render(<SurfaceView product={product} surface={surface({ keys })} />);

    expect(screen.queryByTestId("keys-empty")).not.toBeInTheDocument();
    const rows = within(screen.getByRole("list", { name: "API keys" })).getAllByRole("listitem");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("MCP - Claude Desktop");
    expect(rows[0]).toHaveTextContent("mcp_dev_Ab3dE5gH…x9Zq");
    expect(rows[0]).toHaveTextContent("Never used");
    expect(rows[1]).toHaveTextContent("Revoked");
  });
});
