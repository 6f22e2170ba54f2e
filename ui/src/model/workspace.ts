/*
 * The UI's model of what the sidebar and the main area show. Field names
 * mirror the management API (DESIGN §3, camelCase); timestamps are RFC 3339
 * strings as they arrive over JSON. Where Rust already exports a type
 * (ui/src/bindings/) it is used here; later issues replace the rest the same way.
 */

import type { Environment } from "../bindings/Environment";

/** Development or production, as generated from Rust (key format: `dev` / `prod`). */
export type { Environment };

/** An inactive surface refuses every request with 403 `surface_inactive`. */
export type SurfaceStatus = "active" | "inactive";

/** The embedded key service of this app, or a saved remote one (Runtype, a team server). */
export type ConnectionKind = "local" | "remote";

/** A key service the app manages keys on. */
export type Connection = {
  id: string;
  kind: ConnectionKind;
  name: string;
  /** Base URL of the service's management API. */
  serverUrl: string;
};

export type Product = {
  id: string;
  name: string;
  createdAt: string;
};

/** An MCP server endpoint whose clients authenticate with `mcp_` keys. */
export type Surface = {
  id: string;
  productId: string;
  name: string;
  type: "mcp";
  status: SurfaceStatus;
  environment: Environment;
  /** The surface's MCP endpoint. */
  url: string;
  /** Metadata of the surface's keys; never the keys themselves. */
  keys: KeySummary[];
  createdAt: string;
  updatedAt: string;
};

/** What the app may know of a key: metadata only, the secret is shown once at creation. */
export type KeySummary = {
  id: string;
  surfaceId: string;
  productId: string;
  name: string;
  /** `mcp_<env>_<id>`: public, identifies the key. */
  keyPrefix: string;
  /** The key's last 4 characters. */
  keyHint: string;
  /** Capability names the key may call; empty means all of the surface's. */
  scopes: string[];
  environment: Environment;
  isActive: boolean;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** The MCP `clientInfo.name` or User-Agent that used the key last. */
  lastUsedClient: string | null;
  rateLimitPerMinute: number | null;
  rateLimitPerDay: number | null;
};

/** A product with its surfaces, as the sidebar nests them. */
export type ProductNode = {
  product: Product;
  surfaces: Surface[];
};

/** A connection with its products, as the sidebar nests them. */
export type ConnectionNode = {
  connection: Connection;
  products: ProductNode[];
};

/** Everything the app shows: connections → products → surfaces. */
export type Workspace = {
  connections: ConnectionNode[];
};
