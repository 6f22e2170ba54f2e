//! Installing a key into a client (DESIGN §8): the client's entry for one
//! server goes into its real config, naming a keyring slot instead of
//! holding the key wherever the client allows it. What each entry holds is
//! registry data (`install` in `registry/clients.json`, one form per
//! mechanism, in the client's order of preference); where it goes is the
//! client's first location of the scope asked for.
//!
//! Guarantees, as for [`crate::edit`]:
//! 1. A config that does not parse is reported and never written.
//! 2. Only the server's entry changes (and, for VS Code's `input`, the one
//!    item of the file's `inputs`): comments, order, indentation and every
//!    other byte stay. JSON and JSONC are edited through `jsonc-parser`'s
//!    concrete syntax tree, TOML through `toml_edit`, YAML by splicing lines.
//! 3. The result is parsed again and must hold the new entry once, and
//!    everything else as before, or nothing is written.
//! 4. The write is atomic and checked against a concurrent change
//!    ([`crate::edit::write_atomic`]); an entry already as it should be is
//!    not written at all.
//!
//! A new config file is created readable by its owner only (0600): clients
//! and people add keys to these files later, and git, which shares project
//! configs, records no read permissions. A new folder is created as the
//! client would (`create_dir_all`, the umask decides). An existing file
//! keeps its permissions, except that one every user could read is narrowed
//! to 0600 when a `literal` install writes a key into it. A project config
//! must be a regular file inside the project folder: a cloned repository
//! can ship a link that would send the write elsewhere.
//!
//! The key (a `literal` install only) never goes into an error, a log or a
//! command line: a form that would put it in `command` or `args` is refused.

mod change;
mod check;
mod fill;
mod json;
mod keep;
mod request;
mod toml;
mod via;
mod write;
mod yaml;

use std::path::{Path, PathBuf};

use mcp_keys_core::Sensitive;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use keep::{OWNED, dropped_on_replace};
pub use via::{AfterRoll, Via, after_roll};

use crate::registry::{self, ServersShape};
use crate::snippet::Template;
use crate::{ClientId, Error, Result, Scope};
use change::{Applied, Change, Refusal, named};
use request::{scope_name, target, validate};

/// One entry a client can be given, from the registry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstallForm {
    /// The mechanism.
    pub via: Via,
    /// The server's entry. Strings may hold `{url}`, `{server}`,
    /// `{program}` (the path of `mcp-keys`), `{program:shell}` (the same as
    /// one shell word), `{slot}`, `{var}` (the variable's name), `{ref}` (the
    /// client's reference to it, from `envRef`) and `{key}` (literal only).
    pub entry: Template,
    /// An item for the file's top-level `inputs` list, which the entry
    /// refers to (VS Code's `${input:id}`); it replaces an item with the
    /// same `id`.
    #[serde(default)]
    pub input: Option<Template>,
}

/// What to install where.
#[derive(Debug, Clone, Copy)]
pub struct InstallRequest<'a> {
    /// The client.
    pub client: ClientId,
    /// The mechanism; one of [`mechanisms`] of the client.
    pub via: Via,
    /// The user's config or a project's.
    pub scope: Scope,
    /// The home folder.
    pub home: &'a Path,
    /// The project folder, for the project scope.
    pub project: Option<&'a Path>,
    /// The server's name in the config.
    pub server_name: &'a str,
    /// The surface's MCP endpoint.
    pub url: &'a str,
    /// The keyring slot: lowercase letters, digits and dashes, at most 64.
    pub slot: &'a str,
    /// The variable `mcp-keys run` sets (usually [`slot_env_var`]).
    pub env_var: &'a str,
    /// The absolute path of the `mcp-keys` program the config runs.
    pub program: &'a Path,
    /// The key: required for [`Via::Literal`], not read otherwise.
    pub key: Option<&'a Sensitive<String>>,
}

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Installed {
    /// The client.
    pub client: ClientId,
    /// The mechanism.
    pub via: Via,
    /// The config written (as named, a symlink's path when it is one).
    #[ts(type = "string")]
    pub config_path: PathBuf,
    /// Global or project.
    pub scope: Scope,
    /// The server's name in the config.
    pub server_name: String,
    /// The config did not exist and was created.
    pub created_file: bool,
    /// An entry of the same name was there, different, and was replaced.
    pub replaced_entry: bool,
    /// What the client needs after a roll.
    pub after_roll: AfterRoll,
}

