import type { AuthMode } from "../../bindings/AuthMode";
import type { Grant } from "../../bindings/Grant";
import type { PendingAuthorization } from "../../bindings/PendingAuthorization";
import type { Surface } from "../../bindings/Surface";
import { invokeCommand } from "./invoke";
import type { SurfaceRef } from "./keys";

/*
 * OAuth mode (DESIGN §9): which credentials a surface accepts, the clients
 * it authorized (grants), and the authorization requests waiting for the
 * owner's consent.
 */

/** Sets which credentials a surface accepts; resolves with the surface. */
export function setAuthMode(surface: SurfaceRef, authMode: AuthMode): Promise<Surface> {
  return invokeCommand<Surface>("surface_set_auth_mode", { ...surface, authMode });
}

/** The clients a surface authorized, revoked ones included. */
export function listGrants(surface: SurfaceRef): Promise<Grant[]> {
  return invokeCommand<Grant[]>("grants_list", { ...surface });
}

/** Revokes a grant: its tokens are refused from the moment this resolves. */
export function revokeGrant(surface: SurfaceRef, grantId: string): Promise<null> {
  return invokeCommand<null>("grant_revoke", { ...surface, grantId });
}

/**
 * The requests pending at Rust's last look (it looks every 2 s and emits
 * `oauth://requests` when they change: see `onAuthorizationsChanged`).
 */
export function pendingAuthorizations(): Promise<PendingAuthorization[]> {
  return invokeCommand<PendingAuthorization[]>("oauth_requests_list");
}

/** Approves a request, for `scopes` when narrower than asked; resolves with the grant. */
export function approveAuthorization(
  pending: PendingAuthorization,
  scopes: readonly string[] | null,
): Promise<Grant> {
  return invokeCommand<Grant>("oauth_request_approve", {
    connectionId: pending.connectionId,
    requestId: pending.request.id,
    scopes,
  });
}

/** Denies a request: the client is sent back with `access_denied`. */
export function denyAuthorization(pending: PendingAuthorization): Promise<null> {
  return invokeCommand<null>("oauth_request_deny", {
    connectionId: pending.connectionId,
    requestId: pending.request.id,
  });
}
