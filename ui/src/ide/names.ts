import type { WorkspaceTree } from "../bindings/WorkspaceTree";

/** What the workspace calls a key and its surface, for a scan entry that names only ids. */
export type KnownNames = {
  /** The key's name, when the workspace has loaded the key. */
  keyName: (keyId: string) => string | undefined;
  /** "Product › Surface", when the workspace lists the surface. */
  surfaceName: (surfaceId: string) => string | undefined;
};

/**
 * Indexes the names in the workspace tree (its surfaces may come without
 * their keys), plus `moreKeys` (key id → name) learnt elsewhere.
 */
export function knownNames(
  workspace: WorkspaceTree,
  moreKeys: ReadonlyMap<string, string> = new Map(),
): KnownNames {
  const keys = new Map<string, string>(moreKeys);
  const surfaces = new Map<string, string>();
  for (const { products } of workspace.connections) {
    for (const { product, surfaces: productSurfaces } of products) {
      for (const surface of productSurfaces) {
        surfaces.set(surface.id, `${product.name} › ${surface.name}`);
        for (const key of surface.keys) {
          keys.set(key.id, key.name);
        }
      }
    }
  }
  return {
    keyName: (keyId) => keys.get(keyId),
    surfaceName: (surfaceId) => surfaces.get(surfaceId),
  };
}
