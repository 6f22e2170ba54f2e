import { useState } from "react";
import type { ConnectionKind } from "../bindings/ConnectionKind";
import type { Upstream } from "../bindings/Upstream";
import type { UpstreamState } from "../bindings/UpstreamState";
import { Badge, type BadgeTone } from "../components/Badge";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { PanelHeader } from "../components/PanelHeader";
import { formatRelative } from "../lib/formatDate";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { getUpstreamStatus, setUpstream, syncSurface } from "../lib/ipc/workspace";
import { useLoad } from "../lib/useLoad";
import type { Surface } from "../bindings/Surface";
import { AuthModeSetting } from "./AuthModeSetting";
import {
  DEFAULT_CREDENTIAL_HEADER,
  NO_UPSTREAM,
  UpstreamFields,
  keepsSecretsHere,
  upstreamChoice,
  upstreamProblem,
  upstreamSecret,
  type UpstreamDraft,
} from "./UpstreamFields";
import "./ServerTab.css";

type ServerTabProps = {
  connectionId: string;
  /** The kind of key service: the app's own reads the upstream's secrets from the OS keyring. */
  connectionKind: ConnectionKind;
  productId: string;
  surface: Surface;
  /** The surface changed here (its MCP server, its capabilities). */
  onSurfaceChanged: (surface: Surface) => void;
  errorContext?: ErrorContext | undefined;
  /** The moment times are told relative to; now unless a test says otherwise. */
  now?: Date;
};

const states: Record<UpstreamState, { label: string; tone: BadgeTone }> = {
  stopped: { label: "Stopped", tone: "neutral" },
  starting: { label: "Starting", tone: "info" },
  running: { label: "Running", tone: "success" },
  crashed: { label: "Crashed", tone: "warning" },
  unreachable: { label: "Unreachable", tone: "warning" },
  unknown: { label: "Unknown", tone: "neutral" },
};

