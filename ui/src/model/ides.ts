import type { ClientId } from "../bindings/ClientId";

/** The AI IDEs and agents MCP Keys knows, with the slug DESIGN §5 uses for them. */
export const IDES = [
  { slug: "claude-desktop", name: "Claude Desktop" },
  { slug: "claude-code", name: "Claude Code" },
  { slug: "cursor", name: "Cursor" },
  { slug: "vscode", name: "VS Code" },
  { slug: "windsurf", name: "Windsurf" },
  { slug: "zed", name: "Zed" },
  { slug: "cline", name: "Cline" },
  { slug: "continue", name: "Continue" },
  { slug: "gemini-cli", name: "Gemini CLI" },
  { slug: "codex", name: "Codex" },
] as const;

export type Ide = (typeof IDES)[number];

/** The key name suggested for an IDE: one key per client, so each can be revoked alone. */
export function suggestedKeyName(ide: Ide): string {
  return `MCP - ${ide.name}`;
}

/** The first IDE that has no key named for it yet (`MCP - Claude Desktop` first), by key name. */
export function nextSuggestedName(existingNames: readonly string[]): string {
  const taken = new Set(existingNames);
  const free = IDES.find((ide) => !taken.has(suggestedKeyName(ide))) ?? IDES[0];
  return suggestedKeyName(free);
}

/**
 * Every client a scan may report (DESIGN §5 `client`), as people call it: the
 * IDEs above, and the agents MCP Keys finds configs of but makes no snippet for.
 */
const CLIENT_NAMES: Record<ClientId, string> = {
  ...(Object.fromEntries(IDES.map(({ slug, name }) => [slug, name])) as Record<
    Ide["slug"],
    string
  >),
  "copilot-cli": "Copilot CLI",
};

/** A scanned client's display name ("Cursor" for `cursor`). */
export function clientName(client: ClientId): string {
  return CLIENT_NAMES[client];
}
