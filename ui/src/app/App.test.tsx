import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import { getAppInfo } from "../lib/ipc/app";
import { appInfo } from "../test/fixtures";
import { App } from "./App";

vi.mock("../lib/ipc/app");

const getAppInfoMock = vi.mocked(getAppInfo);

/** A promise the test settles when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("App", () => {
  beforeEach(() => {
    getAppInfoMock.mockReset();
  });

  it("shows a loading state until app_info answers", () => {
    getAppInfoMock.mockReturnValue(deferred<AppInfo>().promise);
    render(<App />);

    expect(screen.getByTestId("app-loading")).toHaveTextContent("Starting MCP Keys");
    expect(screen.queryByTestId("app-shell")).not.toBeInTheDocument();
  });

  it("shows the sidebar with This computer and the welcome once app_info resolves", async () => {
    getAppInfoMock.mockResolvedValue(appInfo);
    render(<App />);

    const shell = await screen.findByTestId("app-shell");
    const sidebar = within(shell).getByTestId("sidebar");
    const local = within(sidebar).getByTestId("connection-local");
    expect(local).toHaveTextContent("This computer");
    // The subtitle is where the embedded key service listens, as app_info reports it.
    expect(local).toHaveTextContent("http://127.0.0.1:7410");
    expect(local).toHaveTextContent("No products yet");
    expect(within(sidebar).getByTestId("app-version")).toHaveTextContent("0.1.0");

    const main = within(shell).getByTestId("main");
    expect(within(main).getByTestId("workspace-empty")).toHaveTextContent(
      "Create your first surface",
    );
    expect(within(main).getByRole("heading", { level: 1 })).toHaveTextContent(
      "Create your first surface",
    );
    expect(screen.queryByTestId("surface-view")).not.toBeInTheDocument();
    expect(screen.queryByTestId("app-loading")).not.toBeInTheDocument();
  });

  it("shows the error's message when app_info fails, and no shell", async () => {
    getAppInfoMock.mockRejectedValue({ code: "internal", message: "The store is locked." });
    render(<App />);

    const error = await screen.findByRole("alert");
    expect(error).toHaveAttribute("data-testid", "app-error");
    expect(screen.getByTestId("app-error-message")).toHaveTextContent("The store is locked.");
    expect(screen.queryByTestId("app-shell")).not.toBeInTheDocument();
  });

  it("asks again on Try again and shows the shell when the second call succeeds", async () => {
    getAppInfoMock
      .mockRejectedValueOnce({ code: "internal", message: "Not ready." })
      .mockResolvedValueOnce(appInfo);
    render(<App />);

    await userEvent.click(await screen.findByRole("button", { name: "Try again" }));

    expect(await screen.findByTestId("app-shell")).toBeInTheDocument();
    expect(getAppInfoMock).toHaveBeenCalledTimes(2);
  });
});
