//! The client registry: which IDE keeps its MCP servers where, in which
//! format, and how a key can be written there. Kept as data
//! (`registry/clients.json`) so a new client or path is a data change, and
//! so the documentation each rule follows sits beside the rule. The same
//! data gives the UI its list of clients ([`known_clients`]), the
//! Connect tab its configs ([`crate::snippet`]) and installs their entries
//! ([`crate::install`]).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::install::InstallForm;
use crate::snippet::SnippetSpec;
use crate::{Error, Result};

/// The registry text, embedded at build time.
const CLIENTS_JSON: &str = include_str!("registry/clients.json");

/// An IDE or agent that reads MCP server configs (the `client` of DESIGN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ClientId {
    /// Claude Desktop.
    ClaudeDesktop,
    /// Claude Code.
    ClaudeCode,
    /// Cursor.
    Cursor,
    /// Visual Studio Code (and Insiders).
    Vscode,
    /// Windsurf.
    Windsurf,
    /// Zed.
    Zed,
    /// Cline.
    Cline,
    /// Continue.
    Continue,
    /// Gemini CLI.
    GeminiCli,
    /// Codex CLI.
    Codex,
    /// GitHub Copilot CLI.
    CopilotCli,
}

impl ClientId {
    /// The id as written in JSON (`claude-code`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "claude-desktop",
            Self::ClaudeCode => "claude-code",
            Self::Cursor => "cursor",
            Self::Vscode => "vscode",
            Self::Windsurf => "windsurf",
            Self::Zed => "zed",
            Self::Cline => "cline",
            Self::Continue => "continue",
            Self::GeminiCli => "gemini-cli",
            Self::Codex => "codex",
            Self::CopilotCli => "copilot-cli",
        }
    }
}

impl ClientId {
    /// Its name as people know it ("Claude Code"), from the registry.
    pub fn display_name(self) -> &'static str {
        client(self).map_or(self.as_str(), |spec| spec.name.as_str())
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a config applies to every project of the user or to one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "ConfigScope")]
pub enum Scope {
    /// The user's own config, under the home folder.
    Global,
    /// A config inside a project folder (may be shared through git).
    Project,
}

/// The syntax of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "ConfigFormat")]
pub enum Format {
    /// Strict JSON (parsed leniently all the same: a comment is not a reason
    /// to miss a key).
    Json,
    /// JSON with comments and trailing commas.
    Jsonc,
    /// TOML.
    Toml,
    /// YAML.
    Yaml,
}

impl Format {
    /// The name used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "JSON",
            Self::Jsonc => "JSONC",
            Self::Toml => "TOML",
            Self::Yaml => "YAML",
        }
    }
}

/// Whether servers are a map from name to entry or a list of entries with a
/// `name` field (Continue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServersShape {
    /// `{ "name": { ... } }`.
    Map,
    /// `[ { "name": "...", ... } ]`.
    List,
}

/// The operating system whose paths apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and other Unixes with XDG folders.
    Linux,
    /// macOS.
    Macos,
    /// Windows.
    Windows,
}

impl Os {
    /// The system this build runs on.
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::Macos
        } else if cfg!(windows) {
            Self::Windows
        } else {
            Self::Linux
        }
    }

    /// The platform config folder, relative to the home folder.
    fn config_dir(self) -> &'static str {
        match self {
            Self::Linux => ".config",
            Self::Macos => "Library/Application Support",
            Self::Windows => "AppData/Roaming",
        }
    }
}

/// One place where a client keeps servers.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Global or project.
    pub scope: Scope,
    /// The file's syntax.
    pub format: Format,
    /// Dotted path to the servers; `*` matches every key of a map.
    pub servers: String,
    /// Map or list of servers.
    pub servers_shape: ServersShape,
    linux: Vec<String>,
    macos: Vec<String>,
    windows: Vec<String>,
}

impl Location {
    /// The path patterns for `os`: `home:REL`, `config:REL` or `project:REL`,
    /// where the last segment of `REL` may be `*.ext`.
    pub fn patterns(&self, os: Os) -> &[String] {
        match os {
            Os::Linux => &self.linux,
            Os::Macos => &self.macos,
            Os::Windows => &self.windows,
        }
    }

    /// The segments of the servers path.
    pub fn servers_path(&self) -> Vec<&str> {
        self.servers.split('.').collect()
    }
}

/// A file in which a client records the project folders it opened.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRecord {
    /// `home:REL` or `config:REL`.
    pub file: String,
    /// How to read it.
    pub kind: ProjectRecordKind,
}

/// The layouts of recent-project records we understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProjectRecordKind {
    /// `~/.claude.json`: the keys of its `projects` map are folder paths.
    ClaudeJsonProjects,
    /// VS Code's (and Cursor's) `globalStorage/storage.json`: `file://`
    /// folder URIs of recent and open windows.
    VscodeStorage,
}

