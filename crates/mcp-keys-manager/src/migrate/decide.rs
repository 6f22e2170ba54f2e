//! Why a literal key is left where it is: each reason decided here, with
//! what to do instead.

use std::path::Path;

use mcp_keys_ide::install::config_path_for;
use mcp_keys_ide::{ClientId, ConfigFile, KeyStatus, ScanEntry, registry};
use mcp_keys_store::SlotName;
use serde::Serialize;
use ts_rs::TS;

/// Why a literal key was left in its config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LeftReason {
    /// No key service knows the key: its surface is unknown.
    Unidentified,
    /// Another issuer's `mcp_` key.
    Foreign,
    /// Our shape with a wrong check character: not a working key.
    ChecksumError,
    /// Revoked: a slot would keep a dead key.
    Revoked,
    /// Expired: a slot would keep a dead key.
    Expired,
    /// The file is tracked by git, or the key is in its history: the key
    /// is shared with every clone, and moving it would not take it back.
    TrackedByGit,
    /// The key is on a server's command line (`args`), which every local
    /// process can read: it is exposed.
    KeyOnCommandLine,
    /// The key is given to a stdio server that runs its own program: a
    /// keyring-backed entry would replace that program.
    StdioServer,
    /// The entry's URL is not the surface's endpoint (a proxy?): the
    /// rewritten entry would connect elsewhere.
    UrlMismatch,
    /// Several clients read the file, and their keyring-backed forms
    /// differ (a project's `.mcp.json`: Claude Code and Copilot CLI).
    SharedFile,
    /// The entry is where the installer does not write (Claude Code's local
    /// scope, under `projects.<folder>` of `~/.claude.json`).
    UnsupportedPlace,
    /// The entry holds more than one key.
    SeveralKeys,
    /// The slot the entry would use holds another key already.
    SlotTaken,
    /// The surface has no MCP endpoint URL.
    NoEndpoint,
}

/// The reason to leave a key that is not active, from its status.
pub(super) fn by_status(entry: &ScanEntry) -> Option<(LeftReason, String)> {
    let instead = |what: &str| {
        format!(
            "the key is {what}: a slot would keep a dead key, so roll or revoke it instead: \
             `mcp-keys keys create SURFACE --name N --install {client} --server-name {server:?}` \
             puts a new key in a slot and replaces this entry",
            client = entry.client,
            server = entry.server_name,
        )
    };
    Some(match entry.status {
        KeyStatus::Active => return None,
        KeyStatus::Revoked => (LeftReason::Revoked, instead("revoked")),
        KeyStatus::Expired => (LeftReason::Expired, instead("expired")),
        KeyStatus::Foreign => (
            LeftReason::Foreign,
            "not a key of MCP Keys (another issuer's `mcp_` key): left as it is".to_owned(),
        ),
        KeyStatus::ChecksumError => (
            LeftReason::ChecksumError,
            "not a working key of MCP Keys (its check character is wrong: a typo?): fix or remove it"
                .to_owned(),
        ),
        KeyStatus::Unknown | KeyStatus::EnvReference => (
            LeftReason::Unidentified,
            format!(
                "no key service identified the key, so its surface is unknown: {}",
                entry
                    .status_reason
                    .as_deref()
                    .unwrap_or("connect the service that issued it")
            ),
        ),
    })
}

/// Where an identified, active key is, and what that allows.
pub(super) struct Place<'a> {
    /// The entry's field that holds the key.
    pub literal_field: &'a str,
    /// The config.
    pub file: &'a ConfigFile,
    /// Every client that reads it.
    pub clients: &'a [ClientId],
    /// Git holds the key in this file (tracked, or in its history).
    pub tracked: bool,
    /// The home folder the installer writes under.
    pub home: &'a Path,
}

