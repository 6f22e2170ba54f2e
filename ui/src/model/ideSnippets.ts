import { IDES, type Ide } from "./ides";

/** The stand-in for a key in a snippet: the key itself never goes into one. */
export const KEY_PLACEHOLDER = "YOUR_API_KEY";

/** The variable Codex reads the key from (it refuses a token written in its config). */
export const CODEX_KEY_VARIABLE = "MCP_KEYS_API_KEY";

/** A ready-to-paste config for one IDE, in that IDE's own file format. */
export type ConfigSnippet = {
  ide: Ide;
  /** Where it goes, as the IDE documents it. */
  where: string;
  language: "json" | "yaml" | "toml" | "shell";
  text: string;
};

/** The surface's name as a config key: lowercase words joined by dashes ("docs-search"). */
export function serverKey(surfaceName: string): string {
  const slug = surfaceName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "mcp-keys";
}

const bearer = `Bearer ${KEY_PLACEHOLDER}`;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

type Build = (name: string, url: string) => Pick<ConfigSnippet, "where" | "language" | "text">;

const builders: Record<Ide["slug"], Build> = {
  // Claude Desktop speaks stdio only; mcp-remote bridges it to Streamable HTTP.
  "claude-desktop": (name, url) => ({
    where: "claude_desktop_config.json",
    language: "json",
    text: json({
      mcpServers: {
        [name]: {
          command: "npx",
          args: ["-y", "mcp-remote", url, "--header", `Authorization: ${bearer}`],
        },
      },
    }),
  }),
  "claude-code": (name, url) => ({
    where: "Terminal",
    language: "shell",
    text: `claude mcp add --transport http ${name} ${url} --header "Authorization: ${bearer}"`,
  }),
  cursor: (name, url) => ({
    where: "~/.cursor/mcp.json",
    language: "json",
    text: json({ mcpServers: { [name]: { url, headers: { Authorization: bearer } } } }),
  }),
  vscode: (name, url) => ({
    where: ".vscode/mcp.json",
    language: "json",
    text: json({
      servers: { [name]: { type: "http", url, headers: { Authorization: bearer } } },
    }),
  }),
  windsurf: (name, url) => ({
    where: "~/.codeium/windsurf/mcp_config.json",
    language: "json",
    text: json({ mcpServers: { [name]: { serverUrl: url, headers: { Authorization: bearer } } } }),
  }),
  zed: (name, url) => ({
    where: "Zed settings.json",
    language: "json",
    text: json({ context_servers: { [name]: { url, headers: { Authorization: bearer } } } }),
  }),
  cline: (name, url) => ({
    where: "cline_mcp_settings.json",
    language: "json",
    text: json({
      mcpServers: {
        [name]: {
          type: "streamableHttp",
          url,
          headers: { Authorization: bearer },
          disabled: false,
        },
      },
    }),
  }),
  continue: (name, url) => ({
    where: "~/.continue/config.yaml",
    language: "yaml",
    text: [
      "mcpServers:",
      `  - name: ${name}`,
      "    type: streamable-http",
      `    url: ${url}`,
      "    requestOptions:",
      "      headers:",
      `        Authorization: ${bearer}`,
      "",
    ].join("\n"),
  }),
  "gemini-cli": (name, url) => ({
    where: "~/.gemini/settings.json",
    language: "json",
    text: json({ mcpServers: { [name]: { httpUrl: url, headers: { Authorization: bearer } } } }),
  }),
  codex: (name, url) => ({
    where: "~/.codex/config.toml",
    language: "toml",
    text: [
      `# export ${CODEX_KEY_VARIABLE}=${KEY_PLACEHOLDER}`,
      `[mcp_servers.${name}]`,
      `url = "${url}"`,
      `bearer_token_env_var = "${CODEX_KEY_VARIABLE}"`,
      "",
    ].join("\n"),
  }),
};

/** One snippet per known IDE for a surface's MCP endpoint, with the key as a placeholder. */
export function configSnippets(surface: { name: string; url: string }): ConfigSnippet[] {
  const name = serverKey(surface.name);
  return IDES.map((ide) => ({ ide, ...builders[ide.slug](name, surface.url) }));
}
