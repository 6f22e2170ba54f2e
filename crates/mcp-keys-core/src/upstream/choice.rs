//! What a person picks as a surface's MCP server in the app, and the one
//! secret that choice may carry: a remote server's credential header or a
//! command's secret environment variable. The choice names the secret; its
//! value travels beside it as a [`Sensitive`], never inside it, because a
//! choice is serializable (it is the form's JSON).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    FILESYSTEM_SERVER_PACKAGE, MAX_SECRET_NAME, MAX_UPSTREAM_TEXT, Upstream, UpstreamSessions,
    UpstreamValue, is_absolute, is_secret_name_char, split_command_line,
};
use crate::{Sensitive, is_control_or_bidi};

/// Programs that fetch and run the package named by their first argument
/// that is not an option (`npx -y @scope/server-github`): a secret of such a
/// command is named after the package, not after the runner, which would be
/// the same for every server.
const PACKAGE_RUNNERS: [&str; 4] = ["npx", "bunx", "pnpx", "uvx"];

/// What a person picks as a surface's MCP server, in the app: the forms
/// that become an [`Upstream`]. A secret is named here
/// ([`UpstreamSecretChoice`]); its value is given beside the choice
/// ([`UpstreamChoice::upstream_with_secret`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub enum UpstreamChoice {
    /// Share a folder: the official filesystem server, run with `npx`,
    /// limited to that folder, one process for every client (`shared`).
    Folder {
        /// The folder (absolute).
        path: String,
    },
    /// A local MCP server, as one command line (split as a POSIX shell
    /// would, never run by a shell).
    #[serde(rename_all = "camelCase")]
    Command {
        /// The command line.
        command_line: String,
        /// An environment variable of the command that holds a secret
        /// (`GITHUB_PERSONAL_ACCESS_TOKEN`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        secret_env: Option<UpstreamSecretChoice>,
        /// One process for every client (`sessions: shared`), for servers
        /// that keep no state per client; otherwise one per client session.
        #[serde(default)]
        shared: bool,
    },
    /// A remote MCP server speaking Streamable HTTP.
    Url {
        /// Its MCP endpoint.
        url: String,
        /// The header that carries its credential (`Authorization`,
        /// `X-Api-Key`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        credential: Option<UpstreamSecretChoice>,
    },
}

/// A secret an upstream is given: where it goes, and the name it is kept
/// under where the gateway runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct UpstreamSecretChoice {
    /// The header (`Authorization`) or environment variable
    /// (`GITHUB_PERSONAL_ACCESS_TOKEN`) that carries the secret.
    pub name: String,
    /// The secret's name where the gateway runs, when the person gives it:
    /// another key service's secret (its `MCP_KEYS_SECRET_<NAME>` variable
    /// or secrets file), which the app cannot write. Omitted, a name is
    /// derived from what the secret opens: `<host>.<header>` or
    /// `<program>.<VARIABLE>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub secret_ref: Option<String>,
}

/// A secret's value and the name it is kept under: what the app saves in
/// the OS keyring before it stores the upstream that names it. Not
/// serializable, as its value is a [`Sensitive`].
#[derive(Debug)]
pub struct NamedSecret {
    /// The name the upstream refers to (`{"secretRef": NAME}`).
    pub name: String,
    /// The value, without surrounding whitespace.
    pub value: Sensitive<String>,
}

impl UpstreamChoice {
    /// The upstream this choice makes, checked; the reason in words when
    /// it is not valid. Its secret, if any, is a `{"secretRef": NAME}`.
    pub fn upstream(&self) -> Result<Upstream, String> {
        let upstream = match self {
            Self::Folder { path } => {
                let path = path.trim();
                if !is_absolute(path) {
                    return Err(format!("the folder {path:?} is not an absolute path"));
                }
                Upstream::Stdio {
                    command: "npx".to_owned(),
                    args: vec![
                        "-y".to_owned(),
                        FILESYSTEM_SERVER_PACKAGE.to_owned(),
                        path.to_owned(),
                    ],
                    env: BTreeMap::new(),
                    cwd: None,
                    // One process for every client: the server keeps no
                    // per-client state (it never hears of clients' roots:
                    // `takes_roots_as_limits`).
                    sessions: UpstreamSessions::Shared,
                }
            }
            Self::Command {
                command_line,
                secret_env,
                shared,
            } => {
                let (command, args) = split_command_line(command_line)?;
                let env = secret_env
                    .as_ref()
                    .map(|secret| secret.entry(&program_of(&command, &args), false))
                    .into_iter()
                    .collect();
                Upstream::Stdio {
                    command,
                    args,
                    env,
                    cwd: None,
                    sessions: if *shared {
                        UpstreamSessions::Shared
                    } else {
                        UpstreamSessions::Separate
                    },
                }
            }
            Self::Url { url, credential } => {
                let url = url.trim();
                Upstream::Http {
                    url: url.to_owned(),
                    headers: credential
                        .as_ref()
                        .map(|secret| secret.entry(&host_of(url), true))
                        .into_iter()
                        .collect(),
                    sessions: UpstreamSessions::Separate,
                }
            }
        };
        upstream.check()?;
        Ok(upstream)
    }

