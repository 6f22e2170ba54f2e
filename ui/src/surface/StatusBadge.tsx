import { Badge } from "../components/Badge";
import type { SurfaceStatus } from "../model/workspace";

/** Active or Inactive: whether the surface accepts requests at all. */
export function StatusBadge({ status }: { status: SurfaceStatus }) {
  return status === "active" ? (
    <Badge tone="success" dot>
      Active
    </Badge>
  ) : (
    <Badge tone="neutral" dot>
      Inactive
    </Badge>
  );
}
