import type { Connection } from "../bindings/Connection";
import type { ConnectionView } from "../bindings/ConnectionView";
import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";

/** What the main area shows: a surface of a connection, or nothing picked yet. */
export type Selection = { connectionId: string; productId: string; surfaceId: string } | null;

/** A selected surface with the connection and product it belongs to. */
export type SelectedSurface = {
  connection: Connection;
  product: Product;
  surface: Surface;
  /** Served from the local cache: the server is unreachable. */
  offline: boolean;
};

/** Resolves a selection against the workspace; `undefined` when it points at nothing (any more). */
export function findSelectedSurface(
  workspace: WorkspaceTree,
  selection: Selection,
): SelectedSurface | undefined {
  if (!selection) {
    return undefined;
  }
  const node = workspace.connections.find((c) => c.connection.id === selection.connectionId);
  const productNode = node?.products.find((p) => p.product.id === selection.productId);
  const surface = productNode?.surfaces.find((s) => s.id === selection.surfaceId);
  if (!node || !productNode || !surface) {
    return undefined;
  }
  return {
    connection: node.connection,
    product: productNode.product,
    surface,
    offline: node.offline,
  };
}

/** The first surface of the workspace (default connection first), to open on start. */
export function firstSurface(workspace: WorkspaceTree): Selection {
  const ordered = [...workspace.connections].sort(
    (a, b) => Number(b.connection.isDefault) - Number(a.connection.isDefault),
  );
  for (const { connection, products } of ordered) {
    for (const { product, surfaces } of products) {
      const [surface] = surfaces;
      if (surface) {
        return { connectionId: connection.id, productId: product.id, surfaceId: surface.id };
      }
    }
  }
  return null;
}

/** The embedded key service's connection ("This computer"). */
export function localConnection(workspace: WorkspaceTree): ConnectionView | undefined {
  return workspace.connections.find((c) => c.connection.kind === "local");
}

/** True when no connection has a single surface yet: time for the first-run form. */
export function hasNoSurfaces(workspace: WorkspaceTree): boolean {
  return workspace.connections.every(({ products }) =>
    products.every(({ surfaces }) => surfaces.length === 0),
  );
}

/** How an error or a message names a connection's server. */
export function serverName(connection: Connection): string {
  return connection.kind === "local" ? "the local key service" : connection.baseUrl;
}
