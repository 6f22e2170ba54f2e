import { useId, useMemo, useState } from "react";
import type { Finding } from "../bindings/Finding";
import type { ScanEntry } from "../bindings/ScanEntry";
import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { Spinner } from "../components/Spinner";
import { ignoreIdeConfig } from "../lib/ipc/ide";
import { toIpcError } from "../lib/ipc/ipcError";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { ClientCard } from "./ClientCard";
import { useClientName } from "./clients";
import { FindingList, type FixState } from "./FindingList";
import { groupByClient } from "./grouping";
import { useIdeScan } from "./IdeScanContext";
import { MigrateDialog } from "./MigrateDialog";
import { knownNames } from "./names";
import { ProjectFolders } from "./ProjectFolders";
import { useIdeDoctor } from "./useIdeDoctor";
import { useKeyNames } from "./useKeyNames";
import "./IdesPage.css";

type IdesPageProps = {
  /** Names the keys and surfaces the scan identifies by id. */
  workspace: WorkspaceTree;
};

const NO_ENTRIES: readonly ScanEntry[] = [];

/** What a one-click fix wrote, said once it is done. */
type Fixed = { configPath: string; gitignore: string };

/**
 * Which IDE uses which key: every client whose configs hold an MCP key, each
 * key's status, doctor's findings with their fixes, and what could not be
 * read or asked.
 */
export function IdesPage({ workspace }: IdesPageProps) {
  const titleId = useId();
  const clientsId = useId();
  const findingsId = useId();
  const { state, scanning, projects, setProjects, refresh } = useIdeScan();
  const doctor = useIdeDoctor();
  const [fix, setFix] = useState<FixState>(null);
  const [fixed, setFixed] = useState<Fixed | null>(null);
  const [migrating, setMigrating] = useState(false);

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
  const groups = groupByClient(entries, clientName);
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
        {doctor.state.status === "ready" &&
          (doctor.state.data.findings.length === 0 ? (
            <p className="ides-page__all-good" data-testid="ides-no-findings">
              Nothing to fix: no client would be refused, and no key is exposed.
            </p>
          ) : (
            <FindingList
              findings={doctor.state.data.findings}
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
