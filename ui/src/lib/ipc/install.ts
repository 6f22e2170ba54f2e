import type { ClientId } from "../../bindings/ClientId";
import type { InstallTargets } from "../../bindings/InstallTargets";
import type { KeyInstall } from "../../bindings/KeyInstall";
import type { Via } from "../../bindings/Via";
import { invokeCommand } from "./invoke";
import type { SurfaceRef } from "./keys";

/*
 * "Install into…": a new key goes from Rust's reveal store into a keyring
 * slot, and the client's config names the slot. The key's text never
 * passes through here.
 */

/** Every client a key can be installed into, whether it is on this machine, and how it can take a key. */
export function installTargets(): Promise<InstallTargets> {
  return invokeCommand<InstallTargets>("install_targets");
}

/** Where one install goes: a client, its mechanism, and a project folder or the user's config. */
export type InstallChoice = {
  client: ClientId;
  /** `null`: the client's best mechanism. */
  via: Via | null;
  /** An absolute folder for a project install; `null` for the user's config. */
  project: string | null;
};

/** Installs the key of an open reveal into a client; resolves with what was written where. */
export function installRevealedKey(
  revealId: string,
  surface: SurfaceRef,
  { client, via, project }: InstallChoice,
): Promise<KeyInstall> {
  return invokeCommand<KeyInstall>("reveal_install", {
    revealId,
    ...surface,
    client,
    via,
    project,
  });
}
