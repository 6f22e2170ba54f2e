import { Badge, type BadgeTone } from "../components/Badge";
import type { SurfaceStatus } from "../bindings/SurfaceStatus";

const badges: Record<SurfaceStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: "success", label: "Active" },
  inactive: { tone: "neutral", label: "Inactive" },
  // Another server's status, which this app cannot read: it does not say
  // whether the surface accepts requests, so it is not shown as either.
  unknown: { tone: "warning", label: "Unknown status" },
};

/** Active or Inactive: whether the surface accepts requests at all. */
export function StatusBadge({ status }: { status: SurfaceStatus }) {
  const { tone, label } = badges[status];
  return (
    <Badge tone={tone} dot>
      {label}
    </Badge>
  );
}
