import { useEffect, useId, useRef, useState } from "react";
import type { ReminderSnooze } from "../bindings/ReminderSnooze";
import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { Icon } from "../components/Icon";
import { Spinner } from "../components/Spinner";
import { formatDate } from "../lib/formatDate";
import { toIpcError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { onRemindersChanged } from "../lib/ipc/appEvents";
import { listReminders, muteReminder, snoozeReminder } from "../lib/ipc/reminders";
import { useLoad } from "../lib/useLoad";
import { groupByKey, isSnoozed, withSnooze, withoutKey, type DueKey } from "./dueKeys";
import { ReminderRow } from "./ReminderRow";
import type { ReminderOpen } from "../bindings/ReminderOpen";
import "./RemindersPage.css";

export type RemindersPageProps = {
  /** Opens the key's surface with its Roll dialog ready. */
  /** Opens a reminder's key where it lives, with Roll ready. */
  onOpenKey: (target: ReminderOpen) => void;
  /** The moment dates are told relative to; now unless a test says otherwise. */
  now?: Date;
};

/** What the last action did, said once in the status line. */
type Notice =
  | { kind: "snoozed"; name: string; until: string }
  | { kind: "muted"; keyId: string; name: string }
  | { kind: "unmuted"; name: string };

/** Which row takes focus after the one acted on left its list. */
type FocusAfter = { list: "due" | "snoozed"; index: number };

/**
 * Every key that needs attention now: rotation due or overdue,
 * expiring, revoked but still configured, or leaked into git. Follows Rust's
 * `reminder://changed`, so a check in the background updates the list.
 */
export function RemindersPage({ onOpenKey, now }: RemindersPageProps) {
  const titleId = useId();
  const reminders = useLoad(listReminders, "reminders");
  const { state, retry, reload, update } = reminders;
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<Readonly<Record<string, IpcError>>>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [undoError, setUndoError] = useState<IpcError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const dueList = useRef<HTMLUListElement>(null);
  const snoozedList = useRef<HTMLUListElement>(null);
  const focusAfter = useRef<FocusAfter | null>(null);

  const at = now ?? new Date();
  const keys = state.status === "ready" ? groupByKey(state.data.reminders) : [];
  const due = keys.filter((key) => !isSnoozed(key, at));
  const snoozed = keys.filter((key) => isSnoozed(key, at));

  // How many keys are shown, to tell a real change from the echo of our own
  // `reminders_list` (which emits `reminder://changed` with the count it
  // found): re-fetching on every event would fetch forever.
  const shown = useRef<number | "error" | null>(null);
  useEffect(() => {
    shown.current =
      state.status === "ready"
        ? groupByKey(state.data.reminders).length
        : state.status === "error"
          ? "error"
          : null;
  }, [state]);

  useEffect(
    () =>
      onRemindersChanged((count) => {
        const current = shown.current;
        // While loading, the answer on its way is newer than the event.
        if (current !== null && current !== count) {
          reload();
        }
      }),
    [reload],
  );

  // A row that left its list hands focus to the one now in its place, so
  // the keyboard can work through the list; else to the page's title.
  useEffect(() => {
    const target = focusAfter.current;
    if (target === null) {
      return;
    }
    focusAfter.current = null;
    const list = target.list === "due" ? dueList.current : snoozedList.current;
    const rows = list ? [...list.querySelectorAll<HTMLElement>(":scope > li")] : [];
    const row = rows[Math.min(target.index, rows.length - 1)];
    (row ?? heading.current)?.focus();
  }, [state]);

  const act = async (key: DueKey, action: () => Promise<void>) => {
    setBusy((keys) => new Set(keys).add(key.keyId));
    setErrors(({ [key.keyId]: _, ...rest }) => rest);
    try {
      await action();
    } catch (error) {
      setErrors((errors) => ({ ...errors, [key.keyId]: toIpcError(error) }));
    } finally {
      setBusy((keys) => {
        const next = new Set(keys);
        next.delete(key.keyId);
        return next;
      });
    }
  };

  const snooze = (key: DueKey, snooze: ReminderSnooze, from: FocusAfter) =>
    act(key, async () => {
      const until = await snoozeReminder(key.keyId, snooze);
      // A due key moves to the snoozed ones; a snoozed one only gets longer.
      if (from.list === "due") {
        focusAfter.current = from;
      }
      update((report) => ({
        ...report,
        reminders: withSnooze(report.reminders, key.keyId, until),
      }));
      setUndoError(null);
      setNotice({ kind: "snoozed", name: key.name, until });
    });

  const mute = (key: DueKey, from: FocusAfter) =>
    act(key, async () => {
      await muteReminder(key.keyId, true);
      focusAfter.current = from;
      update((report) => ({ ...report, reminders: withoutKey(report.reminders, key.keyId) }));
      setUndoError(null);
      setNotice({ kind: "muted", keyId: key.keyId, name: key.name });
    });

  const unmute = async (keyId: string, name: string) => {
    try {
      await muteReminder(keyId, false);
      setUndoError(null);
      setNotice({ kind: "unmuted", name });
      reload();
    } catch (error) {
      setUndoError(toIpcError(error));
    }
  };

  const row = (key: DueKey, from: FocusAfter) => (
    <ReminderRow
      key={key.keyId}
      dueKey={key}
      snoozed={from.list === "snoozed"}
      busy={busy.has(key.keyId)}
      error={errors[key.keyId] ?? null}
      now={at}
      onRoll={() =>
        onOpenKey({
          connectionId: key.connectionId,
          productId: key.productId,
          surfaceId: key.surfaceId,
          keyId: key.keyId,
        })
      }
      onSnooze={(length) => void snooze(key, length, from)}
      onMute={() => void mute(key, from)}
    />
  );

  return (
    <section className="reminders-page" aria-labelledby={titleId} data-testid="reminders-page">
      <header className="reminders-page__header">
        <div className="reminders-page__heading">
          <h1 id={titleId} ref={heading} tabIndex={-1} className="reminders-page__title">
            Reminders
          </h1>
          <p className="reminders-page__description">
            Keys due for rotation or about to expire, revoked keys still in an IDE config, and keys
            committed to git. MCP Keys checks every hour and notifies you.
          </p>
        </div>
        <Button icon="retry" onClick={retry} data-testid="reminders-refresh">
          Refresh
        </Button>
      </header>

      <div className="reminders-page__notice" role="status" data-testid="reminders-status">
        {notice?.kind === "snoozed" && (
          <p>
            “{notice.name}” is snoozed until {formatDate(notice.until)}.
          </p>
        )}
        {notice?.kind === "muted" && (
          <p>
            You won't be reminded about “{notice.name}” any more.{" "}
            <Button
              size="sm"
              variant="ghost"
              onClick={() => void unmute(notice.keyId, notice.name)}
              data-testid="reminders-undo-mute"
            >
              Undo
            </Button>
          </p>
        )}
        {notice?.kind === "unmuted" && <p>Reminders about “{notice.name}” are back on.</p>}
      </div>
      {undoError && <ErrorBanner error={undoError} data-testid="reminders-undo-error" />}

      {state.status === "loading" && (
        <div className="reminders-page__loading" role="status" data-testid="reminders-loading">
          <Spinner />
          Checking which keys are due…
        </div>
      )}
      {state.status === "error" && <ErrorBanner error={state.error} onRetry={retry} />}
      {state.status === "ready" && (
        <>
          {state.data.unreachable.length > 0 && (
            <div className="reminders-page__offline" data-testid="reminders-offline">
              <Icon name="cloud" />
              <div>
                <p className="reminders-page__offline-title">
                  Some connections are offline: their keys were checked from the local cache.
                </p>
                <ul className="reminders-page__offline-list">
                  {state.data.unreachable.map((connection) => (
                    <li
                      key={connection.connectionId}
                      data-testid={`reminders-offline-${connection.connectionId}`}
                    >
                      <strong>{connection.name}</strong>: {connection.message}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          )}
          {due.length === 0 ? (
            <EmptyState icon="check" title="Nothing is due" data-testid="reminders-empty">
              <p>
                No key needs rotating, is about to expire or sits where it shouldn't. You'll get a
                notification when one does.
              </p>
            </EmptyState>
          ) : (
            <ul
              ref={dueList}
              className="reminder-list"
              aria-label="Due now"
              data-testid="reminders-list"
            >
              {due.map((key, index) => row(key, { list: "due", index }))}
            </ul>
          )}
          {snoozed.length > 0 && (
            <section className="reminders-page__snoozed" aria-labelledby={`${titleId}-snoozed`}>
              <h2 id={`${titleId}-snoozed`} className="reminders-page__subtitle">
                Snoozed
              </h2>
              <ul ref={snoozedList} className="reminder-list" data-testid="reminders-snoozed">
                {snoozed.map((key, index) => row(key, { list: "snoozed", index }))}
              </ul>
            </section>
          )}
        </>
      )}
    </section>
  );
}
