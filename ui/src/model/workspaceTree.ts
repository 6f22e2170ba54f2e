import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";

/**
 * The workspace with a surface just created in it (and its product, when that
 * is new too), so the app can open it at once while the full tree reloads.
 */
export function withSurface(
  workspace: WorkspaceTree,
  connectionId: string,
  product: Product,
  surface: Surface,
): WorkspaceTree {
  return {
    ...workspace,
    connections: workspace.connections.map((node) => {
      if (node.connection.id !== connectionId) {
        return node;
      }
      const known = node.products.some((p) => p.product.id === product.id);
      const products = known
        ? node.products.map((p) =>
            p.product.id === product.id
              ? { ...p, surfaces: [...p.surfaces.filter((s) => s.id !== surface.id), surface] }
              : p,
          )
        : [...node.products, { product, surfaces: [surface] }];
      return { ...node, products };
    }),
  };
}
