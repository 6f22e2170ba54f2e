import { useId, useMemo, useState } from "react";
import type { ClientId } from "../bindings/ClientId";
import type { Finding } from "../bindings/Finding";
import type { FindingOpen } from "../bindings/FindingOpen";
import type { FixAction } from "../bindings/FixAction";
import type { ScanEntry } from "../bindings/ScanEntry";
import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { Spinner } from "../components/Spinner";
import { ignoreIdeConfig } from "../lib/ipc/ide";
import { toIpcError } from "../lib/ipc/ipcError";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { ClientCard } from "./ClientCard";
import {
  findingFor,
  isLogFinding,
  logsByClient,
  logWorthACard,
  type ClientLog,
  type LogFinding,
} from "./clientLogs";
import { useClientName, type ClientNameOf } from "./clients";
import { FindingList, type FixState } from "./FindingList";
import { groupByClient, type ClientGroup } from "./grouping";
import { useIdeScan } from "./IdeScanContext";
import { LogFixDialog } from "./LogFixDialog";
import { MigrateDialog } from "./MigrateDialog";
import { knownNames } from "./names";
import { ProjectFolders } from "./ProjectFolders";
import { useIdeDoctor } from "./useIdeDoctor";
import { useKeyNames } from "./useKeyNames";
import "./IdesPage.css";

type IdesPageProps = {
  /** Names the keys and surfaces the scan identifies by id. */
  workspace: WorkspaceTree;
  /** A clicked notification's finding, to scroll to; `serial` tells repeats apart. */
  openFinding?: OpenFinding | null | undefined;
};

/** A client-log finding to show, as a notification named it. */
export type OpenFinding = { target: FindingOpen; serial: number };

const NO_ENTRIES: readonly ScanEntry[] = [];
const NO_LOGS: ReadonlyMap<ClientId, ClientLog> = new Map();

/** What a one-click fix wrote, said once it is done. */
type Fixed = { configPath: string; gitignore: string };

/**
 * Which IDE uses which key: every client whose configs hold an MCP key, each
 * key's status, doctor's findings with their fixes, and what could not be
 * read or asked.
 */
