import type { ClientId } from "../bindings/ClientId";
import type { ConfigScope } from "../bindings/ConfigScope";
import type { ScanEntry } from "../bindings/ScanEntry";
import type { ClientNameOf } from "./clients";

/** One config file and the key occurrences in it, in file order. */
export type ConfigGroup = {
  configPath: string;
  scope: ConfigScope;
  entries: ScanEntry[];
};

/** One client and its config files: global ones first, then projects by path. */
export type ClientGroup = {
  client: ClientId;
  configs: ConfigGroup[];
};

const scopeOrder: Record<ConfigScope, number> = { global: 0, project: 1 };

/** The scan as the IDEs page shows it: by client (A to Z by name), then by config file. */
export function groupByClient(
  entries: readonly ScanEntry[],
  clientName: ClientNameOf,
): ClientGroup[] {
  const clients = new Map<ClientId, Map<string, ConfigGroup>>();
  for (const entry of entries) {
    const configs = clients.get(entry.client) ?? new Map<string, ConfigGroup>();
    clients.set(entry.client, configs);
    const config = configs.get(entry.configPath) ?? {
      configPath: entry.configPath,
      scope: entry.scope,
      entries: [],
    };
    configs.set(entry.configPath, config);
    config.entries.push(entry);
  }
  return [...clients]
    .map(([client, configs]) => ({
      client,
      configs: [...configs.values()].sort(
        (a, b) =>
          scopeOrder[a.scope] - scopeOrder[b.scope] || a.configPath.localeCompare(b.configPath),
      ),
    }))
    .sort((a, b) => clientName(a.client).localeCompare(clientName(b.client)));
}
