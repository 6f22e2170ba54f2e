import { useEffect, useMemo, useState } from "react";
import type { ClientId } from "../bindings/ClientId";
import type { KnownClient } from "../bindings/KnownClient";
import { ideClients } from "../lib/ipc/ide";

/** A client's display name ("Cursor" for `cursor`). */
export type ClientNameOf = (client: ClientId) => string;

// The registry is built into the app, so the answer never changes while it
// runs: asked once, then shared by every component that names a client.
let known: readonly KnownClient[] | undefined;
let asking: Promise<readonly KnownClient[]> | undefined;

function askOnce(): Promise<readonly KnownClient[]> {
  asking ??= ideClients().then(
    (clients) => {
      known = clients;
      return clients;
    },
    (error: unknown) => {
      // Not kept: the next component that needs the clients asks again.
      asking = undefined;
      throw error;
    },
  );
  return asking;
}

const NONE: readonly KnownClient[] = [];

/**
 * Every client MCP Keys knows, in the registry's order (Rust's `ide_clients`);
 * none until the answer comes, and none if it fails (clients are then shown
 * by their ids and no key name is suggested).
 */
export function useKnownClients(): readonly KnownClient[] {
  const [clients, setClients] = useState(() => known ?? NONE);
  useEffect(() => {
    let current = true;
    askOnce().then(
      (answer) => current && setClients(answer),
      () => {},
    );
    return () => {
      current = false;
    };
  }, []);
  return clients;
}

/** Names clients from `clients`; one not among them is shown by its id. */
export function clientNames(clients: readonly KnownClient[]): ClientNameOf {
  const names = new Map(clients.map(({ id, name }) => [id, name]));
  return (client) => names.get(client) ?? client;
}

/** Names clients from the registry (by id until it has answered). */
export function useClientName(): ClientNameOf {
  const clients = useKnownClients();
  return useMemo(() => clientNames(clients), [clients]);
}

/** The key name suggested for a client: one key per client, so each can be revoked alone. */
export function suggestedKeyName(client: KnownClient): string {
  return `MCP - ${client.name}`;
}

/**
 * The first client that has no key named for it yet (`MCP - Claude Desktop`
 * first), by key name; empty while no client is known.
 */
export function nextSuggestedName(
  clients: readonly KnownClient[],
  existingNames: readonly string[],
): string {
  const taken = new Set(existingNames);
  const free = clients.find((client) => !taken.has(suggestedKeyName(client))) ?? clients[0];
  return free ? suggestedKeyName(free) : "";
}
