import type { NewConnectionRequest } from "../../bindings/NewConnectionRequest";
import type { Connection } from "../../bindings/Connection";
import { invokeCommand } from "./invoke";

/** Checks the token against the server, then saves the connection (token in the OS keyring). */
export function addConnection(request: NewConnectionRequest): Promise<Connection> {
  return invokeCommand<Connection>("connection_add", { request });
}

/** Forgets a connection and its token. */
export function removeConnection(connectionId: string): Promise<null> {
  return invokeCommand<null>("connection_remove", { connectionId });
}
