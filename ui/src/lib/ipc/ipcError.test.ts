import { describe, expect, it } from "vitest";
import { isIpcError, toIpcError } from "./ipcError";

describe("toIpcError", () => {
  it("keeps an error from our commands as it is", () => {
    expect(toIpcError({ code: "invalid_input", message: "Name is empty." })).toEqual({
      code: "invalid_input",
      message: "Name is empty.",
    });
  });

  it("turns Tauri's bare string rejections into internal errors with that text", () => {
    expect(toIpcError("command app_info not allowed by ACL")).toEqual({
      code: "internal",
      message: "command app_info not allowed by ACL",
    });
  });

  it("turns a thrown Error into an internal error with its message", () => {
    expect(toIpcError(new TypeError("boom"))).toEqual({ code: "internal", message: "boom" });
  });

  it("does not trust an object whose code the UI does not know", () => {
    const error = toIpcError({ code: "teapot", message: "short and stout" });
    expect(error.code).toBe("internal");
  });

  it("still gives a message for a rejection that carries nothing", () => {
    expect(toIpcError(undefined).message).not.toBe("");
  });
});

describe("isIpcError", () => {
  it("accepts only {code, message} with a known code", () => {
    expect(isIpcError({ code: "internal", message: "x" })).toBe(true);
    expect(isIpcError({ code: "internal" })).toBe(false);
    expect(isIpcError("internal")).toBe(false);
    expect(isIpcError(null)).toBe(false);
  });
});