/** The upstream as one line: the command line, or the URL. */
export function describeUpstream(upstream: Upstream): string {
  if (upstream.type === "http") {
    return upstream.url;
  }
  return [upstream.command, ...upstream.args]
    .map((word) => (/[\s"'\\]/.test(word) ? JSON.stringify(word) : word))
    .join(" ");
}

/** A header or environment variable of the upstream, by name, and the secret it comes from (null: a plain value). */
type UpstreamEntry = { name: string; secretRef: string | null };

/** The upstream's headers (HTTP) or environment variables (command), without their values. */
export function upstreamEntries(upstream: Upstream): UpstreamEntry[] {
  const values = (upstream.type === "http" ? upstream.headers : upstream.env) ?? {};
  return Object.entries(values).map(([name, value]) => ({
    name,
    secretRef: typeof value === "string" ? null : value.secretRef,
  }));
}

/**
 * The form's starting point for an upstream that is set: its command line or URL, whether
 * clients share it, and its secret by name (the value stays where it is kept).
 */
function draftOf(upstream: Upstream | null | undefined): UpstreamDraft {
  if (!upstream) {
    return NO_UPSTREAM;
  }
  const secret = upstreamEntries(upstream).find((entry) => entry.secretRef !== null);
  const kept = {
    ...NO_UPSTREAM,
    withSecret: secret !== undefined,
    secretRef: secret?.secretRef ?? "",
  };
  return upstream.type === "http"
    ? {
        ...kept,
        kind: "url",
        value: upstream.url,
        secretName: secret?.name ?? DEFAULT_CREDENTIAL_HEADER,
      }
    : {
        ...kept,
        kind: "command",
        value: describeUpstream(upstream),
        secretName: secret?.name ?? "",
        shared: upstream.sessions === "shared",
      };
}

/**
 * The real MCP server a surface fronts: what it is, what it is doing, what it
 * offers; and how clients authenticate to the surface.
 */
export function ServerTab({
  connectionId,
  connectionKind,
  productId,
  surface,
  onSurfaceChanged,
  errorContext,
  now,
}: ServerTabProps) {
  const upstream = surface.upstream ?? null;
  const upstreamKey = upstream ? JSON.stringify(upstream) : "none";
  const status = useLoad(
    () =>
      upstream ? getUpstreamStatus(connectionId, productId, surface.id) : Promise.resolve(null),
    `${connectionId}/${surface.id}/${upstreamKey}`,
  );
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<UpstreamDraft>(() => draftOf(upstream));
  const [busy, setBusy] = useState<"saving" | "syncing" | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [renderedAt] = useState(() => now ?? new Date());

  const sync = async () => {
    setBusy("syncing");
    setError(null);
    try {
      onSurfaceChanged(await syncSurface(connectionId, productId, surface.id));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(null);
      status.reload();
    }
  };

  const close = (shown: Upstream | null | undefined) => {
    // The typed secret is not kept once the form closes.
    setDraft(draftOf(shown));
    setEditing(false);
  };

  const save = async () => {
    const problem = upstreamProblem(draft, connectionKind);
    if (problem) {
      setError({ code: "invalid_input", message: problem });
      return;
    }
    const choice = upstreamChoice(draft);
    setBusy("saving");
    setError(null);
    try {
      const saved = await setUpstream(
        connectionId,
        productId,
        surface.id,
        choice,
        upstreamSecret(draft, connectionKind),
      );
      onSurfaceChanged(saved);
      close(saved.upstream);
      if (choice) {
        setBusy("syncing");
        onSurfaceChanged(await syncSurface(connectionId, productId, surface.id));
      }
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(null);
      status.reload();
    }
  };

  const current = status.state.status === "ready" ? status.state.data : null;
  const entries = upstream ? upstreamEntries(upstream) : [];
  return (
    <>
      <PanelHeader
        title="MCP server"
        description={
          upstream
            ? "The server behind this surface's endpoint. Each key reaches only the capabilities in its scopes."
            : "This surface fronts no MCP server: its keys are checked, and its capabilities are tools by name."
        }
        actions={
          <>
            {!editing && (
              <Button onClick={() => setEditing(true)} data-testid="server-change">
                {upstream ? "Change" : "Put a server behind it"}
              </Button>
            )}
            {upstream && (
              <Button
                variant="primary"
                icon="retry"
                disabled={busy !== null}
                onClick={() => void sync()}
                data-testid="server-sync"
              >
                {busy === "syncing" ? "Reading capabilities…" : "Read capabilities"}
              </Button>
            )}
          </>
        }
      />
      {error && <ErrorBanner error={error} context={errorContext} />}
      {editing && (
        <form
          className="server-tab__form dialog-form"
          aria-label="The surface's MCP server"
          data-testid="server-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <UpstreamFields draft={draft} onChange={setDraft} connectionKind={connectionKind} />
          <div className="dialog-form__actions">
            <Button onClick={() => close(upstream)} disabled={busy !== null}>
              Cancel
            </Button>
            <Button
              variant="primary"
              type="submit"
              disabled={busy !== null}
              data-testid="server-save"
            >
              {busy === "saving" ? "Saving…" : "Save"}
            </Button>
          </div>
        </form>
      )}
      {upstream && (
        <dl className="server-tab__facts" data-testid="server-facts">
          <dt>{upstream.type === "http" ? "URL" : "Command"}</dt>
          <dd>
            <code data-testid="server-upstream">{describeUpstream(upstream)}</code>
          </dd>
          {entries.length > 0 && (
            <>
              <dt>{upstream.type === "http" ? "Headers" : "Environment"}</dt>
              <dd>
                <ul className="server-tab__entries" data-testid="server-secrets">
                  {entries.map((entry) => (
                    <li key={entry.name} data-testid={`server-secret-${entry.name}`}>
                      <code>{entry.name}</code>{" "}
                      {entry.secretRef === null ? (
                        "a plain value"
                      ) : (
                        <>
                          {keepsSecretsHere(connectionKind)
                            ? "from the OS keyring, secret "
                            : "from the key service's secret "}
                          <code>{entry.secretRef}</code>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          <dt>Clients</dt>
          <dd data-testid="server-sessions">
            {upstream.sessions === "shared"
              ? "One connection for every client (no requests to clients, no notifications)"
              : upstream.type === "http"
                ? "Each client session gets its own session on the server"
                : "Each client session gets its own process"}
          </dd>
          <dt>State</dt>
          <dd data-testid="server-state" data-state={current?.state ?? "loading"}>
            {current ? (
              <>
                <Badge tone={states[current.state].tone} dot>
                  {states[current.state].label}
                </Badge>{" "}
                <span className="server-tab__since">
                  since {formatRelative(current.since, renderedAt)}
                </span>
              </>
            ) : (
              "…"
            )}
          </dd>
          {current?.lastError && (
            <>
              <dt>Last error</dt>
              <dd className="server-tab__error" data-testid="server-last-error">
                {current.lastError}
              </dd>
            </>
          )}
        </dl>
      )}
      {current?.stderrTail && (
        <details className="server-tab__log">
          <summary>What the server wrote to stderr</summary>
          <pre data-testid="server-stderr">{current.stderrTail}</pre>
        </details>
      )}
      <h3 className="server-tab__heading">Capabilities</h3>
      {surface.items.length === 0 ? (
        <p className="server-tab__empty" data-testid="server-no-items">
          {upstream
            ? "None read yet: Read capabilities starts the server and asks what it offers."
            : "None yet."}
        </p>
      ) : (
        <ul className="server-tab__items" aria-label="Capabilities" data-testid="server-items">
          {surface.items.map((item) => (
            <li key={item.capabilityName} data-testid={`server-item-${item.capabilityName}`}>
              <code>{item.capabilityName}</code>
              {item.kind && <Badge tone="neutral">{item.kind}</Badge>}
              {item.description && (
                <span className="server-tab__description">{item.description}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <AuthModeSetting
        surfaceRef={{ connectionId, productId, surfaceId: surface.id }}
        surface={surface}
        onSurfaceChanged={onSurfaceChanged}
        errorContext={errorContext}
      />
    </>
  );
}
