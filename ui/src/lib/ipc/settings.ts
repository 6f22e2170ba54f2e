import type { AuditPage } from "../../bindings/AuditPage";
import type { Settings } from "../../bindings/Settings";
import { invokeCommand } from "./invoke";

/** The app's settings. */
export function getSettings(): Promise<Settings> {
  return invokeCommand<Settings>("settings_get");
}

/** Saves the settings; resolves with them as Rust stored them. */
export function setSettings(settings: Settings): Promise<Settings> {
  return invokeCommand<Settings>("settings_set", { settings });
}

/** Whether the app starts at login (hidden, in the tray). */
export function getAutostart(): Promise<boolean> {
  return invokeCommand<boolean>("autostart_get");
}

/** Starts the app at login, or stops doing so; resolves with what the system now says. */
export function setAutostart(enabled: boolean): Promise<boolean> {
  return invokeCommand<boolean>("autostart_set", { enabled });
}

/** A page of what was done from this computer, newest first; `beforeId` asks for older entries. */
export function listAuditLog(beforeId: number | null): Promise<AuditPage> {
  return invokeCommand<AuditPage>("audit_list", { beforeId });
}
