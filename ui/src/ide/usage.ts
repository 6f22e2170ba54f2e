import type { ScanEntry } from "../bindings/ScanEntry";
import type { AffectedConfig } from "../keys/RevokeDialog";
import type { ClientNameOf } from "./clients";

/** The clients whose configs hold the key ("Used by"), by display name, each once, A to Z. */
export function clientsUsing(
  entries: readonly ScanEntry[],
  keyId: string,
  clientName: ClientNameOf,
): string[] {
  const names = new Set(
    entries.filter((entry) => entry.keyId === keyId).map((entry) => clientName(entry.client)),
  );
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** The config files that hold the key: what revoking it breaks. Each file once. */
export function configsUsing(
  entries: readonly ScanEntry[],
  keyId: string,
  clientName: ClientNameOf,
): AffectedConfig[] {
  const seen = new Set<string>();
  const configs: AffectedConfig[] = [];
  for (const entry of entries) {
    const id = `${entry.client}\n${entry.configPath}`;
    if (entry.keyId === keyId && !seen.has(id)) {
      seen.add(id);
      configs.push({ client: clientName(entry.client), configPath: entry.configPath });
    }
  }
  return configs;
}
