import { invoke, isTauri } from "@tauri-apps/api/core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { askEarly, firstAppInfo, firstWorkspace, settleEarly } from "./startup";

vi.mock("@tauri-apps/api/core");

const invokeMock = vi.mocked(invoke);
const appInfo = {
  name: "MCP Keys",
  version: "0.1.0",
  build: "0123456789ab 2026-12-05",
  localServiceUrl: "http://127.0.0.1:7410",
};
const workspace = { connections: [], localError: null, keyringError: null, opened: null };

/** Answers `app_info` and `workspace_load` with `answers`, counting the calls. */
function answer(answers: Record<string, () => Promise<unknown>>) {
  invokeMock.mockReset().mockImplementation((command: string) => {
    const reply = answers[command];
    return reply ? reply() : Promise.reject(new Error(`unexpected ${command}`));
  });
}

describe("the first screen's early questions", () => {
  beforeEach(() => {
    vi.mocked(isTauri).mockReturnValue(true);
    answer({
      app_info: () => Promise.resolve(appInfo),
      workspace_load: () => Promise.resolve(workspace),
    });
  });

  it("asks both at once and hands the answers to the first frame, once", async () => {
    askEarly();
    expect(invokeMock.mock.calls.map(([command]) => command)).toEqual([
      "app_info",
      "workspace_load",
    ]);

    await expect(settleEarly(1_000)).resolves.toEqual({ appInfo, workspace });
    // Handed out: a later load (a retry, a reload) asks again.
    await firstWorkspace();
    await firstAppInfo();
    expect(invokeMock).toHaveBeenCalledTimes(4);
  });

  it("leaves a late answer to the components, which take it instead of asking again", async () => {
    let answerWorkspace: (tree: typeof workspace) => void = () => {};
    answer({
      app_info: () => Promise.resolve(appInfo),
      workspace_load: () =>
        new Promise((resolve) => {
          answerWorkspace = resolve;
        }),
    });
    askEarly();

    await expect(settleEarly(10)).resolves.toEqual({});
    const taken = firstWorkspace();
    answerWorkspace(workspace);
    await expect(taken).resolves.toEqual(workspace);
    await expect(firstAppInfo()).resolves.toEqual(appInfo);
    expect(invokeMock).toHaveBeenCalledTimes(2);
  });

  it("leaves a failure to the component that shows it", async () => {
    answer({
      app_info: () => Promise.resolve(appInfo),
      workspace_load: () =>
        Promise.reject({ code: "internal", message: "MCP Keys could not start." }),
    });
    askEarly();

    await expect(settleEarly(1_000)).resolves.toEqual({ appInfo });
    await expect(firstWorkspace()).rejects.toEqual({
      code: "internal",
      message: "MCP Keys could not start.",
    });
  });
});
