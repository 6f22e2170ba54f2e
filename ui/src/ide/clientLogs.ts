import type { ClientId } from "../bindings/ClientId";
import type { Finding } from "../bindings/Finding";
import type { FindingCode } from "../bindings/FindingCode";
import type { FindingOpen } from "../bindings/FindingOpen";
import type { FixAction } from "../bindings/FixAction";
import type { IdeDoctor } from "../bindings/IdeDoctor";
import type { LogSourceRead } from "../bindings/LogSourceRead";

/** The findings read from a client's own log (DESIGN §10), shown on the client's card. */
const LOG_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([
  "client_log_auth_failure",
  "client_log_unreadable",
]);

/** A finding of a client's own log, about a known client: it belongs on that client's card. */
export type LogFinding = Finding & { client: ClientId };

export function isLogFinding(finding: Finding): finding is LogFinding {
  return LOG_CODES.has(finding.code) && finding.client !== null;
}

/** What the IDEs page shows of one client's logs: what they say, and what was read. */
export type ClientLog = {
  findings: LogFinding[];
  /** What was read of its logs; several sources of one client are merged. */
  source: LogSourceRead | null;
};

/** Doctor's log findings and log sources, by client. */
export function logsByClient(doctor: IdeDoctor): Map<ClientId, ClientLog> {
  const byClient = new Map<ClientId, ClientLog>();
  const of = (client: ClientId) => {
    const log = byClient.get(client) ?? { findings: [], source: null };
    byClient.set(client, log);
    return log;
  };
  for (const source of doctor.logs) {
    const log = of(source.client);
    log.source = log.source
      ? {
          ...log.source,
          files: [...log.source.files, ...source.files],
          unreadable: [...log.source.unreadable, ...source.unreadable],
          noLog: log.source.noLog ?? source.noLog,
          measured: log.source.measured && source.measured,
        }
      : source;
  }
  for (const finding of doctor.findings) {
    if (isLogFinding(finding)) {
      of(finding.client).findings.push(finding);
    }
  }
  return byClient;
}

/**
 * Whether a client's card is worth showing for its logs alone (no config of
 * it holds a key): they say something, or there are files that were read or
 * could not be.
 */
export function logWorthACard(log: ClientLog): boolean {
  return (
    log.findings.length > 0 ||
    (log.source !== null && (log.source.files.length > 0 || log.source.unreadable.length > 0))
  );
}

/** The finding a clicked notification was about: same client and key, the same moment first. */
export function findingFor(
  findings: readonly LogFinding[],
  target: FindingOpen,
): LogFinding | undefined {
  const sameKey = findings.filter(
    (finding) =>
      finding.client === target.client &&
      finding.code === "client_log_auth_failure" &&
      (target.keyId !== null
        ? finding.keyId === target.keyId
        : finding.keyPrefix === target.keyPrefix),
  );
  return sameKey.find((finding) => (finding.at ?? null) === target.at) ?? sameKey[0];
}

/** The words of a one-click fix's button. */
export function actionLabel(action: FixAction): string {
  switch (action.kind) {
    case "roll":
      return "Roll key";
    case "install":
      return "Install a new key";
    case "activateSurface":
      return "Turn the surface on";
    case "widenScope":
      // A key's scopes can't be changed: a new key with the capability replaces it.
      return `Create a key with ${action.capability}`;
  }
}
