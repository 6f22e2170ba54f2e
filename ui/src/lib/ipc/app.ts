import type { AppInfo } from "../../bindings/AppInfo";
import { invokeCommand } from "./invoke";

/** The app's name, version and the URL of its embedded local key service. */
export function getAppInfo(): Promise<AppInfo> {
  return invokeCommand<AppInfo>("app_info");
}
