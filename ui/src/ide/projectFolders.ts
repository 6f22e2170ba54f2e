/*
 * The project folders the IDE scan reads besides the home folder's configs.
 * Paths are not secrets, so they are kept in localStorage (never a key).
 */

const STORAGE_KEY = "mcp-keys.ide-projects";

/** The saved folders; none when nothing (valid) was saved or storage is unavailable. */
export function loadProjectFolders(): string[] {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(saved) ? saved.filter((p): p is string => typeof p === "string") : [];
  } catch {
    return [];
  }
}

export function saveProjectFolders(folders: readonly string[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(folders));
  } catch {
    // Storage full or disabled: the folders last until the app quits.
  }
}

/**
 * Why `path` can't be added to `folders`, in words; null when it can. The scan
 * runs in the app's process, whose working folder means nothing to the user,
 * so only absolute paths are taken.
 */
export function folderProblem(path: string, folders: readonly string[]): string | null {
  if (path === "") {
    return "Type the folder's path.";
  }
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path)) {
    return "Type the folder's full path, starting at / (or a drive letter on Windows).";
  }
  if (folders.includes(path)) {
    return "That folder is already in the list.";
  }
  return null;
}
