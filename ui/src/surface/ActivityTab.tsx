import { useState } from "react";
import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { PanelHeader } from "../components/PanelHeader";
import { Spinner } from "../components/Spinner";
import { formatRelative } from "../lib/formatDate";
import { listEvents } from "../lib/ipc/events";
import type { ErrorContext } from "../lib/ipc/ipcError";
import { useLoad } from "../lib/useLoad";
import type { Event } from "../bindings/Event";
import type { EventType } from "../bindings/EventType";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import "./ActivityTab.css";

type ActivityTabProps = {
  connectionId: string;
  surfaceId: string;
  /** The surface's keys, to name the key of each event. */
  keys: readonly KeyMetadata[];
  errorContext?: ErrorContext | undefined;
  /** The moment times are told relative to; now unless a test says otherwise. */
  now?: Date;
};

const labels: Record<EventType, string> = {
  key_created: "Key generated",
  key_revoked: "Key revoked",
  key_rolled: "Key rolled",
  auth_failed: "Request refused",
  mcp_call: "Call",
  grant_created: "Client authorized (OAuth)",
  grant_revoked: "Client's access revoked",
  oauth_requested: "Client asked to authorize",
  // A kind of event a newer server records and this app does not know yet.
  unknown: "Other event",
};

/** How a forwarded call ended, in words. */
const outcomes: Record<string, string> = {
  ok: "answered",
  error: "answered with an error",
  timeout: "no answer in time",
  unavailable: "server unavailable",
};

/** A duration in words: 12 ms, 1.4 s. */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Why a request was refused, in words (DESIGN §4's reasons). */
const reasons: Record<string, string> = {
  missing: "no key was sent",
  malformed: "the key is malformed",
  checksum: "the key has a typo (checksum mismatch)",
  unknown: "the key is unknown",
  revoked: "the key is revoked",
  expired: "the key has expired",
  wrong_surface: "the key belongs to another surface",
  environment_mismatch: "the key's environment doesn't match the surface's",
  surface_inactive: "the surface is inactive",
  scope: "the tool is outside the key's scopes",
  auth_mode: "this kind of credential is not accepted on the surface",
};

function keyLabel(event: Event, keys: readonly KeyMetadata[]): string | null {
  if (event.keyId === null) {
    return null;
  }
  const key = keys.find((k) => k.id === event.keyId);
  return key ? `${key.name} (${key.keyPrefix}…${key.keyHint})` : event.keyId;
}

/**
 * What happened on a surface: keys generated, rolled or revoked, OAuth clients
 * asking, authorized and revoked, refused requests, and calls forwarded to its
 * MCP server.
 */
export function ActivityTab({
  connectionId,
  surfaceId,
  keys,
  errorContext,
  now,
}: ActivityTabProps) {
  const events = useLoad(() => listEvents(connectionId, surfaceId), `${connectionId}/${surfaceId}`);
  const [renderedAt] = useState(() => now ?? new Date());
  const { state } = events;
  return (
    <>
      <PanelHeader
        title="Activity"
        description="What changed about this surface's keys, which requests were refused, and who called what."
        actions={
          <Button icon="retry" onClick={events.retry} data-testid="activity-refresh">
            Refresh
          </Button>
        }
      />
      {state.status === "loading" && (
        <div className="panel-status" role="status" data-testid="activity-loading">
          <Spinner />
          Loading activity…
        </div>
      )}
      {state.status === "error" && (
        <ErrorBanner error={state.error} context={errorContext} onRetry={events.retry} />
      )}
      {state.status === "ready" &&
        (state.data.length === 0 ? (
          <EmptyState icon="activity" title="No activity yet" data-testid="activity-empty">
            <p>
              Keys generated, rolled or revoked, requests refused, and calls to this surface's MCP
              server will appear here, so an unused or leaked key stands out.
            </p>
          </EmptyState>
        ) : (
          <ol className="activity-list" aria-label="Activity" data-testid="activity-list">
            {state.data.map((event) => {
              const key = keyLabel(event, keys);
              return (
                <li
                  key={event.id}
                  className={`activity-list__item activity-list__item--${event.type}${
                    event.outcome !== undefined && event.outcome !== "ok"
                      ? " activity-list__item--failed"
                      : ""
                  }`}
                  data-testid={`event-${event.id}`}
                >
                  <span className="activity-list__type">
                    {labels[event.type] ?? event.type}
                    {event.count !== undefined && event.count > 1 && ` ×${event.count}`}
                  </span>
                  <span className="activity-list__what">
                    {key && <code>{key}</code>}
                    {event.grantId !== null && event.grantId !== undefined && (
                      <code title="The OAuth grant">{event.grantId}</code>
                    )}
                    {event.type === "auth_failed" && event.reason !== null && (
                      <span className="activity-list__reason">
                        {reasons[event.reason] ?? event.reason}
                      </span>
                    )}
                    {event.type === "mcp_call" && (
                      <span className="activity-list__call" data-testid="activity-call">
                        {event.capability !== undefined && <code>{event.capability}</code>}
                        {event.client !== undefined && <span>by {event.client}</span>}
                        {event.outcome !== undefined && (
                          <span>{outcomes[event.outcome] ?? event.outcome}</span>
                        )}
                        {event.durationMs !== undefined && (
                          <span title="the longest of these calls">
                            {formatDuration(event.durationMs)}
                          </span>
                        )}
                      </span>
                    )}
                  </span>
                  <time
                    className="activity-list__time"
                    dateTime={event.createdAt}
                    title={event.createdAt}
                  >
                    {formatRelative(event.createdAt, renderedAt)}
                  </time>
                </li>
              );
            })}
          </ol>
        ))}
    </>
  );
}
