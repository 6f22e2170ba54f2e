//! Finding config files: the registry's known paths under the home folder,
//! and in project folders given explicitly or recorded by the clients
//! themselves. The home folder is never walked.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::extract::SlotKey;
use crate::registry::{self, ClientSpec, Location, Os, ProjectRecordKind, Root};
use crate::syntax::{self, Node};
use crate::{ClientId, Finding, FindingCode, Format, Scope, Severity};

/// Files larger than this are not configs (8 MiB: `~/.claude.json` keeps
/// history and grows to a few MB on busy machines).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// What to look at.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// The home folder (`--home`).
    pub home: PathBuf,
    /// Project folders given explicitly (`--project`).
    pub projects: Vec<PathBuf>,
    /// Also scan the project folders the clients recorded themselves.
    pub use_project_records: bool,
    /// Whose paths apply.
    pub os: Os,
    /// Larger files are skipped and reported.
    pub max_file_size: u64,
    /// The environment that `${VAR}` references resolve against.
    pub env: HashMap<String, String>,
    /// The keys of the keyring slots the caller could read, by slot name,
    /// that slot references (`mcp-keys headers --slot NAME`, `MCP_KEY_NAME`)
    /// resolve against. The caller reads the keyring; this crate never does.
    /// A slot missing here is reported as unreadable.
    pub slots: HashMap<String, SlotKey>,
}

impl DiscoverOptions {
    /// Options for `home` on this system, with the process environment.
    pub fn new(home: impl Into<PathBuf>) -> Self {
        Self {
            home: home.into(),
            projects: Vec::new(),
            use_project_records: true,
            os: Os::current(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            env: std::env::vars().collect(),
            slots: HashMap::new(),
        }
    }
}

/// A config file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// The client that reads it.
    pub client: ClientId,
    /// Global or project.
    pub scope: Scope,
    /// Its syntax.
    pub format: Format,
    /// The index of its location in the client's registry entry.
    pub location: usize,
    /// The path as found.
    pub path: PathBuf,
    /// The file it resolves to (differs from `path` through symlinks).
    pub target: PathBuf,
    /// The project folder, for project-scope files.
    pub project: Option<PathBuf>,
}

impl ConfigFile {
    /// The registry entry of its client.
    pub fn spec(&self) -> Option<&'static ClientSpec> {
        registry::client(self.client)
    }

    /// The registry location it was found through.
    pub fn location(&self) -> Option<&'static Location> {
        self.spec()
            .and_then(|spec| spec.locations.get(self.location))
    }

    /// Whether `path` is a symlink.
    pub fn is_symlink(&self) -> bool {
        self.path != self.target
    }
}

/// What discovery found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Config files, in registry order, then project order.
    pub files: Vec<ConfigFile>,
    /// The project folders looked at (given and recorded), deduplicated.
    pub projects: Vec<PathBuf>,
    /// Files that exist but cannot be used.
    pub problems: Vec<Finding>,
}

/// Finds the config files of every client of the registry.
pub fn discover(options: &DiscoverOptions) -> Discovery {
    let mut discovery = Discovery::default();
    let projects = projects(options);
    for place in places(options, &projects) {
        for path in expand(&place.base, place.rel) {
            if let Some(target) = check(&path, place.spec.id, options, &mut discovery) {
                discovery.files.push(ConfigFile {
                    client: place.spec.id,
                    scope: place.location.scope,
                    format: place.location.format,
                    location: place.index,
                    path,
                    target,
                    project: place.project.clone(),
                });
            }
        }
    }
    discovery.projects = projects;
    discovery
}

/// What to watch to see a change to the configs of `options`: folders,
/// never recursive, and which of their entries are configs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchPlan {
    /// Existing folders a config can appear in or change in: the folder of
    /// every registry path (under the home folder and the project folders),
    /// and the folders the found files resolve to through symlinks.
    /// Watch folders, not files: editors and our own edits replace a file by
    /// renaming another over it.
    pub folders: Vec<PathBuf>,
    /// The config paths (as named by the registry, and their symlink targets).
    files: BTreeSet<PathBuf>,
    /// Folders where any file with this extension is a config (`*.ext`).
    extensions: BTreeSet<(PathBuf, String)>,
    /// Config folders not there yet, by their first missing folder (in a
    /// watched one): creating it (`mkdir ~/.cursor`) concerns the plan, and
    /// the scan that follows watches the new folder.
    missing: BTreeSet<PathBuf>,
}

