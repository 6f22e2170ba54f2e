import { invoke, isTauri } from "@tauri-apps/api/core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { MARK_PREFIX } from "../marks";
import { invokeCommand } from "./invoke";

vi.mock("@tauri-apps/api/core");

const invokeMock = vi.mocked(invoke);
const isTauriMock = vi.mocked(isTauri);

describe("invokeCommand", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    isTauriMock.mockReset().mockReturnValue(true);
  });

  it("passes the command and its arguments through and resolves with the result", async () => {
    invokeMock.mockResolvedValue({ ok: 1 });

    await expect(invokeCommand("app_info", { a: 1 })).resolves.toEqual({ ok: 1 });
    expect(invokeMock).toHaveBeenCalledWith("app_info", { a: 1 });
  });

  it("rejects with the command's own IpcError", async () => {
    invokeMock.mockRejectedValue({ code: "invalid_input", message: "Name is empty." });

    await expect(invokeCommand("app_info")).rejects.toEqual({
      code: "invalid_input",
      message: "Name is empty.",
    });
  });

  it("says in words that it needs the desktop app when there is no IPC bridge", async () => {
    isTauriMock.mockReturnValue(false);
    invokeMock.mockRejectedValue(new TypeError("Cannot read properties of undefined"));

    await expect(invokeCommand("app_info")).rejects.toEqual({
      code: "internal",
      message: expect.stringContaining("desktop app") as unknown,
    });
  });

  it("marks when a command is first asked and answered, and only the first time", async () => {
    invokeMock.mockResolvedValue(null);

    await invokeCommand("surface_get");
    await invokeCommand("surface_get");

    const marks = performance
      .getEntriesByType("mark")
      .map((mark) => mark.name)
      .filter((name) => name.startsWith(`${MARK_PREFIX}surface_get`));
    expect(marks).toEqual([
      `${MARK_PREFIX}surface_get asked`,
      `${MARK_PREFIX}surface_get answered`,
    ]);
  });
});
