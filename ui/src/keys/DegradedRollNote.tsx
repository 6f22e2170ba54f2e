import { useState } from "react";
import { Icon } from "../components/Icon";

// The old key's last moment may be an hour away: the time matters, not only the day.
const momentFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

type DegradedRollNoteProps = {
  /** The grace period the roll was asked for. */
  graceSeconds: number;
};

/**
 * Says that the server could not roll the key itself (it has no roll route,
 * as on Runtype): the new key was made beside the old one, and MCP Keys, not
 * the server, revokes the old key when the grace period ends, so it must run
 * then or later.
 */
export function DegradedRollNote({ graceSeconds }: DegradedRollNoteProps) {
  // The grace period counts from the roll, which is when this appears.
  const [shownAt] = useState(() => new Date());
  const endsAt = new Date(shownAt.getTime() + graceSeconds * 1000);
  return (
    <p className="key-dialog__degraded" role="note" data-testid="roll-degraded">
      <Icon name="alert" size="sm" />
      <span>
        This server can't roll keys itself, so MCP Keys made the new key beside the old one.{" "}
        {graceSeconds === 0
          ? "MCP Keys revokes the old key itself, right away."
          : `The old key keeps working until ${momentFormat.format(endsAt)}; then MCP Keys revokes it, if it is running, or else the next time the app or the mcp-keys command runs.`}
      </span>
    </p>
  );
}
