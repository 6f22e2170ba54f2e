import { useId } from "react";
import type { ReminderSnooze } from "../bindings/ReminderSnooze";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { formatDate } from "../lib/formatDate";
import type { IpcError } from "../bindings/IpcError";
import type { DueKey } from "./dueKeys";
import { describeDate, describeReason, reasonLabels, reasonTones } from "./reminderWords";

type ReminderRowProps = {
  dueKey: DueKey;
  snoozed: boolean;
  /** An action on this key is under way: its buttons wait. */
  busy: boolean;
  /** Why the last action on this key failed. */
  error: IpcError | null;
  now: Date;
  onRoll: () => void;
  onSnooze: (snooze: ReminderSnooze) => void;
  onMute: () => void;
};

/** One key that needs attention: what it is, why, when, and what to do about it. */
export function ReminderRow({
  dueKey,
  snoozed,
  busy,
  error,
  now,
  onRoll,
  onSnooze,
  onMute,
}: ReminderRowProps) {
  const nameId = useId();
  const { keyId } = dueKey;
  // While busy the buttons stay focusable (aria-disabled, not disabled), so
  // keyboard focus is not thrown out of the row mid-action.
  const guard = (action: () => void) => () => {
    if (!busy) {
      action();
    }
  };
  const canOpen = dueKey.surfaceId !== null;
  return (
    <li
      className="reminder-row"
      tabIndex={-1}
      aria-labelledby={nameId}
      aria-busy={busy}
      data-key-id={keyId}
      data-testid={`reminder-${keyId}`}
    >
      <div className="reminder-row__key">
        <span id={nameId} className="reminder-row__name">
          {dueKey.name}
        </span>
        <code className="reminder-row__prefix">{dueKey.keyPrefix}</code>
        {snoozed && dueKey.snoozedUntil !== null && (
          <Badge tone="neutral">
            <span data-testid={`reminder-snoozed-${keyId}`}>
              Snoozed until {formatDate(dueKey.snoozedUntil)}
            </span>
          </Badge>
        )}
      </div>
      <ul className="reminder-row__reasons" aria-label="Why">
        {dueKey.reminders.map((reminder) => (
          <li key={reminder.reason} className="reminder-row__reason">
            <Badge tone={reasonTones[reminder.reason]}>{reasonLabels[reminder.reason]}</Badge>
            <span className="reminder-row__reason-text">{describeReason(reminder, now)}</span>
            <time className="reminder-row__date" dateTime={reminder.dueAt} title={reminder.dueAt}>
              {describeDate(reminder)}
            </time>
          </li>
        ))}
      </ul>
      {!canOpen && (
        <p className="reminder-row__note">
          No saved connection holds this key: remove it from the config file it was found in.
        </p>
      )}
      <div className="reminder-row__actions" role="group" aria-labelledby={nameId}>
        <Button
          size="sm"
          icon="roll"
          disabled={!canOpen}
          aria-disabled={busy || undefined}
          aria-describedby={nameId}
          onClick={guard(onRoll)}
          data-testid={`reminder-roll-${keyId}`}
        >
          Roll…
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-disabled={busy || undefined}
          aria-describedby={nameId}
          onClick={guard(() => onSnooze("day"))}
          data-testid={`reminder-snooze-day-${keyId}`}
        >
          Snooze 1 day
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-disabled={busy || undefined}
          aria-describedby={nameId}
          onClick={guard(() => onSnooze("week"))}
          data-testid={`reminder-snooze-week-${keyId}`}
        >
          Snooze 1 week
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-disabled={busy || undefined}
          aria-describedby={nameId}
          onClick={guard(onMute)}
          data-testid={`reminder-mute-${keyId}`}
        >
          Stop reminding
        </Button>
      </div>
      {error && (
        <div className="reminder-row__error">
          <ErrorBanner error={error} data-testid={`reminder-error-${keyId}`} />
        </div>
      )}
    </li>
  );
}
