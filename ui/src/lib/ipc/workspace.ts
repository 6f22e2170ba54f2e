import type { Environment, Product, Surface, WorkspaceTree } from "../../model/workspace";
import { invokeCommand } from "./invoke";

/** Every connection with its products and surfaces (surfaces without their keys). */
export function loadWorkspace(): Promise<WorkspaceTree> {
  return invokeCommand<WorkspaceTree>("workspace_load");
}

/** One surface with its capabilities and the metadata of all its keys. */
export function getSurface(
  connectionId: string,
  productId: string,
  surfaceId: string,
): Promise<Surface> {
  return invokeCommand<Surface>("surface_get", { connectionId, productId, surfaceId });
}

export function createProduct(connectionId: string, name: string): Promise<Product> {
  return invokeCommand<Product>("product_create", { connectionId, name });
}

/** A new MCP surface of a product, with one capability (tool) per name. */
export function createSurface(
  connectionId: string,
  productId: string,
  name: string,
  environment: Environment,
  capabilities: string[],
): Promise<Surface> {
  return invokeCommand<Surface>("surface_create", {
    connectionId,
    productId,
    name,
    environment,
    capabilities,
  });
}
