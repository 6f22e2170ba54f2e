import type { UpstreamChoice } from "../../bindings/UpstreamChoice";
import type { UpstreamStatus } from "../../bindings/UpstreamStatus";
import type { Environment } from "../../bindings/Environment";
import type { Product } from "../../bindings/Product";
import type { Surface } from "../../bindings/Surface";
import type { SurfaceStatus } from "../../bindings/SurfaceStatus";
import type { SurfaceDetail } from "../../bindings/SurfaceDetail";
import type { WorkspaceTree } from "../../bindings/WorkspaceTree";
import { invokeCommand } from "./invoke";

/** Every connection with its products and surfaces (surfaces without their keys). */
export function loadWorkspace(): Promise<WorkspaceTree> {
  return invokeCommand<WorkspaceTree>("workspace_load");
}

/** One surface with its capabilities, the metadata of all its keys, and when each is due for rotation. */
export function getSurface(
  connectionId: string,
  productId: string,
  surfaceId: string,
): Promise<SurfaceDetail> {
  return invokeCommand<SurfaceDetail>("surface_get", { connectionId, productId, surfaceId });
}

export function createProduct(connectionId: string, name: string): Promise<Product> {
  return invokeCommand<Product>("product_create", { connectionId, name });
}

/**
 * A new MCP surface of a product: in front of the MCP server `upstream` (its
 * capabilities come from it: `syncSurface`), or with one capability (tool) per name.
 * `secret` is the value of the secret `upstream` names, saved in the OS keyring
 * first (the app's own key service only); null keeps the one saved under that name.
 */
export function createSurface(
  connectionId: string,
  productId: string,
  name: string,
  environment: Environment,
  capabilities: string[],
  upstream: UpstreamChoice | null = null,
  secret: string | null = null,
): Promise<Surface> {
  return invokeCommand<Surface>("surface_create", {
    connectionId,
    productId,
    name,
    environment,
    capabilities,
    upstream,
    secret,
  });
}

/**
 * Points a surface at another MCP server, or (null) at none; `secret` as for
 * `createSurface`.
 */
export function setUpstream(
  connectionId: string,
  productId: string,
  surfaceId: string,
  upstream: UpstreamChoice | null,
  secret: string | null = null,
): Promise<Surface> {
  return invokeCommand<Surface>("surface_set_upstream", {
    connectionId,
    productId,
    surfaceId,
    upstream,
    secret,
  });
}

/** Starts the surface's MCP server if needed; the surface with the capabilities it offers now. */
export function syncSurface(
  connectionId: string,
  productId: string,
  surfaceId: string,
): Promise<Surface> {
  return invokeCommand<Surface>("surface_sync", { connectionId, productId, surfaceId });
}

/** What the surface's MCP server is doing: stopped, starting, running, crashed, unreachable. */
export function getUpstreamStatus(
  connectionId: string,
  productId: string,
  surfaceId: string,
): Promise<UpstreamStatus> {
  return invokeCommand<UpstreamStatus>("upstream_status", { connectionId, productId, surfaceId });
}

/**
 * Turns a surface on (`active`: its keys are accepted) or off (`inactive`:
 * every key gets 403).
 */
export function setSurfaceStatus(
  connectionId: string,
  productId: string,
  surfaceId: string,
  status: SurfaceStatus,
): Promise<Surface> {
  return invokeCommand<Surface>("surface_set_status", {
    connectionId,
    productId,
    surfaceId,
    status,
  });
}
