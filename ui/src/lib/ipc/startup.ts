import type { AppInfo } from "../../bindings/AppInfo";
import type { WorkspaceTree } from "../../bindings/WorkspaceTree";
import { getAppInfo } from "./app";
import { loadWorkspace } from "./workspace";

type Early = {
  appInfo: Promise<AppInfo> | undefined;
  workspace: Promise<WorkspaceTree> | undefined;
};

let early: Early = { appInfo: undefined, workspace: undefined };

/**
 * Asks the first screen's two questions (`app_info`, `workspace_load`) as
 * soon as the bundle runs, together, rather than one after the other as the
 * components that need them mount: the answers are there by the time React
 * has drawn its first frame. Called once, by main.tsx.
 */
export function askEarly(): void {
  early = { appInfo: getAppInfo(), workspace: loadWorkspace() };
  // Whoever takes an answer sees its failure; one never taken (the app
  // failed before the workspace was wanted) must not be reported as unhandled.
  early.appInfo?.catch(() => {});
  early.workspace?.catch(() => {});
}

/** `app_info`: the early answer the first time, a new call after that. */
export function firstAppInfo(): Promise<AppInfo> {
  const answer = early.appInfo;
  early.appInfo = undefined;
  return answer ?? getAppInfo();
}

/** `workspace_load`: the early answer the first time, a new call after that. */
export function firstWorkspace(): Promise<WorkspaceTree> {
  const answer = early.workspace;
  early.workspace = undefined;
  return answer ?? loadWorkspace();
}

/** The early answers that came in time, each then no longer handed out. */
export type EarlyAnswers = { appInfo?: AppInfo; workspace?: WorkspaceTree };

/**
 * Waits up to `limitMs` for the early answers, so that the first frame React
 * draws is the app itself rather than a loading screen drawn for a few
 * milliseconds. What fails, or comes later, is left to the components,
 * which then show their loading and error states as usual.
 */
export async function settleEarly(limitMs: number): Promise<EarlyAnswers> {
  const deadline = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), limitMs));
  const settled = await Promise.race([
    Promise.allSettled([early.appInfo, early.workspace]),
    deadline,
  ]);
  if (settled === "late") {
    return {};
  }
  const [appInfo, workspace] = settled;
  const answers: EarlyAnswers = {};
  if (appInfo.status === "fulfilled" && appInfo.value !== undefined) {
    answers.appInfo = appInfo.value;
    early.appInfo = undefined;
  }
  if (workspace.status === "fulfilled" && workspace.value !== undefined) {
    answers.workspace = workspace.value;
    early.workspace = undefined;
  }
  return answers;
}
