import type { Connection, Product, Surface, Workspace } from "./workspace";

/** What the main area shows: a surface of a connection, or nothing picked yet. */
export type Selection = { connectionId: string; surfaceId: string } | null;

/** A selected surface with the connection and product it belongs to. */
export type SelectedSurface = {
  connection: Connection;
  product: Product;
  surface: Surface;
};

/** Resolves a selection against the workspace; `undefined` when it points at nothing (any more). */
export function findSelectedSurface(
  workspace: Workspace,
  selection: Selection,
): SelectedSurface | undefined {
  if (!selection) {
    return undefined;
  }
  const node = workspace.connections.find((c) => c.connection.id === selection.connectionId);
  for (const { product, surfaces } of node?.products ?? []) {
    const surface = surfaces.find((s) => s.id === selection.surfaceId);
    if (node && surface) {
      return { connection: node.connection, product, surface };
    }
  }
  return undefined;
}

/** True when no connection has a single surface yet: time for the welcome. */
export function hasNoSurfaces(workspace: Workspace): boolean {
  return workspace.connections.every(({ products }) =>
    products.every(({ surfaces }) => surfaces.length === 0),
  );
}
