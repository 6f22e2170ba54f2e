import type { Event } from "../../bindings/Event";
import { invokeCommand } from "./invoke";

/** The audit events of a surface, newest first. */
export function listEvents(connectionId: string, surfaceId: string): Promise<Event[]> {
  return invokeCommand<Event[]>("events_list", { connectionId, surfaceId });
}
