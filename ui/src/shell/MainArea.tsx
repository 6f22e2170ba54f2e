import { EmptyState } from "../components/EmptyState";
import {
  findSelectedSurface,
  hasNoSurfaces,
  localConnection,
  type Selection,
} from "../model/selection";
import type { Product, Surface, WorkspaceTree } from "../model/workspace";
import { SurfaceView } from "../surface/SurfaceView";
import { WorkspaceWelcome } from "../workspace/WorkspaceWelcome";

type MainAreaProps = {
  workspace: WorkspaceTree;
  selection: Selection;
  onSurfaceCreated: (connectionId: string, product: Product, surface: Surface) => void;
};

/** The selected surface; otherwise the first-run form (no surfaces yet) or a hint to pick one. */
export function MainArea({ workspace, selection, onSurfaceCreated }: MainAreaProps) {
  const selected = findSelectedSurface(workspace, selection);
  const local = localConnection(workspace);
  return (
    <main className="app-shell__main" data-testid="main">
      {selected ? (
        <SurfaceView
          key={`${selected.connection.id}/${selected.product.id}/${selected.surface.id}`}
          connection={selected.connection}
          product={selected.product}
          surface={selected.surface}
          offline={selected.offline}
        />
      ) : local && hasNoSurfaces(workspace) ? (
        <WorkspaceWelcome
          connection={local.connection}
          existingProduct={local.products[0]?.product}
          onCreated={(product, surface) => onSurfaceCreated(local.connection.id, product, surface)}
        />
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