/// The forms of environment-variable reference a client expands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvRefSyntax {
    /// `${env:NAME}` (VS Code, Cursor, Windsurf).
    EnvColon,
    /// `${NAME}` and `${NAME:-default}`.
    DollarBrace,
    /// `$NAME` (Gemini CLI).
    DollarBare,
    /// `${input:id}` (VS Code prompts; the value is in VS Code's secret store).
    Input,
    /// `${{ secrets.NAME }}` (Continue).
    ContinueSecret,
    /// Codex's `bearer_token_env_var` and `env_http_headers` fields, whose
    /// values are variable names.
    CodexFields,
}

/// Everything the registry says about one client.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSpec {
    /// The client.
    pub id: ClientId,
    /// Its display name.
    pub name: String,
    /// Lowercase texts found in the name it gives itself in MCP
    /// `clientInfo` or its User-Agent ([`client_by_name`]).
    #[serde(default)]
    pub client_names: Vec<String>,
    /// The documentation the rules follow.
    pub docs: Vec<String>,
    /// What was checked against that documentation.
    pub confirmed: String,
    /// What could not be confirmed.
    pub unconfirmed: String,
    /// The text that replaces a plaintext key moved to a variable (`VAR`
    /// stands for the name), when the client has such a form.
    pub env_ref: Option<String>,
    /// The reference forms the client expands.
    pub env_ref_syntaxes: Vec<EnvRefSyntax>,
    /// The fields of a server entry that hold its URL, in order of preference.
    pub url_fields: Vec<String>,
    /// Where the client records recent project folders.
    #[serde(default)]
    pub project_records: Vec<ProjectRecord>,
    /// Where the client keeps servers.
    pub locations: Vec<Location>,
    /// Files the client writes itself that copy secrets out of its
    /// environment (Codex's shell snapshots).
    #[serde(default)]
    pub copies: Vec<ClientCopy>,
    /// The ready-to-paste config of the Connect tab, when the client has one.
    #[serde(default)]
    pub snippet: Option<SnippetSpec>,
    /// The entries [`crate::install`] writes, one per mechanism, in the
    /// client's order of preference (DESIGN §8).
    #[serde(default)]
    pub install: Vec<InstallForm>,
    /// The text a config file of this client starts with when MCP Keys
    /// creates it, before the server goes in (Continue's `config.yaml`
    /// requires `name`, `version` and `schema`).
    #[serde(default)]
    pub new_config: Option<String>,
    /// Whether the client stops sending a configured `Authorization` header
    /// once the server advertises OAuth (RFC 9728 metadata, a
    /// `resource_metadata` challenge) and authorizes in the browser instead.
    #[serde(default)]
    pub drops_header_when_oauth_advertised: bool,
    /// Where the client logs MCP connection and authentication failures
    /// (DESIGN §10), or why it has no such log.
    #[serde(default)]
    pub logs: Vec<LogSource>,
}

/// One log a client writes about its MCP servers, per OS.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogSource {
    /// How the log is written, or [`LogFormat::None`] when the client writes
    /// no log file doctor could read.
    pub format: LogFormat,
    /// Why there is no log, for [`LogFormat::None`].
    #[serde(default)]
    pub reason: Option<String>,
    /// The SQLite table that holds the lines, for [`LogFormat::CodexLogsSqlite`].
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    linux: Option<LogPlace>,
    #[serde(default)]
    macos: Option<LogPlace>,
    #[serde(default)]
    windows: Option<LogPlace>,
}

impl LogSource {
    /// Where the log is on `os`, when the registry knows.
    pub fn place(&self, os: Os) -> Option<&LogPlace> {
        match os {
            Os::Linux => self.linux.as_ref(),
            Os::Macos => self.macos.as_ref(),
            Os::Windows => self.windows.as_ref(),
        }
    }
}

/// Where a log is on one OS.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogPlace {
    /// `home:REL`, `cache:REL` or `codexHome:REL` (see [`split_log_pattern`]);
    /// `*` matches one path segment's text, `{server}` stands for the
    /// server's config name.
    pub pattern: String,
    /// Whether the path was seen on a real run of the client (true), or
    /// comes from documentation or analogy with another OS (false).
    pub measured: bool,
}

/// The layouts of client logs we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LogFormat {
    /// Claude Code's per-server, per-connection JSONL files
    /// (`{"debug"|"error": TEXT, "timestamp": ...}`).
    ClaudeCodeMcpJsonl,
    /// Copilot CLI's per-process text log
    /// (`<ISO ts> [LEVEL] [rust:<target>] <message> <json>`).
    CopilotProcessLog,
    /// Codex's tracing rows in a SQLite database.
    CodexLogsSqlite,
    /// The client writes no log file about MCP failures.
    None,
}

/// Where a log pattern of the registry is rooted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogRoot {
    /// The home folder.
    Home,
    /// The platform cache folder: `$XDG_CACHE_HOME` or `~/.cache` on Linux,
    /// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` (`~/AppData/Local`) on
    /// Windows.
    Cache,
    /// Codex's folder: `$CODEX_HOME`, else `~/.codex`.
    CodexHome,
}

