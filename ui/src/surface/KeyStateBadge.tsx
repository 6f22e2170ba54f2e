import { Badge } from "../components/Badge";
import type { KeyState } from "../model/keyState";

const labels: Record<KeyState, string> = {
  active: "Active",
  revoked: "Revoked",
  expired: "Expired",
};

/** Whether a key still works. */
export function KeyStateBadge({ state }: { state: KeyState }) {
  return (
    <Badge tone={state === "active" ? "success" : "neutral"} dot>
      {labels[state]}
    </Badge>
  );
}