impl Place<'_> {
    /// Why the key cannot be migrated from here, if it cannot.
    pub fn check(&self, key_id: &str, server: &str) -> Option<(LeftReason, String)> {
        let client = self.file.client;
        let replace = format!(
            "`mcp-keys keys create SURFACE --name N --install {client} --server-name {server:?}` \
             puts a new key in a slot and replaces this entry; then `mcp-keys keys revoke {key_id}`"
        );
        let path = self.file.path.display();
        if self.literal_field == "args" || self.literal_field.starts_with("args.") {
            return Some((
                LeftReason::KeyOnCommandLine,
                format!(
                    "the key is in `{}`, on the command line of the server's process, which every \
                     local process can read while it runs: treat it as exposed and roll or revoke \
                     it instead: {replace}",
                    self.literal_field
                ),
            ));
        }
        if self.tracked {
            return Some((
                LeftReason::TrackedByGit,
                format!(
                    "{path} is tracked by git (or the key is in its history): everyone with the \
                     repository has the key, a slot would not take it back, and a rewrite would \
                     put this machine's program path and slot into a shared file, so roll or revoke \
                     it instead: {replace}, and untrack the file"
                ),
            ));
        }
        if self.clients.len() > 1 {
            let names: Vec<&str> = self.clients.iter().map(|id| id.display_name()).collect();
            return Some((
                LeftReason::SharedFile,
                format!(
                    "{path} is read by {}, whose keyring-backed forms differ, so a rewrite for one \
                     would break the other; and a project's config is meant to be shared through \
                     git, where this machine's program path and keyring slot mean nothing. Move \
                     the server to your own config (for Claude Code: `claude mcp add --scope user`), \
                     remove the key from this file and migrate again",
                    names.join(" and ")
                ),
            ));
        }
        let spec = registry::client(client)?;
        let installs_here = spec
            .locations
            .iter()
            .position(|location| {
                location.scope == self.file.scope && !location.servers.contains('*')
            })
            .is_some_and(|index| index == self.file.location);
        let same_file = config_path_for(
            client,
            self.file.scope,
            self.home,
            self.file.project.as_deref(),
        )
        .is_some_and(|path| same_path(&path, &self.file.path));
        if installs_here && same_file {
            return None;
        }
        let servers = self
            .file
            .location()
            .map_or("?", |location| location.servers.as_str());
        Some((
            LeftReason::UnsupportedPlace,
            format!(
                "the entry is under `{servers}` of {path}, where the installer does not write \
                 (for Claude Code: the local scope of one folder). Add the server to your user \
                 config instead (`claude mcp add --scope user`) or to the project's config, \
                 remove it from here and migrate again"
            ),
        ))
    }
}

/// Whether `a` and `b` name the same file.
fn same_path(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
}

/// Why a key given to a stdio server stays.
pub(super) fn stdio_message(field: &str, command: &str) -> String {
    format!(
        "the key is in `{field}` of a stdio server that runs its own program ({command}), not a \
         connection to the surface: its keyring-backed form would replace that program. Start it \
         with the key in its environment from a slot (`mcp-keys run`) by hand, or leave it"
    )
}

/// Whether the entry's URL is the surface's endpoint (a trailing `/` aside).
pub(super) fn same_url(entry: Option<&str>, surface: &str) -> bool {
    entry.is_some_and(|url| url.trim_end_matches('/') == surface.trim_end_matches('/'))
}

/// Why an entry with another URL stays. A URL that holds a key is not
/// printed.
pub(super) fn url_message(entry: Option<&str>, surface: &str) -> String {
    let shown = match entry {
        None => "no URL".to_owned(),
        Some(url) if mcp_keys_core::find_candidates(url).next().is_some() => {
            "a URL with a key in it".to_owned()
        }
        Some(url) => url.to_owned(),
    };
    format!(
        "the entry connects to {shown}, not to the surface's endpoint {surface} (a proxy or \
         gateway?): the rewritten entry would connect to the surface directly. Install the key \
         by hand where the proxy reads it, or point the entry at {surface} and migrate again"
    )
}

/// Why an entry whose slot holds another key stays.
pub(super) fn slot_message(slot: &SlotName, holder: &str) -> String {
    format!(
        "keyring slot {slot} already holds key {holder} (for another config, or from an earlier \
         install): migrating would give its configs this key. If no config names it, delete it \
         (`mcp-keys slots delete {slot}`) and migrate again"
    )
}
