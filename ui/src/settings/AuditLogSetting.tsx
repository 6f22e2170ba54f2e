import { useState } from "react";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { IpcError } from "../bindings/IpcError";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { PanelHeader } from "../components/PanelHeader";
import { Spinner } from "../components/Spinner";
import { formatRelative } from "../lib/formatDate";
import { toIpcError } from "../lib/ipc/ipcError";
import { listAuditLog } from "../lib/ipc/settings";
import { useLoad } from "../lib/useLoad";

/** The audit log's actions in words; an action this list lacks is shown as Rust wrote it. */
const actions: Record<string, string> = {
  "key.create": "Key generated",
  "key.revoke": "Key revoked",
  "key.roll": "Key rolled",
  "oauth.approve": "Client authorized (OAuth)",
  "oauth.deny": "Client's authorization denied",
  "grant.revoke": "Client's access revoked",
  "product.create": "Product created",
  "surface.create": "Surface created",
  "surface.update": "Surface changed",
  "upstream_secret.save": "Server secret saved",
};

const actors: Record<string, string> = { app: "in the app", cli: "with the CLI" };

/**
 * "History on this computer": the local audit log the app and the CLI keep of
 * what was done from here (ids and words, never a key), newest first.
 */
export function AuditLogSetting() {
  const first = useLoad(() => listAuditLog(null), "audit log");
  const [older, setOlder] = useState<{ entries: AuditEntry[]; more: boolean } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<IpcError | null>(null);
  const [renderedAt] = useState(() => new Date());
  const { state } = first;

  const entries =
    state.status === "ready" ? [...state.data.entries, ...(older?.entries ?? [])] : [];
  const more = older ? older.more : state.status === "ready" && state.data.older;

  const showOlder = async () => {
    const last = entries.at(-1);
    if (last === undefined || loadingOlder) {
      return;
    }
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await listAuditLog(last.id);
      setOlder((shown) => ({
        entries: [...(shown?.entries ?? []), ...page.entries],
        more: page.older,
      }));
    } catch (failure) {
      setOlderError(toIpcError(failure));
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <section className="settings-section" data-testid="settings-audit">
      <PanelHeader
        title="History on this computer"
        description="What was done from here, in the app or with the mcp-keys CLI. It never holds a key."
      />
      {state.status === "loading" && (
        <div className="settings-page__status" role="status">
          <Spinner />
          Loading the history…
        </div>
      )}
      {state.status === "error" && <ErrorBanner error={state.error} onRetry={first.retry} />}
      {state.status === "ready" && entries.length === 0 && (
        <p className="field__hint" data-testid="settings-audit-empty">
          Nothing yet: keys you generate, roll or revoke will be listed here.
        </p>
      )}
      {entries.length > 0 && (
        <ol className="audit-list" aria-label="History on this computer">
          {entries.map((entry) => (
            <li key={entry.id} className="audit-list__item" data-testid={`audit-${entry.id}`}>
              <span className="audit-list__action">{actions[entry.action] ?? entry.action}</span>
              <span className="audit-list__detail">
                {entry.detail}
                <span className="audit-list__actor"> {actors[entry.actor] ?? entry.actor}</span>
              </span>
              <time className="audit-list__time" dateTime={entry.at} title={entry.at}>
                {formatRelative(entry.at, renderedAt)}
              </time>
            </li>
          ))}
        </ol>
      )}
      {olderError && <ErrorBanner error={olderError} />}
      {more && (
        <div className="audit-list__more">
          <Button size="sm" onClick={() => void showOlder()} disabled={loadingOlder}>
            {loadingOlder ? "Loading…" : "Show older"}
          </Button>
        </div>
      )}
    </section>
  );
}
