import type { Settings } from "../../model/workspace";
import { invokeCommand } from "./invoke";

export function getSettings(): Promise<Settings> {
  return invokeCommand<Settings>("settings_get");
}

export function setSettings(settings: Settings): Promise<Settings> {
  return invokeCommand<Settings>("settings_set", { settings });
}
