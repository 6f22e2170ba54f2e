import { keyState, type KeyState } from "./keyState";
import type { Environment } from "../bindings/Environment";
import type { KeyMetadata } from "../bindings/KeyMetadata";

/** The columns the keys table sorts by. */
export type SortColumn =
  | "name"
  | "environment"
  | "scopes"
  | "createdAt"
  | "expiresAt"
  | "lastUsedAt"
  | "rotationDue"
  | "status";

export type SortDirection = "ascending" | "descending";

export type KeySort = { column: SortColumn; direction: SortDirection };

export type KeyFilter = {
  /** Matches the name, prefix, hint, scopes and last client, ignoring case. */
  text: string;
  status: KeyState | "all";
  environment: Environment | "all";
};

export const NO_FILTER: KeyFilter = { text: "", status: "all", environment: "all" };

const statusOrder: Record<KeyState, number> = { active: 0, expired: 1, revoked: 2 };

/** A key with what the table derives from it, computed once per render of the list. */
export type KeyRow = {
  key: KeyMetadata;
  state: KeyState;
  /** When it is due for rotation; `"never"`, or `null` while not known (a key just made). */
  rotationDue: Date | "never" | null;
  /** The timestamps as numbers, parsed once rather than in every comparison of the sort. */
  times: { createdAt: number; expiresAt: number; lastUsedAt: number };
};

function time(timestamp: string | null): number {
  // Missing dates (never expires, never used) sort after every real one.
  return timestamp === null ? Number.POSITIVE_INFINITY : Date.parse(timestamp);
}

function dueOrder(due: KeyRow["rotationDue"]): number {
  if (due === "never") {
    return Number.MAX_VALUE;
  }
  return due === null ? Number.POSITIVE_INFINITY : due.getTime();
}

function compare(a: KeyRow, b: KeyRow, column: SortColumn): number {
  switch (column) {
    case "name":
      return a.key.name.localeCompare(b.key.name);
    case "environment":
      return a.key.environment.localeCompare(b.key.environment);
    case "scopes":
      return a.key.scopes.join(",").localeCompare(b.key.scopes.join(","));
    case "createdAt":
    case "expiresAt":
    case "lastUsedAt":
      return a.times[column] - b.times[column];
    case "rotationDue": {
      // Never, then unknown, sort after every date.
      const [x, y] = [dueOrder(a.rotationDue), dueOrder(b.rotationDue)];
      return x === y ? 0 : x - y;
    }
    case "status":
      return statusOrder[a.state] - statusOrder[b.state];
  }
}

function matches(row: KeyRow, filter: KeyFilter, needle: string): boolean {
  if (filter.status !== "all" && row.state !== filter.status) {
    return false;
  }
  if (filter.environment !== "all" && row.key.environment !== filter.environment) {
    return false;
  }
  if (needle === "") {
    return true;
  }
  const { key } = row;
  return [key.name, key.keyPrefix, key.keyHint, key.lastUsedClient ?? "", ...key.scopes].some(
    (field) => field.toLowerCase().includes(needle),
  );
}

/** A key's rotation due date as `surface_get` gives it: a time, `null` for never, absent when not known. */
function dueOf(due: string | null | undefined): KeyRow["rotationDue"] {
  if (due === undefined) {
    return null;
  }
  return due === null ? "never" : new Date(due);
}

/** The rows the table shows: filtered, then sorted (ties keep the newest key first). */
export function keyRows(
  keys: readonly KeyMetadata[],
  rotationDue: Readonly<Record<string, string | null>>,
  filter: KeyFilter,
  sort: KeySort,
  now: Date,
): KeyRow[] {
  const needle = filter.text.trim().toLowerCase();
  const sign = sort.direction === "ascending" ? 1 : -1;
  return keys
    .map((key) => ({
      key,
      state: keyState(key, now),
      rotationDue: dueOf(rotationDue[key.id]),
      times: {
        createdAt: time(key.createdAt),
        expiresAt: time(key.expiresAt),
        lastUsedAt: time(key.lastUsedAt),
      },
    }))
    .filter((row) => matches(row, filter, needle))
    .sort((a, b) => sign * compare(a, b, sort.column) || b.times.createdAt - a.times.createdAt);
}
