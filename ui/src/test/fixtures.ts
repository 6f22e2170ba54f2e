import registry from "../../../crates/mcp-keys-ide/src/registry/clients.json";
import type { AppInfo } from "../bindings/AppInfo";
import type { ClientId } from "../bindings/ClientId";
import type { KnownClient } from "../bindings/KnownClient";
import type { Finding } from "../bindings/Finding";
import type { IdeDoctor } from "../bindings/IdeDoctor";
import type { IdeScan } from "../bindings/IdeScan";
import type { LogSourceRead } from "../bindings/LogSourceRead";
import type { ScanEntry } from "../bindings/ScanEntry";
import type { Connection } from "../bindings/Connection";
import type { ConnectionView } from "../bindings/ConnectionView";
import type { Event } from "../bindings/Event";
import type { Grant } from "../bindings/Grant";
import type { OAuthRequest } from "../bindings/OAuthRequest";
import type { PendingAuthorization } from "../bindings/PendingAuthorization";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import type { SurfaceDetail } from "../bindings/SurfaceDetail";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";

/** Test data shaped like the real answers; shared by the component tests. */

/** What `ide_clients` answers: the clients of the registry the app is built with. */
export const knownClients: KnownClient[] = registry.clients.map(({ id, name }) => ({
  id: id as ClientId,
  name,
}));

export const appInfo: AppInfo = {
  name: "MCP Keys",
  version: "0.1.0",
  build: "0123456789ab 2026-12-05",
  localServiceUrl: "http://127.0.0.1:7410",
};

export const localConnection: Connection = {
  id: "conn_local",
  name: "This computer",
  kind: "local",
  baseUrl: "http://127.0.0.1:7410",
  isDefault: true,
  createdAt: "2025-03-01T09:00:00Z",
};

export const teamConnection: Connection = {
  id: "conn_team",
  name: "Team server",
  kind: "mcp-keys",
  baseUrl: "https://keys.example.com",
  isDefault: false,
  createdAt: "2025-03-01T09:30:00Z",
};

export const product: Product = {
  id: "prod_1",
  name: "Acme tools",
  createdAt: "2025-03-01T10:00:00Z",
  updatedAt: null,
};

/** A surface as `surface_get` answers (no key's rotation due date known unless given). */
export function surface(overrides: Partial<SurfaceDetail> = {}): SurfaceDetail {
  return {
    rotationDue: {},
    id: "surf_1",
    productId: product.id,
    name: "Docs search",
    type: "mcp",
    status: "active",
    environment: "development",
    authMode: "api_key",
    url: "http://127.0.0.1:7410/v1/products/prod_1/surfaces/surf_1/mcp",
    items: [
      { capabilityName: "search", createdAt: "2025-03-01T10:00:00Z" },
      { capabilityName: "fetch", createdAt: "2025-03-01T10:00:00Z" },
    ],
    keys: [],
    createdAt: "2025-03-01T10:00:00Z",
    updatedAt: "2025-03-01T10:00:00Z",
    ...overrides,
  };
}

/** A grant of `surf_1`, approved from the app, never used yet. */
export function grant(overrides: Partial<Grant> = {}): Grant {
  return {
    id: "grant_1",
    productId: product.id,
    surfaceId: "surf_1",
    clientId: "client_1",
    clientName: "Cursor",
    redirectHost: "cursor://anysphere.cursor-mcp",
    scopes: ["search"],
    isActive: true,
    createdAt: "2025-03-02T10:00:00Z",
    lastUsedAt: null,
    revokedAt: null,
    approvedBy: "management_token",
    ...overrides,
  };
}

/** Cursor asking the local service to use `surf_1` for `search` and `fetch`. */
export function pendingAuthorization(
  overrides: Partial<OAuthRequest> = {},
  connectionId = "conn_local",
): PendingAuthorization {
  return {
    connectionId,
    request: {
      id: "req_1",
      productId: product.id,
      surfaceId: "surf_1",
      surfaceName: "Docs search",
      clientId: "client_1",
      clientName: "Cursor",
      redirectUri: "http://127.0.0.1:9/cb",
      redirectHost: "127.0.0.1",
      scopes: ["search", "fetch"],
      createdAt: "2025-03-02T10:00:00Z",
      expiresAt: "2999-01-01T00:00:00Z",
      ...overrides,
    },
  };
}

