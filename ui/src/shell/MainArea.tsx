import { EmptyState } from "../components/EmptyState";
import { findSelectedSurface, hasNoSurfaces, type Selection } from "../model/selection";
import type { Workspace } from "../model/workspace";
import { SurfaceView } from "../surface/SurfaceView";
import { WorkspaceWelcome } from "../workspace/WorkspaceWelcome";

type MainAreaProps = {
  workspace: Workspace;
  selection: Selection;
  onGenerateKey?: (() => void) | undefined;
};

/** The selected surface; otherwise the welcome (no surfaces at all) or a hint to pick one. */
export function MainArea({ workspace, selection, onGenerateKey }: MainAreaProps) {
  const selected = findSelectedSurface(workspace, selection);
  return (
    <main className="app-shell__main" data-testid="main">
      {selected ? (
        <SurfaceView
          key={`${selected.connection.id}/${selected.surface.id}`}
          product={selected.product}
          surface={selected.surface}
          onGenerateKey={onGenerateKey}
        />
      ) : hasNoSurfaces(workspace) ? (
        <WorkspaceWelcome />
      ) : (
        <EmptyState icon="layers" title="Pick a surface" titleAs="h1" size="lg">
          <p>
            Choose a surface in the sidebar to see its keys, connect an IDE or review its activity.
          </p>
        </EmptyState>
      )}
    </main>
  );
}
