import { describe, expect, it } from "vitest";
import { configSnippets, KEY_PLACEHOLDER, serverKey } from "./ideSnippets";

const surface = { name: "Docs search", url: "http://127.0.0.1:7410/v1/products/p/surfaces/s/mcp" };

describe("configSnippets", () => {
  const snippets = configSnippets(surface);
  const bySlug = (slug: string) => {
    const snippet = snippets.find((s) => s.ide.slug === slug);
    if (!snippet) {
      throw new Error(`no snippet for ${slug}`);
    }
    return snippet;
  };

  it("has one snippet per IDE, each with the surface's URL and only the placeholder key", () => {
    expect(snippets.map((s) => s.ide.slug)).toEqual([
      "claude-desktop",
      "claude-code",
      "cursor",
      "vscode",
      "windsurf",
      "zed",
      "cline",
      "continue",
      "gemini-cli",
      "codex",
    ]);
    for (const snippet of snippets) {
      expect(snippet.text).toContain(surface.url);
      expect(snippet.text).toContain(KEY_PLACEHOLDER);
      expect(snippet.text).not.toMatch(/mcp_(dev|prod)_/);
    }
  });

  it("writes JSON that parses, in each IDE's own shape", () => {
    const parse = (slug: string) => JSON.parse(bySlug(slug).text) as Record<string, unknown>;
    expect(parse("claude-desktop")).toEqual({
      mcpServers: {
        "docs-search": {
          command: "npx",
          args: ["-y", "mcp-remote", surface.url, "--header", "Authorization: Bearer YOUR_API_KEY"],
        },
      },
    });
    expect(parse("vscode")).toEqual({
      servers: {
        "docs-search": {
          type: "http",
          url: surface.url,
          headers: { Authorization: "Bearer YOUR_API_KEY" },
        },
      },
    });
    expect(parse("windsurf")).toHaveProperty(
      ["mcpServers", "docs-search", "serverUrl"],
      surface.url,
    );
    expect(parse("zed")).toHaveProperty(["context_servers", "docs-search", "url"], surface.url);
    expect(parse("gemini-cli")).toHaveProperty(
      ["mcpServers", "docs-search", "httpUrl"],
      surface.url,
    );
  });

  it("uses claude mcp add for Claude Code, YAML for Continue and TOML for Codex", () => {
    expect(bySlug("claude-code").text).toBe(
      `claude mcp add --transport http docs-search ${surface.url} --header "Authorization: Bearer YOUR_API_KEY"`,
    );
    expect(bySlug("continue").text).toContain("type: streamable-http");
    expect(bySlug("codex").text).toContain("[mcp_servers.docs-search]");
    expect(bySlug("codex").text).toContain('bearer_token_env_var = "MCP_KEYS_API_KEY"');
  });

  it("names the server after the surface, as a plain slug", () => {
    expect(serverKey("Docs search")).toBe("docs-search");
    expect(serverKey("  Ünïcode ✨ tools!! ")).toBe("n-code-tools");
    expect(serverKey("✨")).toBe("mcp-keys");
  });
});
