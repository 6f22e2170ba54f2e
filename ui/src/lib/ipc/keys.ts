import type { GenerateKeyRequest, KeyMetadata, Reveal, RollOutcome } from "../../model/workspace";
import { invokeCommand } from "./invoke";

/** Where a key lives: the ids every key command takes. */
export type SurfaceRef = {
  connectionId: string;
  productId: string;
  surfaceId: string;
};

/** Makes a key. Its text stays in Rust; the answer is a handle for the copy-once reveal. */
export function generateKey(surface: SurfaceRef, request: GenerateKeyRequest): Promise<Reveal> {
  return invokeCommand<Reveal>("key_generate", { ...surface, request });
}

/** Revokes a key at once; resolves with its metadata, now revoked. */
export function revokeKey(surface: SurfaceRef, keyId: string): Promise<KeyMetadata> {
  return invokeCommand<KeyMetadata>("key_revoke", { ...surface, keyId });
}

/** Replaces a key by a new one with the same settings; the old one works `graceSeconds` longer. */
export function rollKey(
  surface: SurfaceRef,
  keyId: string,
  graceSeconds: number,
): Promise<RollOutcome> {
  return invokeCommand<RollOutcome>("key_roll", { ...surface, keyId, graceSeconds });
}
