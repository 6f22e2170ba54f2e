import { useCallback, useEffect, useState } from "react";
import type { PendingAuthorization } from "../bindings/PendingAuthorization";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { Button } from "../components/Button";
import { onAuthorizationsChanged } from "../lib/ipc/appEvents";
import { pendingAuthorizations } from "../lib/ipc/oauth";
import { serverName } from "../model/selection";
import { AuthorizationDialog } from "./AuthorizationDialog";
import { requestKey, untilFirstExpiry, waiting } from "./pendingAuthorizations";

type AuthorizationRequestsProps = {
  /** The connections, to name the server of a request when there are several. */
  workspace: WorkspaceTree;
};

/**
 * OAuth clients waiting for the owner's consent, as Rust's watcher reports
 * them: the dialog for the oldest, gone as soon as it is decided anywhere or
 * expires. A dialog closed without deciding leaves a line to reopen it.
 */
export function AuthorizationRequests({ workspace }: AuthorizationRequestsProps) {
  const [pending, setPending] = useState<PendingAuthorization[]>([]);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let current = true;
    // Rust's list may have changed before this window listened: ask once.
    pendingAuthorizations().then(
      (list) => current && setPending(list),
      () => {},
    );
    const stop = onAuthorizationsChanged((list) => {
      // Newer than the answer to the first question, whenever that lands.
      current = false;
      setPending(list);
    });
    return () => {
      current = false;
      stop();
    };
  }, []);

  // Re-judged when the first request expires, in case Rust has not yet said.
  useEffect(() => {
    const wait = untilFirstExpiry(pending, Date.now());
    if (wait === null) {
      return;
    }
    const timer = setTimeout(() => setNow(Date.now()), wait);
    return () => clearTimeout(timer);
  }, [pending, now]);

  const forget = useCallback((done: PendingAuthorization) => {
    setPending((list) => list.filter((p) => requestKey(p) !== requestKey(done)));
  }, []);

  const first = waiting(pending, dismissed, now)[0];
  const putAside = waiting(pending, new Set(), now).filter((p) => dismissed.has(requestKey(p)));
  const connection = (id: string) =>
    workspace.connections.find((view) => view.connection.id === id)?.connection;
  const several = workspace.connections.length > 1;
  const serverOf = (p: PendingAuthorization) => {
    const found = connection(p.connectionId);
    return found ? serverName(found) : undefined;
  };

  return (
    <>
      {putAside.length > 0 && (
        <p className="app-shell__notice" role="status" data-testid="authorizations-waiting">
          {putAside.length === 1
            ? `${putAside[0]?.request.clientName} is waiting for your approval to use ${putAside[0]?.request.surfaceName}.`
            : `${putAside.length} clients are waiting for your approval.`}{" "}
          <Button
            size="sm"
            data-testid="authorizations-review"
            onClick={() => setDismissed(new Set())}
          >
            Review
          </Button>
        </p>
      )}
      {first && (
        <AuthorizationDialog
          key={requestKey(first)}
          pending={first}
          serverName={several ? serverOf(first) : undefined}
          errorContext={{ server: serverOf(first) }}
          onDecided={() => forget(first)}
          onDismiss={() => setDismissed((set) => new Set(set).add(requestKey(first)))}
        />
      )}
    </>
  );
}