export function key(overrides: Partial<KeyMetadata> = {}): KeyMetadata {
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

/** `count` keys with distinct ids, names and creation times. */
export function manyKeys(count: number): KeyMetadata[] {
  return Array.from({ length: count }, (_, i) =>
    key({
      id: `key_${i}`,
      name: `Key ${String(i).padStart(5, "0")}`,
      keyHint: String(i % 10000).padStart(4, "0"),
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    }),
  );
}

export function event(overrides: Partial<Event> = {}): Event {
  return {
    id: "evt_1",
    type: "key_created",
    productId: product.id,
    surfaceId: "surf_1",
    keyId: "key_1",
    grantId: null,
    reason: null,
    createdAt: "2025-03-02T10:00:00Z",
    ...overrides,
  };
}

export function connectionTree(
  connection: Connection,
  overrides: Partial<ConnectionView> = {},
): ConnectionView {
  return { connection, products: [], error: null, offline: false, ...overrides };
}

/** A workspace's fields besides its connections when all is well. */
const noTroubles = { localError: null, keyringError: null, opened: null } as const;

/** The local connection alone, with no products: a first run. */
export function emptyWorkspace(): WorkspaceTree {
  return { ...noTroubles, connections: [connectionTree(localConnection)] };
}

/** The local connection with one product holding the given surfaces. */
export function workspaceWith(surfaces: Surface[]): WorkspaceTree {
  return {
    ...noTroubles,
    connections: [connectionTree(localConnection, { products: [{ product, surfaces }] })],
  };
}

/** A key found in Cursor's global config, known to the local service as `key_1`. */
export function scanEntry(overrides: Partial<ScanEntry> = {}): ScanEntry {
  return {
    client: "cursor",
    configPath: "/home/ada/.cursor/mcp.json",
    scope: "global",
    serverName: "docs",
    url: "http://127.0.0.1:7410/v1/products/prod_1/surfaces/surf_1/mcp",
    keyPrefix: "mcp_dev_Ab3dE5gH",
    fingerprint: "f".repeat(64),
    keyId: "key_1",
    surfaceId: "surf_1",
    status: "active",
    statusReason: null,
    storage: "config",
    slot: null,
    envVar: null,
    resolvedStatus: null,
    field: "headers.Authorization",
    span: { start: 120, end: 175 },
    ...overrides,
  };
}

export function ideScan(overrides: Partial<IdeScan> = {}): IdeScan {
  return { entries: [scanEntry()], problems: [], unreachable: [], ...overrides };
}

/** Doctor's finding that the app can fix: a project config with a key, not ignored by git. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    severity: "warning",
    code: "plaintext_key_not_gitignored",
    client: "cursor",
    configPath: "/home/ada/code/webapp/.cursor/mcp.json",
    keyPrefix: "mcp_dev_Ab3dE5gH",
    message: "The key in this config would be committed: git does not ignore the file.",
    fix: "Add the file to .gitignore.",
    ...overrides,
  };
}

export function ideDoctor(findings: Finding[] = [], logs: LogSourceRead[] = []): IdeDoctor {
  return { findings, logs, unreachable: [] };
}

/** Where Claude Code's MCP log of the server `docs` is, in the test's home. */
export const claudeLogPath =
  "/home/ada/.cache/claude-cli-nodejs/-home-ada-code-webapp/mcp-logs-docs/2026-12-06T10-30-00-000Z.jsonl";

/**
 * Claude Code refused with 401 at 10:32 UTC because its key was revoked,
 * from its own log joined with the service's audit; fixed by a new key.
 */
export function logFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    severity: "error",
    code: "client_log_auth_failure",
    client: "claude-code",
    configPath: "/home/ada/.claude.json",
    keyPrefix: "mcp_dev_Rev0ked1",
    message:
      "Claude Code got 401 at 10:32 because 'MCP - Claude Code' was revoked yesterday at 18:04.",
    fix: "Install a new key into Claude Code, then reconnect the server (/mcp).",
    logPath: claudeLogPath,
    at: "2026-12-06T10:32:00Z",
    status: 401,
    reason: "revoked",
    keyId: "key_9",
    action: { kind: "install", productId: product.id, surfaceId: "surf_1", client: "claude-code" },
    ...overrides,
  };
}

/** What was read of a client's logs: Claude Code's one log file by default. */
export function logSource(overrides: Partial<LogSourceRead> = {}): LogSourceRead {
  return {
    client: "claude-code",
    files: [claudeLogPath],
    unreadable: [],
    noLog: null,
    measured: true,
    ...overrides,
  };
}