/// Splits `cache:REL` into its root and relative path.
pub fn split_log_pattern(pattern: &str) -> Option<(LogRoot, &str)> {
    let (root, rel) = pattern.split_once(':')?;
    let root = match root {
        "home" => LogRoot::Home,
        "cache" => LogRoot::Cache,
        "codexHome" => LogRoot::CodexHome,
        _ => return None,
    };
    Some((root, rel))
}

/// The folder a log pattern starts from; `var` reads an environment
/// variable (given, so that tests need not change the process's own).
/// Relative values of `XDG_CACHE_HOME` are ignored, as the XDG spec says.
pub fn log_root_dir(
    root: LogRoot,
    home: &Path,
    os: Os,
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> PathBuf {
    let absolute = |name: &str| {
        var(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    match root {
        LogRoot::Home => home.to_path_buf(),
        LogRoot::Cache => match os {
            Os::Linux => absolute("XDG_CACHE_HOME").unwrap_or_else(|| home.join(".cache")),
            Os::Macos => home.join("Library/Caches"),
            Os::Windows => absolute("LOCALAPPDATA").unwrap_or_else(|| home.join("AppData/Local")),
        },
        LogRoot::CodexHome => absolute("CODEX_HOME").unwrap_or_else(|| home.join(".codex")),
    }
}

/// A client as the UI names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KnownClient {
    /// The client.
    pub id: ClientId,
    /// Its display name ("Cursor").
    pub name: String,
}

/// Files a client writes that can hold a copy of a key it was given
/// through its environment: doctor reads them as plain text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientCopy {
    /// `home:REL` patterns; the last segment may be `*.ext`. The same on
    /// every system (they are under the client's own folder).
    pub paths: Vec<String>,
    /// What these files are, in words for a finding.
    pub what: String,
    /// How to remove a key from them, in words for a finding's fix.
    pub remove: String,
}

impl ClientSpec {
    /// The reference that stands for variable `name` in this client's
    /// configs, if the client has one.
    pub fn env_ref_for(&self, name: &str) -> Option<String> {
        self.env_ref.as_ref().map(|form| form.replace("VAR", name))
    }
}

#[derive(Deserialize)]
struct RegistryFile {
    clients: Vec<ClientSpec>,
}

/// Every client of the registry, in a stable order.
pub fn clients() -> &'static [ClientSpec] {
    static CLIENTS: OnceLock<Vec<ClientSpec>> = OnceLock::new();
    CLIENTS.get_or_init(|| load().unwrap_or_default())
}

/// Every client of the registry with its display name, in the registry's
/// order.
pub fn known_clients() -> Vec<KnownClient> {
    clients()
        .iter()
        .map(|spec| KnownClient {
            id: spec.id,
            name: spec.name.clone(),
        })
        .collect()
}

/// The registry entry of `id`.
pub fn client(id: ClientId) -> Option<&'static ClientSpec> {
    clients().iter().find(|spec| spec.id == id)
}

/// The client whose `clientInfo` name or User-Agent is `name` (as the key
/// service's audit records it): the client with the longest of its
/// [`ClientSpec::client_names`] found in `name`, case aside.
pub fn client_by_name(name: &str) -> Option<ClientId> {
    let name = name.to_lowercase();
    clients()
        .iter()
        .flat_map(|spec| {
            spec.client_names
                .iter()
                .filter(|known| name.contains(known.as_str()))
                .map(move |known| (known.len(), spec.id))
        })
        .fold(
            None,
            |best: Option<(usize, ClientId)>, (len, id)| match best {
                Some((best_len, _)) if best_len >= len => best,
                _ => Some((len, id)),
            },
        )
        .map(|(_, id)| id)
}

/// Parses the embedded registry; an error is a bug in `clients.json`, which
/// the crate's tests catch, so [`clients`] falls back to an empty list
/// rather than panicking in a user's session.
pub fn load() -> Result<Vec<ClientSpec>> {
    serde_json::from_str::<RegistryFile>(CLIENTS_JSON)
        .map(|file| file.clients)
        .map_err(|error| Error::Registry(error.to_string()))
}

/// Where a path pattern of the registry is rooted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// The home folder.
    Home,
    /// The platform config folder.
    Config,
    /// A project folder.
    Project,
}

/// Splits `home:REL` into its root and relative path.
pub fn split_pattern(pattern: &str) -> Option<(Root, &str)> {
    let (root, rel) = pattern.split_once(':')?;
    let root = match root {
        "home" => Root::Home,
        "config" => Root::Config,
        "project" => Root::Project,
        _ => return None,
    };
    Some((root, rel))
}

/// The folder a `home:` or `config:` pattern starts from.
pub fn root_dir(root: Root, home: &Path, os: Os) -> Option<PathBuf> {
    match root {
        Root::Home => Some(home.to_path_buf()),
        Root::Config => Some(home.join(os.config_dir())),
        Root::Project => None,
    }
}
