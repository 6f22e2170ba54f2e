import type { PendingAuthorization } from "../bindings/PendingAuthorization";

/** A request's identity across connections. */
export function requestKey(pending: PendingAuthorization): string {
  return `${pending.connectionId}/${pending.request.id}`;
}

/**
 * The requests to ask about at `now`: not expired, not put aside by the
 * user, oldest first (the order they were made in).
 */
export function waiting(
  pending: readonly PendingAuthorization[],
  dismissed: ReadonlySet<string>,
  now: number,
): PendingAuthorization[] {
  return pending
    .filter((p) => Date.parse(p.request.expiresAt) > now && !dismissed.has(requestKey(p)))
    .sort((a, b) => Date.parse(a.request.createdAt) - Date.parse(b.request.createdAt));
}

/** The longest wait `setTimeout` takes (about 24.8 days); a longer one fires at once. */
const LONGEST_TIMEOUT = 2 ** 31 - 1;

/**
 * Milliseconds from `now` until the first of `pending` expires (at most
 * `LONGEST_TIMEOUT`); null when none will.
 */
export function untilFirstExpiry(
  pending: readonly PendingAuthorization[],
  now: number,
): number | null {
  const times = pending.map((p) => Date.parse(p.request.expiresAt)).filter((t) => t > now);
  return times.length === 0 ? null : Math.min(Math.min(...times) - now, LONGEST_TIMEOUT);
}