    /// The upstream, and `value` checked as the secret to save under the
    /// name it refers to before it is used. Without a value, the secret
    /// already kept under that name is the one used. Surrounding whitespace
    /// is dropped (a pasted token often ends with a line break), as a
    /// server's secrets file drops it.
    pub fn upstream_with_secret(
        &self,
        value: Option<Sensitive<String>>,
    ) -> Result<(Upstream, Option<NamedSecret>), String> {
        let upstream = self.upstream()?;
        let Some(value) = value else {
            return Ok((upstream, None));
        };
        // A choice names at most one secret.
        let name = upstream.secret_refs().next().map(str::to_owned).ok_or(
            "a secret's value was given without a header or environment variable to carry it",
        )?;
        let trimmed = value.expose().trim();
        if trimmed.is_empty() {
            return Err(format!(
                "the value of the secret {name} is empty: paste it, or leave it out to keep \
                 the one already saved under that name"
            ));
        }
        if trimmed.len() > MAX_UPSTREAM_TEXT {
            return Err(format!(
                "the value of the secret {name} is longer than {MAX_UPSTREAM_TEXT} bytes"
            ));
        }
        if trimmed.chars().any(is_control_or_bidi) {
            return Err(format!(
                "the value of the secret {name} holds control characters (a line break?)"
            ));
        }
        let value = Sensitive::new(trimmed.to_owned());
        Ok((upstream, Some(NamedSecret { name, value })))
    }
}

impl UpstreamSecretChoice {
    /// The header or variable as the upstream holds it: the name the
    /// person gave, or else one derived from `source` (a host or a
    /// program). Header names are case-insensitive, so theirs is derived
    /// lower-cased: `Authorization` and `authorization` are one secret.
    fn entry(&self, source: &str, header: bool) -> (String, UpstreamValue) {
        let carrier = self.name.trim();
        let secret_ref = match self.secret_ref.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() => given.to_owned(),
            _ if header => derived_name(source, &carrier.to_ascii_lowercase()),
            _ => derived_name(source, carrier),
        };
        (carrier.to_owned(), UpstreamValue::Secret { secret_ref })
    }
}

/// `<source>.<carrier>` (`api.githubcopilot.com.authorization`,
/// `server-github.GITHUB_PERSONAL_ACCESS_TOKEN`) in the characters a secret
/// name may hold (others become `_`), the source shortened first so that
/// the carrier's name stays whole.
///
/// Why this name: it is the same every time the same server is given the
/// same header or variable, so a new value replaces the old one in the
/// keyring instead of leaving one more entry behind, changing a surface's
/// command line keeps its secret, and every surface in front of one server
/// shares its credential (rotated once, in one place). It is also readable
/// where a person meets it: in the Server tab and in
/// `mcp-keys secrets set NAME`. A surface that needs a different credential
/// for the same server names its secret itself
/// ([`UpstreamSecretChoice::secret_ref`]).
fn derived_name(source: &str, carrier: &str) -> String {
    // Every character kept is ASCII, so a length in characters is one in bytes.
    let clean = |text: &str, limit: usize| -> String {
        text.chars()
            .map(|c| if is_secret_name_char(c) { c } else { '_' })
            .take(limit)
            .collect()
    };
    let carrier = clean(carrier, MAX_SECRET_NAME / 2);
    let source = clean(source, MAX_SECRET_NAME - 1 - carrier.len());
    format!("{source}.{carrier}")
}

/// The host (and port) of a URL, lower-cased.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// What a command runs, as a person would name it: the program's file
/// name, or for a package runner the package, without scope or version
/// (`server-github` for `npx -y @modelcontextprotocol/server-github@1.0`).
fn program_of(command: &str, args: &[String]) -> String {
    let file_name = |word: &str| word.rsplit(['/', '\\']).next().unwrap_or(word).to_owned();
    let program = file_name(command);
    let program = [".exe", ".cmd"]
        .iter()
        .find_map(|extension| program.strip_suffix(extension))
        .unwrap_or(&program);
    if PACKAGE_RUNNERS.contains(&program)
        && let Some(package) = args.iter().find(|arg| !arg.starts_with('-'))
    {
        let package = file_name(package);
        // `server-github@1.0`, `mcp-server-time==2025.1`.
        let package = package.split(['@', '=']).next().unwrap_or_default();
        if !package.is_empty() {
            return package.to_owned();
        }
    }
    program.to_owned()
}