/// The mechanisms `client` has, best first; `literal` last.
pub fn mechanisms(client: ClientId) -> Vec<Via> {
    let forms = registry::client(client).map_or(&[][..], |spec| &spec.install[..]);
    let mut vias: Vec<Via> = Vec::new();
    for form in forms {
        if !vias.contains(&form.via) {
            vias.push(form.via);
        }
    }
    vias.sort_by_key(|via| *via == Via::Literal);
    vias
}

/// The mechanism `client` gets when none is asked for: its best.
pub fn default_via(client: ClientId) -> Via {
    mechanisms(client).first().copied().unwrap_or(Via::Bridge)
}

/// The config an install of `client` in `scope` writes: the first path of
/// the client's first location of that scope. `None` when the client has
/// no such file at a fixed path (Continue's project servers are one file
/// per server, `.continue/mcpServers/*.yaml`), or for the project scope
/// without a project folder.
pub fn config_path_for(
    client: ClientId,
    scope: Scope,
    home: &Path,
    project: Option<&Path>,
) -> Option<PathBuf> {
    target(registry::client(client)?, scope, home, project).map(|(_, path)| path)
}

/// The variable `mcp-keys run` sets for `slot`: `MCP_KEY_` and the slot in
/// capitals, every character other than a letter or digit as `_`.
pub fn slot_env_var(slot: &str) -> String {
    let name: String = slot
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("MCP_KEY_{name}")
}

/// Puts the entry of `request.server_name` into the client's config,
/// replacing an entry of that name and keeping the rest of the file as it
/// is (see the module's guarantees). Of the entry replaced, the members
/// that are not about how the client reaches the server or authenticates
/// ([`OWNED`]) stay as they were.
pub fn install(request: &InstallRequest<'_>) -> Result<Installed> {
    let spec = registry::client(request.client)
        .ok_or_else(|| Error::Registry(format!("no entry for {}", request.client)))?;
    let form = spec
        .install
        .iter()
        .find(|form| form.via == request.via)
        .ok_or(Error::ViaUnsupported {
            client: request.client.as_str(),
            via: request.via.as_str(),
        })?;
    validate(request)?;
    let (location, path) =
        target(spec, request.scope, request.home, request.project).ok_or(Error::NoConfigPath {
            client: request.client.as_str(),
            scope: scope_name(request.scope),
        })?;
    let key = match (request.via, request.key) {
        (Via::Literal, None) => return Err(Error::KeyRequired),
        (Via::Literal, Some(key)) => Some(key.expose().as_str()),
        _ => None,
    };
    let program = request.program.to_str().ok_or(Error::InvalidInstall {
        what: "program path",
        value: request.program.display().to_string(),
        problem: "is not UTF-8",
    })?;
    let values = fill::Values {
        url: request.url,
        server: request.server_name,
        program,
        slot: request.slot,
        var: request.env_var,
        reference: spec.env_ref_for(request.env_var),
        key,
    };
    let missing = |missing| match missing {
        fill::Missing::Key => Error::Registry(format!(
            "the {} form of {} uses the key",
            request.via, request.client
        )),
        fill::Missing::Reference => Error::Registry(format!(
            "the {} form of {} uses {{ref}} but the client has no envRef",
            request.via, request.client
        )),
    };
    let mut entry = values.fill(&form.entry).map_err(missing)?;
    let input = form
        .input
        .as_ref()
        .map(|input| values.fill(input))
        .transpose()
        .map_err(missing)?;
    if key.is_some_and(|key| fill::on_command_line(&entry, key)) {
        return Err(Error::Registry(format!(
            "the literal form of {} would put the key on a command line",
            request.client
        )));
    }
    if location.servers_shape == ServersShape::List {
        entry = named(request.server_name, entry);
    }
    let change = Change {
        servers: location.servers_path(),
        shape: location.servers_shape,
        name: request.server_name,
        entry,
        input,
    };
    let written = write::write(&write::Target {
        path: &path,
        format: location.format,
        new_config: spec.new_config.as_deref(),
        project: (request.scope == Scope::Project)
            .then_some(request.project)
            .flatten(),
        private: key.is_some(),
        change: &change,
    })?;
    Ok(Installed {
        client: request.client,
        via: request.via,
        config_path: path,
        scope: request.scope,
        server_name: request.server_name.to_owned(),
        created_file: written.created_file,
        replaced_entry: written.replaced_entry,
        after_roll: after_roll(request.via),
    })
}

#[cfg(test)]
mod tests;