export function IdesPage({ workspace, openFinding }: IdesPageProps) {
  const titleId = useId();
  const clientsId = useId();
  const findingsId = useId();
  const { state, scanning, projects, setProjects, refresh } = useIdeScan();
  const doctor = useIdeDoctor();
  const [fix, setFix] = useState<FixState>(null);
  const [fixed, setFixed] = useState<Fixed | null>(null);
  const [migrating, setMigrating] = useState(false);
  const [logFix, setLogFix] = useState<{ finding: LogFinding; action: FixAction } | null>(null);

  const runFix = async (finding: Finding & { configPath: string }, index: number) => {
    setFix({ index, error: null });
    setFixed(null);
    try {
      const gitignore = await ignoreIdeConfig(finding.configPath);
      setFixed({ configPath: finding.configPath, gitignore });
      setFix(null);
      refresh();
    } catch (error) {
      setFix({ index, error: toIpcError(error) });
    }
  };

  const scan = state.status === "ready" ? state.data : null;
  const entries = scan?.entries ?? NO_ENTRIES;
  const treeNames = useMemo(() => knownNames(workspace), [workspace]);
  const loadedKeyNames = useKeyNames(workspace, entries, treeNames);
  const names = useMemo(() => knownNames(workspace, loadedKeyNames), [workspace, loadedKeyNames]);
  const clientName = useClientName();
  const diagnosed = doctor.state.status === "ready" ? doctor.state.data : null;
  const logs = useMemo(() => (diagnosed ? logsByClient(diagnosed) : NO_LOGS), [diagnosed]);
  const groups = withLogClients(groupByClient(entries, clientName), logs, clientName);
  const configFindings = diagnosed?.findings.filter((finding) => !isLogFinding(finding)) ?? [];
  const logFindings = [...logs.values()].flatMap((log) => log.findings);
  const highlighted = openFinding ? findingFor(logFindings, openFinding.target) : undefined;
  // A literal key in a config is what "Move keys into the keyring" is for.
  const hasPlaintext = entries.some((entry) => entry.storage === "config");
  let configCount = 0;

  return (
    <section className="ides-page" aria-labelledby={titleId} data-testid="ides-page">
      <header className="ides-page__header">
        <div className="ides-page__heading">
          <h1 id={titleId} className="ides-page__title">
            IDEs
          </h1>
          <p className="ides-page__description">
            Which IDE and agent configs on this computer hold MCP keys, whether those keys still
            work, and what to fix.
          </p>
        </div>
        <div className="ides-page__actions">
          {hasPlaintext && (
            <Button
              variant="primary"
              data-testid="ides-migrate"
              onClick={() => {
                setFixed(null);
                setMigrating(true);
              }}
            >
              Move keys into the keyring
            </Button>
          )}
          <Button
            icon="retry"
            disabled={scanning}
            data-testid="ides-refresh"
            onClick={() => {
              setFixed(null);
              refresh();
            }}
          >
            {scanning ? "Scanning…" : "Scan again"}
          </Button>
        </div>
      </header>

      {logFix && (
        <LogFixDialog
          finding={logFix.finding}
          action={logFix.action}
          workspace={workspace}
          entries={entries}
          projects={projects}
          onChanged={refresh}
          onClose={() => {
            setLogFix(null);
            refresh();
          }}
        />
      )}

      {openFinding && diagnosed && !highlighted && (
        <p className="ides-page__hint" role="status" data-testid="ide-log-finding-gone">
          The failure the notification was about is no longer in the clients' logs.
        </p>
      )}

      {migrating && (
        <MigrateDialog
          projects={projects}
          onChanged={refresh}
          onClose={() => setMigrating(false)}
        />
      )}

      <ProjectFolders folders={projects} onChange={setProjects} />

      {fixed && (
        <p className="ides-page__fixed" role="status" data-testid="ide-fix-result">
          Added <code>{fixed.configPath}</code> to <code>{fixed.gitignore}</code>: git no longer
          picks up the key in it.
        </p>
      )}

      {state.status === "loading" && (
        <div className="ides-page__status" role="status" data-testid="ides-loading">
          <Spinner />
          Reading the IDE configs…
        </div>
      )}
      {state.status === "error" && <ErrorBanner error={state.error} onRetry={refresh} />}

      {scan && (
        <section className="ides-page__section" aria-labelledby={clientsId}>
          <h2 id={clientsId} className="ides-page__section-title">
            Clients
          </h2>
          {groups.length === 0 ? (
            <EmptyState
              icon="plug"
              title="No IDE configs with MCP keys found"
              data-testid="ides-empty"
            >
              <p>
                None of the clients MCP Keys knows has an MCP key in its config. Generate a key on a
                surface and paste it with the Connect tab's snippet, or add a project folder above.
              </p>
            </EmptyState>
          ) : (
            <div className="ides-page__clients">
              {groups.map((group) => {
                const first = configCount;
                configCount += group.configs.length;
                return (
                  <ClientCard
                    key={group.client}
                    group={group}
                    firstConfigIndex={first}
                    names={names}
                    log={logs.get(group.client)}
                    highlighted={highlighted}
                    onFix={(finding, action) => setLogFix({ finding, action })}
                  />
                );
              })}
            </div>
          )}
        </section>
      )}

      <section className="ides-page__section" aria-labelledby={findingsId}>
        <h2 id={findingsId} className="ides-page__section-title">
          Doctor
        </h2>
        {doctor.state.status === "loading" && (
          <div className="ides-page__status" role="status" data-testid="ides-doctor-loading">
            <Spinner />
            Checking the configs…
          </div>
        )}
        {doctor.state.status === "error" && (
          <ErrorBanner error={doctor.state.error} onRetry={doctor.retry} />
        )}
        {diagnosed &&
          (configFindings.length === 0 ? (
            <p className="ides-page__all-good" data-testid="ides-no-findings">
              {!logFindings.some((finding) => finding.code === "client_log_auth_failure")
                ? "Nothing to fix: no client would be refused, and no key is exposed."
                : "Nothing to fix in the configs themselves; the clients' logs above say what was refused."}
            </p>
          ) : (
            <FindingList
              findings={configFindings}
              testId={(finding) => `ide-finding-${finding.code}`}
              fix={fix}
              onFix={(finding, index) => void runFix(finding, index)}
            />
          ))}
      </section>

      {scan && scan.problems.length > 0 && (
        <section className="ides-page__section" aria-label="Files that could not be read">
          <h2 className="ides-page__section-title">Files that could not be read</h2>
          <FindingList findings={scan.problems} testId={(_, index) => `ide-problem-${index}`} />
        </section>
      )}

      {scan && scan.unreachable.length > 0 && (
        <section className="ides-page__section" aria-label="Connections that could not be asked">
          <h2 className="ides-page__section-title">Connections that could not be asked</h2>
          <p className="ides-page__hint">
            Keys only these connections know show as Unknown until they can be reached.
          </p>
          <ul className="ide-unreachable">
            {scan.unreachable.map((connection, i) => (
              <li key={connection.connection} data-testid={`ide-unreachable-${i}`}>
                <span className="ide-unreachable__name">{connection.connection}</span>
                <span className="ide-unreachable__message">{connection.message}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

/**
 * The scan's clients, and those whose logs alone have something to say (a
 * failure, a log read or unreadable), A to Z by name.
 */
function withLogClients(
  groups: ClientGroup[],
  logs: ReadonlyMap<ClientId, ClientLog>,
  clientName: ClientNameOf,
): ClientGroup[] {
  const shown = new Set(groups.map((group) => group.client));
  const extra: ClientGroup[] = [];
  for (const [client, log] of logs) {
    if (!shown.has(client) && logWorthACard(log)) {
      extra.push({ client, configs: [] });
    }
  }
  if (extra.length === 0) {
    return groups;
  }
  return [...groups, ...extra].sort((a, b) =>
    clientName(a.client).localeCompare(clientName(b.client)),
  );
}
