import { useEffect, useId, useRef } from "react";
import type { FindingDetail } from "../bindings/FindingDetail";
import type { FixAction } from "../bindings/FixAction";
import type { LogSourceRead } from "../bindings/LogSourceRead";
import { Button } from "../components/Button";
import { formatDateTime } from "../lib/formatDate";
import { actionLabel, type ClientLog, type LogFinding } from "./clientLogs";
import { SeverityBadge } from "./ScanBadges";

type ClientLogSectionProps = {
  /** The client's display name. */
  name: string;
  log: ClientLog;
  /** The finding a clicked notification asked for: scrolled to and marked. */
  highlighted?: LogFinding | undefined;
  /** Opens the finding's one-click fix. */
  onFix: (finding: LogFinding, action: FixAction) => void;
};

/**
 * What a client's own log says (DESIGN §10): each authentication failure
 * with when it happened, the log it was read from and its one-click fix;
 * then which logs were read, or why none could be.
 */
export function ClientLogSection({ name, log, highlighted, onFix }: ClientLogSectionProps) {
  const titleId = useId();
  const client = log.source?.client ?? log.findings[0]?.client;
  const failures = log.findings.filter((finding) => finding.code === "client_log_auth_failure");
  return (
    <section className="ide-log" aria-labelledby={titleId} data-testid={`ide-log-${client}`}>
      <h4 id={titleId} className="ide-log__title">
        What {name}'s own log says
      </h4>
      {log.findings.length > 0 && (
        <ul className="ide-findings">
          {log.findings.map((finding, index) => (
            <LogFindingItem
              key={`${finding.code}:${finding.logPath ?? ""}:${finding.at ?? ""}:${index}`}
              finding={finding}
              testId={`ide-log-finding-${finding.client}-${index}`}
              highlighted={finding === highlighted}
              onFix={onFix}
            />
          ))}
        </ul>
      )}
      {failures.length === 0 && log.source && log.source.files.length > 0 && (
        <p className="ide-log__source" data-testid={`ide-log-quiet-${client}`}>
          No authentication failure in the last two days.
        </p>
      )}
      {log.source && (
        <LogSources
          name={name}
          source={log.source}
          // An unreadable log that doctor reports is already shown, with its fix.
          reported={new Set(log.findings.map((finding) => finding.logPath))}
        />
      )}
    </section>
  );
}

type LogFindingItemProps = {
  finding: LogFinding;
  testId: string;
  highlighted: boolean;
  onFix: (finding: LogFinding, action: FixAction) => void;
};

function LogFindingItem({ finding, testId, highlighted, onFix }: LogFindingItemProps) {
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (highlighted) {
      // Optional: jsdom has no scrolling.
      item.current?.scrollIntoView?.({ block: "center" });
      item.current?.focus();
    }
  }, [highlighted]);
  const { action } = finding;
  return (
    <li
      ref={item}
      className="ide-finding ide-log-finding"
      data-testid={testId}
      data-severity={finding.severity}
      data-reason={finding.reason}
      data-highlighted={highlighted || undefined}
      tabIndex={highlighted ? -1 : undefined}
    >
      <div className="ide-finding__head">
        <SeverityBadge severity={finding.severity} />
        <p className="ide-finding__message">{finding.message}</p>
        {action && (
          <Button
            size="sm"
            variant="secondary"
            data-testid={`${testId}-fix`}
            data-action={action.kind}
            onClick={() => onFix(finding, action)}
          >
            {actionLabel(action)}
          </Button>
        )}
      </div>
      <LogWhere detail={finding} keyPrefix={finding.keyPrefix} />
      <p className="ide-finding__fix">
        <span className="ide-finding__fix-label">Fix: </span>
        {finding.fix}
      </p>
    </li>
  );
}

/** When it happened, in the user's time zone, and which log says so. */
function LogWhere({ detail, keyPrefix }: { detail: FindingDetail; keyPrefix: string | null }) {
  if (!detail.at && !detail.logPath && !keyPrefix) {
    return null;
  }
  return (
    <p className="ide-finding__where">
      {detail.at && (
        <time dateTime={detail.at} data-testid="ide-log-finding-at">
          {formatDateTime(detail.at)}
        </time>
      )}
      {detail.status !== undefined && <span>HTTP {detail.status}</span>}
      {detail.logPath ? (
        <code className="ide-finding__path" title={detail.logPath}>
          {detail.logPath}
        </code>
      ) : (
        detail.at && <span>from the key service's audit</span>
      )}
      {keyPrefix && <code>{keyPrefix}</code>}
    </p>
  );
}

/** Which log files were read, which could not be, or why the client has none. */
function LogSources({
  name,
  source,
  reported,
}: {
  name: string;
  source: LogSourceRead;
  reported: ReadonlySet<string | undefined>;
}) {
  const unreadable = source.unreadable.filter((log) => !reported.has(log.path));
  const hint = source.measured ? "" : " (where it logs is taken from its documentation)";
  return (
    <div className="ide-log__sources" data-testid={`ide-log-sources-${source.client}`}>
      {source.noLog !== null && (
        <p className="ide-log__source" data-testid={`ide-log-none-${source.client}`}>
          {name}: {source.noLog}.
        </p>
      )}
      {source.noLog === null && source.files.length === 0 && source.unreadable.length === 0 && (
        <p className="ide-log__source">
          No recent log of {name} on this computer{hint}.
        </p>
      )}
      {source.files.length > 0 && (
        <details className="ide-log__files">
          <summary>
            Read {source.files.length === 1 ? "1 log file" : `${source.files.length} log files`}
            {hint}
          </summary>
          <ul>
            {source.files.map((file) => (
              <li key={file}>
                <code title={file}>{file}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      {unreadable.length > 0 && (
        <ul className="ide-log__unreadable" data-testid={`ide-log-unreadable-${source.client}`}>
          {unreadable.map((log) => (
            <li key={log.path}>
              Could not read <code title={log.path}>{log.path}</code>: {log.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
