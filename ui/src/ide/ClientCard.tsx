import { useId } from "react";
import type { FixAction } from "../bindings/FixAction";
import type { ScanEntry } from "../bindings/ScanEntry";
import { ClientLogSection } from "./ClientLogSection";
import type { ClientLog, LogFinding } from "./clientLogs";
import { useClientName } from "./clients";
import type { ClientGroup } from "./grouping";
import type { KnownNames } from "./names";
import { ScanStatusBadge, ScopeBadge } from "./ScanBadges";

type ClientCardProps = {
  group: ClientGroup;
  /** The number of this client's first config among all shown, for `ide-config-<n>`. */
  firstConfigIndex: number;
  names: KnownNames;
  /** What the client's own logs say and which were read; none until doctor answers. */
  log?: ClientLog | undefined;
  /** The log finding a clicked notification asked for. */
  highlighted?: LogFinding | undefined;
  onFix?: ((finding: LogFinding, action: FixAction) => void) | undefined;
};

/**
 * One client: each of its config files and the keys in each, then what its
 * own log says.
 */
export function ClientCard({
  group,
  firstConfigIndex,
  names,
  log,
  highlighted,
  onFix,
}: ClientCardProps) {
  const titleId = useId();
  const name = useClientName()(group.client);
  return (
    <section
      className="ide-client"
      aria-labelledby={titleId}
      data-testid={`ide-client-${group.client}`}
    >
      <h3 id={titleId} className="ide-client__name">
        {name}
      </h3>
      {group.configs.length === 0 && (
        <p className="ide-client__none">No config of {name} holds an MCP key.</p>
      )}
      {group.configs.map((config, i) => (
        <div
          key={config.configPath}
          className="ide-config"
          data-testid={`ide-config-${firstConfigIndex + i}`}
        >
          <div className="ide-config__header">
            <code className="ide-config__path" title={config.configPath}>
              {config.configPath}
            </code>
            <ScopeBadge scope={config.scope} />
          </div>
          <table className="ide-entries" aria-label={`Keys in ${name}'s ${config.configPath}`}>
            <thead>
              <tr>
                <th scope="col" className="ide-entries__col--key">
                  Key
                </th>
                <th scope="col">Server</th>
                <th scope="col">Identified as</th>
                <th scope="col" className="ide-entries__col--status">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {config.entries.map((entry, j) => (
                <EntryRow
                  key={`${entry.serverName}:${entry.field}:${j}`}
                  entry={entry}
                  names={names}
                />
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {log && onFix && (
        <ClientLogSection name={name} log={log} highlighted={highlighted} onFix={onFix} />
      )}
    </section>
  );
}

/** A stable id for an entry's row: its key's prefix, else the variable it names. */
function entryTestId(entry: ScanEntry): string {
  return `ide-entry-${entry.keyPrefix ?? `env-${entry.envVar ?? entry.serverName}`}`;
}

/** Why an entry names no key of a connection, in words. */
function unidentified(entry: ScanEntry): string {
  if (entry.storage === "keyring" && entry.keyPrefix === null) {
    return "Its keyring slot can't be read";
  }
  switch (entry.status) {
    case "env_reference":
      return entry.keyPrefix === null
        ? "The variable isn't set where MCP Keys runs"
        : `Its value, ${entry.keyPrefix}, is no key a connection knows`;
    case "checksum_error":
      return "A mistyped key: no service accepts it";
    case "foreign":
      return "A key from another issuer";
    default:
      return "No connection knows this key";
  }
}

function EntryRow({ entry, names }: { entry: ScanEntry; names: KnownNames }) {
  const keyName = entry.keyId === null ? undefined : names.keyName(entry.keyId);
  const surfaceName = entry.surfaceId === null ? undefined : names.surfaceName(entry.surfaceId);
  const reference = entry.envVar === null ? null : `$${entry.envVar}`;
  return (
    <tr className="ide-entry" data-testid={entryTestId(entry)} data-status={entry.status}>
      <td>
        <code className="ide-entry__line" title={entry.keyPrefix ?? reference ?? undefined}>
          {entry.status === "env_reference" ? reference : (entry.keyPrefix ?? "—")}
        </code>
        <span className="ide-entry__sub" title={entry.field}>
          {entry.slot === null ? entry.field : `keyring slot ${entry.slot}`}
        </span>
      </td>
      <td>
        <span className="ide-entry__line" title={entry.serverName}>
          {entry.serverName}
        </span>
        {entry.url && (
          <span className="ide-entry__sub ide-entry__url" title={entry.url}>
            {entry.url}
          </span>
        )}
      </td>
      <td>
        {entry.keyId === null ? (
          <span className="ide-entry__muted">{unidentified(entry)}</span>
        ) : (
          <>
            <span className="ide-entry__line" title={keyName ?? entry.keyId}>
              {keyName ?? `Key ${entry.keyId}`}
            </span>
            {surfaceName && (
              <span className="ide-entry__sub" title={surfaceName}>
                {surfaceName}
              </span>
            )}
          </>
        )}
      </td>
      <td>
        <span className="ide-entry__status">
          <ScanStatusBadge status={entry.status} reason={entry.statusReason} />
          {entry.resolvedStatus && (
            <span className="ide-entry__resolved">
              <span className="visually-hidden">Its value: </span>
              <ScanStatusBadge status={entry.resolvedStatus} />
            </span>
          )}
        </span>
      </td>
    </tr>
  );
}
