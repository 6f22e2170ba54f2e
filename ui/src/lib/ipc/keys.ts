import type { GenerateKey } from "../../bindings/GenerateKey";
import type { KeyMetadata } from "../../bindings/KeyMetadata";
import type { Reveal } from "../../bindings/Reveal";
import type { RollOutcome } from "../../bindings/RollOutcome";
import { invokeCommand } from "./invoke";

/** Where a key lives: the ids every key command takes. */
export type SurfaceRef = {
  connectionId: string;
  productId: string;
  surfaceId: string;
};

/** Makes a key. Its text stays in Rust; the answer is a handle for the copy-once reveal. */
export function generateKey(surface: SurfaceRef, request: GenerateKey): Promise<Reveal> {
  return invokeCommand<Reveal>("key_generate", { ...surface, request });
}

/** Revokes a key at once; resolves with its metadata, now revoked. */
export function revokeKey(surface: SurfaceRef, keyId: string): Promise<KeyMetadata> {
  return invokeCommand<KeyMetadata>("key_revoke", { ...surface, keyId });
}

/** What a roll does besides the roll itself. */
export type RollOptions = {
  /** Write the new key into every IDE config that held the old one, then verify it. */
  updateConfigs: boolean;
  /** The project folders whose configs are updated too, besides the home folder's. */
  projects: readonly string[];
};

/** Replaces a key by a new one with the same settings; the old one works `graceSeconds` longer. */
export function rollKey(
  surface: SurfaceRef,
  keyId: string,
  graceSeconds: number,
  { updateConfigs, projects }: RollOptions,
): Promise<RollOutcome> {
  return invokeCommand<RollOutcome>("key_roll", {
    ...surface,
    keyId,
    graceSeconds,
    updateConfigs,
    projects,
  });
}
