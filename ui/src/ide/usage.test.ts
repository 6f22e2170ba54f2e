import { describe, expect, it } from "vitest";
import { knownClients, scanEntry } from "../test/fixtures";
import { clientNames } from "./clients";
import { groupByClient } from "./grouping";
import { clientsUsing, configsUsing } from "./usage";

const clientName = clientNames(knownClients);

const entries = [
  scanEntry({ client: "zed", configPath: "/home/ada/.config/zed/settings.json" }),
  scanEntry(),
  scanEntry({ serverName: "docs-2" }),
  scanEntry({ client: "copilot-cli", configPath: "/home/ada/.copilot/mcp-config.json" }),
  scanEntry({ client: "vscode", keyId: "key_2", configPath: "/home/ada/code/.vscode/mcp.json" }),
];

describe("IDE usage of a key", () => {
  it("names each client holding the key once, A to Z", () => {
    expect(clientsUsing(entries, "key_1", clientName)).toEqual(["Copilot CLI", "Cursor", "Zed"]);
    expect(clientsUsing(entries, "key_2", clientName)).toEqual(["VS Code"]);
    expect(clientsUsing(entries, "key_3", clientName)).toEqual([]);
  });

  it("lists each config file holding the key once, for the revoke warning", () => {
    expect(configsUsing(entries, "key_1", clientName)).toEqual([
      { client: "Zed", configPath: "/home/ada/.config/zed/settings.json" },
      { client: "Cursor", configPath: "/home/ada/.cursor/mcp.json" },
      { client: "Copilot CLI", configPath: "/home/ada/.copilot/mcp-config.json" },
    ]);
  });

  it("groups by client, then by config with global ones first", () => {
    const groups = groupByClient(
      [
        scanEntry({ configPath: "/p/b/.cursor/mcp.json", scope: "project" }),
        scanEntry({ configPath: "/p/a/.cursor/mcp.json", scope: "project" }),
        scanEntry(),
        scanEntry({ serverName: "second" }),
        scanEntry({ client: "claude-desktop", configPath: "/c/claude_desktop_config.json" }),
      ],
      clientName,
    );
    expect(groups.map((g) => g.client)).toEqual(["claude-desktop", "cursor"]);
    expect(groups[1]?.configs.map((c) => [c.configPath, c.entries.length])).toEqual([
      ["/home/ada/.cursor/mcp.json", 2],
      ["/p/a/.cursor/mcp.json", 1],
      ["/p/b/.cursor/mcp.json", 1],
    ]);
  });
});
