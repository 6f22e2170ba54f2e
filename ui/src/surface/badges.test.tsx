import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { EnvironmentBadge } from "./EnvironmentBadge";
import { StatusBadge } from "./StatusBadge";

describe("surface badges", () => {
  it("labels an active surface Active, in the success tone", () => {
    render(<StatusBadge status="active" />);
    expect(screen.getByText("Active")).toHaveClass("badge", "badge--success");
  });

  it("labels an inactive surface Inactive, in the neutral tone", () => {
    render(<StatusBadge status="inactive" />);
    expect(screen.getByText("Inactive")).toHaveClass("badge", "badge--neutral");
  });

  it("labels development Development, in the info tone", () => {
    render(<EnvironmentBadge environment="development" />);
    expect(screen.getByText("Development")).toHaveClass("badge", "badge--info");
  });

  it("labels production Production, in the warning tone", () => {
    render(<EnvironmentBadge environment="production" />);
    expect(screen.getByText("Production")).toHaveClass("badge", "badge--warning");
  });
});
