import type { Upstream } from "../bindings/Upstream";
/*
 * The UI's model of the desktop IPC contract (issue 6). Field names are exactly
 * those of the Rust types (DESIGN §3, camelCase); timestamps are RFC 3339
 * strings. Until ts-rs exports a type to ui/src/bindings/, it is written here,
 * once: switching to the generated one is a one-line change per type
 * (`export type { KeyMetadata } from "../bindings/KeyMetadata";`).
 */

import type { ConfigRollReport } from "../bindings/ConfigRollReport";
import type { Environment } from "../bindings/Environment";
import type { IpcError } from "../lib/ipc/ipcError";

/** Development or production, as generated from Rust (key format: `dev` / `prod`). */
export type { Environment };

/** An inactive surface refuses every request with 403 `surface_inactive`. */
export type SurfaceStatus = "active" | "inactive";

/** The app's embedded key service, a self-hosted mcp-keys server, or a Runtype account. */
export type ConnectionKind = "local" | "mcp-keys" | "runtype";

/** A key service the app manages keys on (crate mcp-keys-store). */
export type Connection = {
  id: string;
  name: string;
  kind: ConnectionKind;
  /** Base URL of the service's management API. */
  baseUrl: string;
  isDefault: boolean;
  createdAt: string;
};

export type Product = {
  id: string;
  name: string;
  createdAt: string;
};

/** A capability of a surface: one MCP tool a key may be scoped to. */
export type Item = {
  capabilityName: string;
  /** For items synced from the surface's MCP server: what it is. */
  kind?: "tool" | "prompt" | "resource" | "unknown";
  /** What it does, as the MCP server describes it. */
  description?: string;
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
  /** The real MCP server it fronts, if any (DESIGN §7). */
  upstream?: Upstream | null;
  items: Item[];
  /** Metadata of the surface's keys; never the keys themselves. May be empty in a workspace tree. */
  keys: KeyMetadata[];
  createdAt: string;
  updatedAt: string;
};

/** What the app may know of a key: metadata only, the secret stays in Rust. */
export type KeyMetadata = {
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

export type EventType = "key_created" | "key_revoked" | "key_rolled" | "auth_failed" | "mcp_call";

/** An audit event of a surface. */
export type Event = {
  id: string;
  type: EventType;
  productId: string | null;
  surfaceId: string | null;
  keyId: string | null;
  /** Why an authentication failed (`revoked`, `expired`, …); null for other events. */
  reason: string | null;
  createdAt: string;
  /** Failed authentications alike within an hour, and calls alike within a minute, counted as one event. */
  count?: number;
  /** For `mcp_call`: the client that called. */
  client?: string;
  /** For `mcp_call`: the tool or prompt name, or the resource URI. */
  capability?: string;
  /** For `mcp_call`: `ok`, `error`, `timeout` or `unavailable`. */
  outcome?: string;
  /** For `mcp_call`: how long it took, in ms (the longest of a counted event's calls). */
  durationMs?: number;
};

/** A product with its surfaces (listed without keys). */
export type ProductTree = {
  product: Product;
  surfaces: Surface[];
};

/** A connection with its products, or why they could not be loaded. */
export type ConnectionTree = {
  connection: Connection;
  products: ProductTree[];
  error: IpcError | null;
  /** Served from the local cache because the server is unreachable. */
  offline: boolean;
};

/** Everything the app shows: connections → products → surfaces (`workspace_load`). */
export type WorkspaceTree = {
  connections: ConnectionTree[];
  /** Why the embedded key service is not running, if it is not. */
  localError?: string | null;
  /** Why the OS keyring cannot be used, if it cannot (tokens then last for this run only). */
  keyringError?: string | null;
  /**
   * The surface the window opens first, with its keys, read while the window
   * started (first load only): the Keys tab is drawn without asking again.
   */
  opened?: OpenedSurface | null;
};

/** A surface with its keys, and where it is. */
export type OpenedSurface = {
  connectionId: string;
  productId: string;
  surface: Surface;
};

/** What `key_generate` needs; `null` days mean never. */
export type GenerateKeyRequest = {
  name: string;
  environment: Environment;
  /** Empty means every capability of the surface. */
  scopes: string[];
  expiresInDays: number | null;
  rotateEveryDays: number | null;
};

/** A freshly made key: its metadata, and a handle to the plaintext that stays in Rust. */
export type Reveal = {
  revealId: string;
  key: KeyMetadata;
};

/** Rust wrote the key to the clipboard and clears it after this delay. */
export type CopyOutcome = {
  clearAfterSeconds: number;
};

/** A rolled key: the new one (revealed once) and the old one with its new expiry. */
export type RollOutcome = {
  revealId: string;
  key: KeyMetadata;
  oldKey: KeyMetadata;
  /** With `updateConfigs`: the IDE configs that got the new key, its check, who must restart. */
  configs: ConfigRollReport | null;
};

/** The kinds of connection a user can add; the local one always exists. */
export type RemoteConnectionKind = Exclude<ConnectionKind, "local">;

export type AddConnectionRequest = {
  kind: RemoteConnectionKind;
  name: string;
  baseUrl: string;
  /** A management token or platform API key; Rust checks it, then keeps it in the OS keyring. */
  token: string;
};

/** The app's settings (`settings_get` / `settings_set`). */
export type Settings = {
  /** A copied key is cleared from the clipboard after this many seconds (1–600, default 45). */
  clipboardClearSeconds: number;
  /** Default days between rotations of a production key (default 90). */
  productionRotationDays: number;
  /** Default days between rotations of a development key (default 180). */
  developmentRotationDays: number;
};
