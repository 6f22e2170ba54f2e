import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callsOf, fakeInvoke } from "../test/fakeInvoke";
import { surface } from "../test/fixtures";
import { AuthModeSetting } from "./AuthModeSetting";

vi.mock("@tauri-apps/api/core");

afterEach(cleanup);

const surfaceRef = { connectionId: "conn_local", productId: "prod_1", surfaceId: "surf_1" };

describe("AuthModeSetting", () => {
  it("shows the surface's mode, each with what it means", () => {
    fakeInvoke({});
    render(
      <AuthModeSetting surfaceRef={surfaceRef} surface={surface()} onSurfaceChanged={() => {}} />,
    );

    expect(screen.getByTestId("auth-mode-api_key")).toBeChecked();
    const setting = screen.getByTestId("auth-mode");
    expect(setting).toHaveTextContent(/clients authorize in the browser and you approve each/i);
    expect(setting).toHaveTextContent("advertises no OAuth");
  });

  it("saves the mode chosen and hands back the surface", async () => {
    const calls = fakeInvoke({
      surface_set_auth_mode: () => surface({ authMode: "oauth" }),
    });
    const changed = vi.fn();
    render(
      <AuthModeSetting surfaceRef={surfaceRef} surface={surface()} onSurfaceChanged={changed} />,
    );

    await userEvent.click(screen.getByTestId("auth-mode-oauth"));

    await waitFor(() => expect(changed).toHaveBeenCalled());
    expect(changed.mock.calls[0]?.[0]).toMatchObject({ authMode: "oauth" });
    expect(callsOf(calls, "surface_set_auth_mode")[0]?.args).toEqual({
      ...surfaceRef,
      authMode: "oauth",
    });
  });

  it("explains a refusal and keeps the mode the surface has", async () => {
    fakeInvoke({
      surface_set_auth_mode: () => {
        throw { code: "unreachable", message: "connection refused" };
      },
    });
    render(
      <AuthModeSetting surfaceRef={surfaceRef} surface={surface()} onSurfaceChanged={() => {}} />,
    );

    await userEvent.click(screen.getByTestId("auth-mode-both"));

    expect(await screen.findByRole("alert")).toBeInTheDocument();
    expect(screen.getByTestId("auth-mode-api_key")).toBeChecked();
  });
});
