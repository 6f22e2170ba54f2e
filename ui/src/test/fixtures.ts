import type { AppInfo } from "../bindings/AppInfo";
import type { KeySummary, Product, Surface, Workspace } from "../model/workspace";
import { localWorkspace } from "../model/localWorkspace";

/** Test data shaped like the real answers; shared by the component tests. */

export const appInfo: AppInfo = {
  name: "MCP Keys",
  version: "0.1.0",
  localServiceUrl: "http://127.0.0.1:7410",
};

export const product: Product = {
  id: "prod_1",
  name: "Acme tools",
  createdAt: "2025-03-01T10:00:00Z",
};

export function surface(overrides: Partial<Surface> = {}): Surface {
  return {
    id: "surf_1",
    productId: product.id,
    name: "Docs search",
    type: "mcp",
    status: "active",
    environment: "development",
    url: "http://127.0.0.1:7410/v1/products/prod_1/surfaces/surf_1/mcp",
    keys: [],
    createdAt: "2025-03-01T10:00:00Z",
    updatedAt: "2025-03-01T10:00:00Z",
    ...overrides,
  };
}

export function key(overrides: Partial<KeySummary> = {}): KeySummary {
  return {
    id: "key_1",
    surfaceId: "surf_1",
    productId: product.id,
    name: "MCP - Claude Desktop",
    keyPrefix: "mcp_dev_Ab3dE5gH",
    keyHint: "x9Zq",
    scopes: [],
    environment: "development",
    isActive: true,
    createdAt: "2025-03-02T10:00:00Z",
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    lastUsedClient: null,
    rateLimitPerMinute: null,
    rateLimitPerDay: null,
    ...overrides,
  };
}

/** The local workspace with one product holding the given surfaces. */
export function workspaceWith(surfaces: Surface[]): Workspace {
  const workspace = localWorkspace(appInfo);
  const [local] = workspace.connections;
  if (!local) {
    throw new Error("the local workspace always has the local connection");
  }
  return { connections: [{ ...local, products: [{ product, surfaces }] }] };
}
