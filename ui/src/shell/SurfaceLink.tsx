import type { Surface } from "../bindings/Surface";
import { EnvironmentBadge } from "../surface/EnvironmentBadge";
import { StatusBadge } from "../surface/StatusBadge";

type SurfaceLinkProps = {
  surface: Surface;
  selected: boolean;
  onSelect: () => void;
};

/** A surface in the sidebar: its name and badges; opens it in the main area. */
export function SurfaceLink({ surface, selected, onSelect }: SurfaceLinkProps) {
  return (
    <button
      type="button"
      className="sidebar-surface"
      aria-current={selected ? "page" : undefined}
      data-testid={`surface-${surface.id}`}
      onClick={onSelect}
    >
      <span className="sidebar-surface__name">{surface.name}</span>
      <span className="sidebar-surface__badges">
        <StatusBadge status={surface.status} />
        <EnvironmentBadge environment={surface.environment} />
      </span>
    </button>
  );
}
