import type { Environment } from "../bindings/Environment";
import type { KeyMetadata } from "../bindings/KeyMetadata";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The rotation period a new key gets unless the user picks another: production keys rotate sooner. */
export function defaultRotationDays(environment: Environment): number {
  return environment === "production" ? 90 : 180;
}

/**
 * When a key is due for rotation. KeyMetadata carries no rotation policy (the
 * app's store keeps policies), so this assumes the environment's default
 * period, counted from the key's creation.
 */
export function rotationDueAt(key: KeyMetadata): Date {
  return new Date(Date.parse(key.createdAt) + defaultRotationDays(key.environment) * DAY_MS);
}
