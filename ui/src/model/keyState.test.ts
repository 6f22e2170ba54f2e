import { describe, expect, it } from "vitest";
import { key } from "../test/fixtures";
import { keyState } from "./keyState";

const now = new Date("2025-06-01T00:00:00Z");

describe("keyState", () => {
  it("calls a key without revocation or expiry active", () => {
    expect(keyState(key(), now)).toBe("active");
  });

  it("calls a key past its expiry expired", () => {
    expect(keyState(key({ expiresAt: "2025-05-31T23:59:59Z" }), now)).toBe("expired");
  });

  it("calls a revoked key revoked even when it has also expired", () => {
    const revoked = key({
      isActive: false,
      revokedAt: "2025-05-01T00:00:00Z",
      expiresAt: "2025-05-02T00:00:00Z",
    });
    expect(keyState(revoked, now)).toBe("revoked");
  });
});
