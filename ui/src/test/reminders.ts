import type { DueReport } from "../bindings/DueReport";
import type { Reminder } from "../bindings/Reminder";
import type { UnreachableConnection } from "../bindings/UnreachableConnection";

/** Reminder test data shaped like `reminders_list`'s answer. */

/** The moment the reminder tests tell dates relative to. */
export const remindersNow = new Date("2025-06-01T12:00:00Z");

export function reminder(overrides: Partial<Reminder> = {}): Reminder {
  return {
    connectionId: "conn_local",
    productId: "prod_1",
    surfaceId: "surf_1",
    snoozedUntil: null,
    keyId: "key_1",
    keyPrefix: "mcp_prod_Ab3dE5gH",
    name: "MCP - Cursor",
    reason: "rotation_overdue",
    dueAt: "2025-05-20T09:00:00Z",
    ...overrides,
  };
}

export function dueReport(
  reminders: Reminder[],
  unreachable: UnreachableConnection[] = [],
): DueReport {
  return { reminders, unreachable, services: 1 };
}

/** Three keys: one overdue and expiring, one due soon, one leaked into git with no known surface. */
export function threeDueKeys(): DueReport {
  return dueReport([
    reminder({
      keyId: "key_leak",
      name: "~/.cursor/mcp.json",
      keyPrefix: "mcp_dev_Zz9yX8wV",
      connectionId: null,
      productId: null,
      surfaceId: null,
      reason: "plaintext_key_tracked_by_git",
      dueAt: "2025-06-01T11:00:00Z",
    }),
    reminder({ reason: "expiring", dueAt: "2025-06-04T12:00:00Z" }),
    reminder(),
    reminder({
      keyId: "key_2",
      name: "MCP - Claude Desktop",
      keyPrefix: "mcp_dev_Qq1wE2rT",
      reason: "rotation_due",
      dueAt: "2025-06-05T12:00:00Z",
    }),
  ]);
}