impl WatchPlan {
    /// The plan for `options`.
    pub fn new(options: &DiscoverOptions) -> Self {
        let projects = projects(options);
        let mut plan = Self::default();
        let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
        for place in places(options, &projects) {
            let path = place.base.join(place.rel);
            let Some(folder) = path.parent() else {
                continue;
            };
            if folder.is_dir() {
                folders.insert(folder.to_path_buf());
            } else if let Some((existing, first_missing)) = nearest_existing(&place.base, folder) {
                folders.insert(existing);
                plan.missing.insert(first_missing);
            }
            let extension = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_prefix("*."));
            match extension {
                Some(extension) => {
                    plan.extensions
                        .insert((folder.to_path_buf(), extension.to_owned()));
                }
                None => {
                    plan.files.insert(path.clone());
                }
            }
        }
        for file in discover(options).files {
            if let Some(folder) = file.target.parent() {
                folders.insert(folder.to_path_buf());
            }
            plan.files.insert(file.target);
        }
        plan.folders = folders.into_iter().collect();
        plan
    }

    /// Whether a change at `path` (a file in one of the folders) may change
    /// a config: it is one, or is the folder of one.
    pub fn concerns(&self, path: &Path) -> bool {
        if self.files.contains(path)
            || self.missing.contains(path)
            || self.folders.iter().any(|folder| folder == path)
        {
            return true;
        }
        let (Some(folder), Some(extension)) = (
            path.parent(),
            path.extension().and_then(|extension| extension.to_str()),
        ) else {
            return false;
        };
        self.extensions
            .contains(&(folder.to_path_buf(), extension.to_owned()))
    }
}

/// For `folder` (under `base`) that does not exist: its nearest existing
/// ancestor, never above `base`, and the child of it on the way to `folder`.
fn nearest_existing(base: &Path, folder: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut child = folder;
    while let Some(parent) = child.parent() {
        if !parent.starts_with(base) {
            return None;
        }
        if parent.is_dir() {
            return Some((parent.to_path_buf(), child.to_path_buf()));
        }
        child = parent;
    }
    None
}

/// The project folders to look at: given first, then recorded by the
/// clients, each once (by its real path), existing folders only.
fn projects(options: &DiscoverOptions) -> Vec<PathBuf> {
    let mut projects: Vec<PathBuf> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let recorded = if options.use_project_records {
        recorded_projects(options)
    } else {
        Vec::new()
    };
    for path in options.projects.iter().cloned().chain(recorded) {
        if let Ok(real) = fs::canonicalize(&path)
            && real.is_dir()
            && seen.insert(real)
        {
            projects.push(path);
        }
    }
    projects
}

/// One place of the registry: a location's pattern under one base folder.
struct Place {
    spec: &'static ClientSpec,
    index: usize,
    location: &'static Location,
    /// The home, config or project folder the pattern is relative to.
    base: PathBuf,
    /// The pattern's path under `base` (its last segment may be `*.ext`).
    rel: &'static str,
    /// The project folder, for project-scope locations.
    project: Option<PathBuf>,
}

/// Every place of every client of the registry, in registry order, then
/// project order.
fn places(options: &DiscoverOptions, projects: &[PathBuf]) -> Vec<Place> {
    let mut places = Vec::new();
    for spec in registry::clients() {
        for (index, location) in spec.locations.iter().enumerate() {
            for pattern in location.patterns(options.os) {
                let Some((root, rel)) = registry::split_pattern(pattern) else {
                    continue;
                };
                let bases: Vec<(PathBuf, Option<PathBuf>)> = match root {
                    Root::Project => projects
                        .iter()
                        .map(|project| (project.clone(), Some(project.clone())))
                        .collect(),
                    Root::Home | Root::Config => {
                        registry::root_dir(root, &options.home, options.os)
                            .map(|dir| (dir, None))
                            .into_iter()
                            .collect()
                    }
                };
                for (base, project) in bases {
                    places.push(Place {
                        spec,
                        index,
                        location,
                        base,
                        rel,
                        project,
                    });
                }
            }
        }
    }
    places
}

/// The paths `rel` names under `base`; a last segment `*.ext` lists one
/// folder (never recursively).
pub(crate) fn expand(base: &Path, rel: &str) -> Vec<PathBuf> {
    let path = base.join(rel);
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return vec![path];
    };
    let Some(extension) = name.strip_prefix("*.") else {
        return vec![path];
    };
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: BTreeSet<PathBuf> = BTreeSet::new();
    for entry in entries.flatten() {
        let entry_path = entry.path();
        if entry_path.extension().and_then(|ext| ext.to_str()) == Some(extension) {
            found.insert(entry_path);
        }
    }
    found.into_iter().collect()
}

