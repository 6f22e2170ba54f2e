import type { AppInfo } from "../bindings/AppInfo";
import type { Workspace } from "./workspace";

/** The id of the connection to the app's embedded key service. */
export const LOCAL_CONNECTION_ID = "local";

/**
 * The workspace before any data is loaded: the one connection every install
 * has, "This computer" (the embedded local key service), with no products yet.
 */
export function localWorkspace(appInfo: AppInfo): Workspace {
  return {
    connections: [
      {
        connection: {
          id: LOCAL_CONNECTION_ID,
          kind: "local",
          name: "This computer",
          serverUrl: appInfo.localServiceUrl,
        },
        products: [],
      },
    ],
  };
}
