import { describe, expect, it } from "vitest";
import { explainError, isIpcError, toIpcError } from "./ipcError";

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

describe("explainError", () => {
  it("says a server can't be reached, naming it", () => {
    const { summary, detail } = explainError(
      { code: "unreachable", message: "connection refused" },
      { server: "https://keys.example.com" },
    );
    expect(summary).toBe(
      "Can't reach https://keys.example.com. Check that it is running and that its address is right, then try again.",
    );
    expect(detail).toBe("connection refused");
  });

  it("gives the retry time of a rate limit from Rust's number, never from the words", () => {
    expect(
      explainError({ code: "rate_limited", message: "slow down", retryAfterSeconds: 30 }).summary,
    ).toContain("Try again in 30 s.");
    expect(explainError({ code: "rate_limited", message: "retry in 7 s" }).summary).toContain(
      "Wait a moment",
    );
  });

  it("says what to do by the way the keyring failed", () => {
    expect(
      explainError({ code: "keyring_unavailable", message: "m", keyring: "locked" }).summary,
    ).toContain("locked");
    expect(
      explainError({ code: "keyring_unavailable", message: "m", keyring: "unavailable" }).summary,
    ).toContain("Start GNOME Keyring");
    expect(explainError({ code: "keyring_unavailable", message: "m" }).summary).toContain(
      "Unlock your keyring",
    );
  });

  it("has words for every code, and shows invalid input's own message as the summary", () => {
    for (const code of [
      "invalid_input",
      "not_found",
      "no_connection",
      "no_token",
      "unreachable",
      "token_rejected",
      "rate_limited",
      "server_error",
      "keyring_unavailable",
      "conflict",
      "unsupported",
      "internal",
    ] as const) {
      expect(explainError({ code, message: "m" }).summary.length).toBeGreaterThan(0);
    }
    expect(explainError({ code: "invalid_input", message: "Name is empty." })).toEqual({
      summary: "Name is empty.",
      detail: null,
    });
  });

  it("keeps the wait and the keyring's way of failing, and drops what it does not know", () => {
    expect(
      toIpcError({ code: "rate_limited", message: "x", retryAfterSeconds: 4, extra: 1 }),
    ).toEqual({ code: "rate_limited", message: "x", retryAfterSeconds: 4 });
    expect(toIpcError({ code: "keyring_unavailable", message: "x", keyring: "teapot" })).toEqual({
      code: "keyring_unavailable",
      message: "x",
    });
  });
});
