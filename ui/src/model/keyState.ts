import type { KeyMetadata } from "../bindings/KeyMetadata";

/** Whether a key still opens its surface, and if not, why. */
export type KeyState = "active" | "revoked" | "expired";

/** A revoked key stays revoked; otherwise a key past its `expiresAt` is expired. */
export function keyState(key: KeyMetadata, now: Date): KeyState {
  if (key.revokedAt !== null || !key.isActive) {
    return "revoked";
  }
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) {
    return "expired";
  }
  return "active";
}
