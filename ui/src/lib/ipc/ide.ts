import type { ConnectSnippets } from "../../bindings/ConnectSnippets";
import type { IdeDoctor } from "../../bindings/IdeDoctor";
import type { IdeScan } from "../../bindings/IdeScan";
import type { KnownClient } from "../../bindings/KnownClient";
import { invokeCommand } from "./invoke";

/**
 * Which IDE config holds which key: the clients' global configs under the
 * user's home, plus those of `projects`. Rust also keeps the result for
 * "Used by" and the revoke dialog.
 */
export function scanIdes(projects: readonly string[]): Promise<IdeScan> {
  return invokeCommand<IdeScan>("ide_scan", { projects });
}

/** Why a client would be refused, leaks and unusable files, each with its fix. */
export function doctorIdes(projects: readonly string[]): Promise<IdeDoctor> {
  return invokeCommand<IdeDoctor>("ide_doctor", { projects });
}

/**
 * The one-click fix of `plaintext_key_not_gitignored`: adds the config to its
 * work tree's `.gitignore`. Resolves with the `.gitignore` written.
 */
export function ignoreIdeConfig(configPath: string): Promise<string> {
  return invokeCommand<string>("ide_fix", { configPath });
}

/** Every client MCP Keys knows (IDEs and agents), with its display name, in a stable order. */
export function ideClients(): Promise<KnownClient[]> {
  return invokeCommand<KnownClient[]>("ide_clients");
}

/**
 * A ready-to-paste config per client for a surface's MCP endpoint, written in
 * each client's own format with a placeholder where the key goes.
 */
export function ideSnippets(surface: { name: string; url: string }): Promise<ConnectSnippets> {
  return invokeCommand<ConnectSnippets>("ide_snippets", {
    surfaceName: surface.name,
    url: surface.url,
  });
}