/// Whether `path` is a usable file: returns the file it resolves to, or
/// records why not. A missing file is simply not there.
fn check(
    path: &Path,
    client: ClientId,
    options: &DiscoverOptions,
    discovery: &mut Discovery,
) -> Option<PathBuf> {
    let link = fs::symlink_metadata(path).ok()?;
    let shown = path.display().to_string();
    // canonicalize follows every link and fails on loops (ELOOP) and
    // dangling links, so nothing here can spin.
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(error) => {
            discovery.problems.push(Finding {
                severity: Severity::Warning,
                code: FindingCode::BrokenSymlink,
                client: Some(client),
                config_path: Some(shown),
                key_prefix: None,
                message: format!("This config path cannot be resolved ({error}); the client cannot read it either."),
                fix: "Point the link at the real config file, or remove it.".to_owned(),
                detail: crate::FindingDetail::default(),
            });
            return None;
        }
    };
    let metadata = fs::metadata(&target).ok()?;
    if !metadata.is_file() {
        return None;
    }
    if metadata.len() > options.max_file_size {
        discovery.problems.push(Finding {
            severity: Severity::Warning,
            code: FindingCode::ConfigTooLarge,
            client: Some(client),
            config_path: Some(shown),
            key_prefix: None,
            message: format!(
                "This config is {} bytes, more than the {} bytes a config is expected to be; it was not scanned.",
                metadata.len(),
                options.max_file_size
            ),
            fix: "Check the file by hand; large history sections can usually be cleared by the client.".to_owned(),
            detail: crate::FindingDetail::default(),
        });
        return None;
    }
    // Only a link at the file itself counts: a symlinked parent folder (a
    // home on another disk) is written through like any folder.
    if link.file_type().is_symlink() {
        return Some(target);
    }
    Some(path.to_path_buf())
}

/// Project folders from the clients' own records of recent workspaces.
fn recorded_projects(options: &DiscoverOptions) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for spec in registry::clients() {
        for record in &spec.project_records {
            let Some((root, rel)) = registry::split_pattern(&record.file) else {
                continue;
            };
            let Some(dir) = registry::root_dir(root, &options.home, options.os) else {
                continue;
            };
            let path = dir.join(rel);
            let Ok(metadata) = fs::metadata(&path) else {
                continue;
            };
            if metadata.len() > options.max_file_size {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            let Ok(node) = syntax::parse(Format::Jsonc, &text) else {
                continue;
            };
            match record.kind {
                ProjectRecordKind::ClaudeJsonProjects => {
                    if let Some(Node::Map(projects)) = node.get("projects") {
                        found.extend(projects.iter().map(|(name, _)| PathBuf::from(name)));
                    }
                }
                ProjectRecordKind::VscodeStorage => {
                    found.extend(vscode_folders(&node).into_iter().map(PathBuf::from));
                }
            }
        }
    }
    found
}

/// Folder paths from VS Code's storage.json: recent and open windows and
/// workspace profile associations, as `file://` URIs.
fn vscode_folders(node: &Node) -> Vec<String> {
    let mut uris: Vec<String> = Vec::new();
    if let Some(Node::List(folders)) = node.get("backupWorkspaces").and_then(|b| b.get("folders")) {
        uris.extend(
            folders
                .iter()
                .filter_map(|folder| folder.get("folderUri")?.as_str().map(str::to_owned)),
        );
    }
    if let Some(windows) = node.get("windowsState") {
        if let Some(folder) = windows
            .get("lastActiveWindow")
            .and_then(|w| w.get("folder"))
        {
            uris.extend(folder.as_str().map(str::to_owned));
        }
        if let Some(Node::List(opened)) = windows.get("openedWindows") {
            uris.extend(
                opened
                    .iter()
                    .filter_map(|window| window.get("folder")?.as_str().map(str::to_owned)),
            );
        }
    }
    if let Some(Node::Map(workspaces)) = node
        .get("profileAssociations")
        .and_then(|p| p.get("workspaces"))
    {
        uris.extend(workspaces.iter().map(|(uri, _)| uri.clone()));
    }
    uris.iter().filter_map(|uri| file_uri_path(uri)).collect()
}

/// The local path of a `file://` URI, percent-decoded; other schemes
/// (remote workspaces) have no local folder.
fn file_uri_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = rest.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            decoded.push(byte);
            index += 3;
            continue;
        }
        decoded.push(bytes[index]);
        index += 1;
    }
    let path = String::from_utf8(decoded).ok()?;
    // file:///c%3A/Users/... on Windows: drop the slash before the drive.
    let bytes = path.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'/' && bytes[2] == b':' {
        return Some(path[1..].to_owned());
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::file_uri_path;

    #[test]
    fn file_uris_are_percent_decoded() {
        assert_eq!(
            file_uri_path("file:///home/a/my%20project").as_deref(),
            Some("/home/a/my project")
        );
        assert_eq!(
            file_uri_path("file:///c%3A/Users/a").as_deref(),
            Some("c:/Users/a")
        );
        assert_eq!(file_uri_path("vscode-remote://ssh/x"), None);
    }
}
