//! A surface's upstream (DESIGN §7): the real MCP server its endpoint
//! fronts, a local command speaking MCP over stdio or a remote Streamable
//! HTTP server. Credentials of the upstream are never part of it: a value
//! that is a secret is a reference by name (`{"secretRef": "NAME"}`),
//! resolved where the gateway runs (the OS keyring in the app, the
//! environment or a secrets file on a server).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::is_control_or_bidi;

mod choice;

pub use choice::{NamedSecret, UpstreamChoice, UpstreamSecretChoice};

/// The longest command, argument, URL, working folder or value accepted.
pub const MAX_UPSTREAM_TEXT: usize = 4096;

/// The most arguments, environment variables or headers accepted.
pub const MAX_UPSTREAM_ENTRIES: usize = 128;

/// Headers of an HTTP upstream that the gateway's transport sets: HTTP's
/// own and those of MCP's Streamable HTTP.
const RESERVED_HEADERS: [&str; 10] = [
    "accept",
    "connection",
    "content-length",
    "content-type",
    "host",
    "last-event-id",
    "mcp-protocol-version",
    "mcp-session-id",
    "te",
    "transfer-encoding",
];

/// The longest secret name (`{"secretRef": NAME}`).
pub const MAX_SECRET_NAME: usize = 128;

/// The MCP server that shares a folder (`UpstreamChoice::Folder`): the
/// official filesystem server, at a version this release was tested with.
pub const FILESYSTEM_SERVER_PACKAGE: &str = "@modelcontextprotocol/server-filesystem@2026.8.31";

/// The servers (as a program or package name) that take a client's roots
/// as the folders they may use ([`Upstream::takes_roots_as_limits`]).
const ROOTS_AS_LIMITS: [&str; 3] = [
    "server-filesystem",
    "mcp-server-filesystem",
    "mcp-server-git",
];

/// The real MCP server behind a surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
#[ts(export)]
pub enum Upstream {
    /// A local command speaking MCP over its stdin and stdout.
    Stdio {
        /// The program (looked up on PATH when it has no slash).
        command: String,
        /// Its arguments.
        #[serde(default)]
        args: Vec<String>,
        /// Variables added to its environment.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        env: BTreeMap<String, UpstreamValue>,
        /// The folder it starts in (absolute).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        cwd: Option<String>,
        /// One process per client session (the default), or one for all.
        #[serde(default, skip_serializing_if = "UpstreamSessions::is_separate")]
        #[ts(as = "Option<UpstreamSessions>", optional)]
        sessions: UpstreamSessions,
    },
    /// A remote server speaking MCP Streamable HTTP.
    Http {
        /// Its MCP endpoint.
        url: String,
        /// Headers sent with every request to it.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, UpstreamValue>,
        /// One upstream session per client session (the default), or one
        /// for all.
        #[serde(default, skip_serializing_if = "UpstreamSessions::is_separate")]
        #[ts(as = "Option<UpstreamSessions>", optional)]
        sessions: UpstreamSessions,
    },
}

/// Whether each client session gets its own connection to the upstream
/// (docs/gateway.md). Many servers keep state per client (roots,
/// subscriptions, what an elicitation asked), and a server's request to
/// the client must reach the client whose call caused it: so `separate`
/// is the default, and `shared` is for servers that keep none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum UpstreamSessions {
    /// Each client session gets its own process (stdio) or its own
    /// upstream session (HTTP); everything passes through, the server's
    /// requests to the client included.
    #[default]
    Separate,
    /// Every client session uses one connection; the upstream is told its
    /// client can take no requests (sampling, elicitation, roots).
    Shared,
}

impl UpstreamSessions {
    /// Whether this is the default, `separate`.
    pub fn is_separate(&self) -> bool {
        *self == Self::Separate
    }
}

/// A value of an upstream's environment or headers: plain text, or a
/// secret named by reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum UpstreamValue {
    /// A value that is not a secret (`X-Team: platform`).
    Plain(String),
    /// A secret, by the name it is kept under where the gateway runs.
    Secret {
        /// The secret's name.
        #[serde(rename = "secretRef")]
        secret_ref: String,
    },
}

impl Upstream {
    /// A local command given as one command line, split as a POSIX shell
    /// would (quotes keep words together); no shell ever runs it.
    pub fn from_command_line(line: &str) -> Result<Self, String> {
        let (command, args) = split_command_line(line)?;
        Ok(Self::Stdio {
            command,
            args,
            env: BTreeMap::new(),
            cwd: None,
            sessions: UpstreamSessions::Separate,
        })
    }

    /// Whether this is a server known to take a client's roots as the
    /// folders it may use, in place of those it was started with (the
    /// official filesystem and git servers): the gateway never offers it a
    /// client's roots, so a key holder cannot widen what the owner shared.
    pub fn takes_roots_as_limits(&self) -> bool {
        let Self::Stdio { command, args, .. } = self else {
            return false;
        };
        std::iter::once(command).chain(args).any(|word| {
            let name = word.rsplit('/').next().unwrap_or(word);
            // `@modelcontextprotocol/server-filesystem@2026.8.31` names
            // `server-filesystem@2026.8.31` here.
            let name = name.split('@').next().unwrap_or(name);
            ROOTS_AS_LIMITS.contains(&name)
        })
    }

    /// Whether client sessions share one connection to it.
    pub fn sessions(&self) -> UpstreamSessions {
        match self {
            Self::Stdio { sessions, .. } | Self::Http { sessions, .. } => *sessions,
        }
    }

    /// Whether this upstream runs a command on the host.
    pub fn is_command(&self) -> bool {
        matches!(self, Self::Stdio { .. })
    }

    /// Every secret name this upstream refers to.
    pub fn secret_refs(&self) -> impl Iterator<Item = &str> {
        let values = match self {
            Self::Stdio { env, .. } => env,
            Self::Http { headers, .. } => headers,
        };
        values.values().filter_map(|value| match value {
            UpstreamValue::Secret { secret_ref } => Some(secret_ref.as_str()),
            UpstreamValue::Plain(_) => None,
        })
    }

    /// Checks everything that can be checked without running it: the reason
    /// in words when it is malformed. Values whose name says they are
    /// credentials (`Authorization`, `*_TOKEN`, `*KEY*`, ...) must be secret
    /// references, so a credential never lands in the database.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Self::Stdio {
                command,
                args,
                env,
                cwd,
                sessions: _,
            } => {
                text("command", command)?;
                if command.trim().is_empty() {
                    return Err("the command is empty".to_owned());
                }
                if args.len() > MAX_UPSTREAM_ENTRIES {
                    return Err(format!("more than {MAX_UPSTREAM_ENTRIES} arguments"));
                }
                for arg in args {
                    text("an argument", arg)?;
                }
                if let Some(cwd) = cwd {
                    text("the working folder", cwd)?;
                    if !is_absolute(cwd) {
                        return Err(format!(
                            "the working folder {cwd:?} is not an absolute path"
                        ));
                    }
                }
                values("environment variable", env, |name| {
                    let valid = name
                        .chars()
                        .next()
                        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    valid
                        .then_some(())
                        .ok_or_else(|| format!("{name:?} is not an environment variable name"))
                })
            }
            Self::Http { url, headers, .. } => {
                text("the URL", url)?;
                check_url(url)?;
                values("header", headers, |name| {
                    let valid = !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                    if !valid {
                        return Err(format!("{name:?} is not a header name"));
                    }
                    if RESERVED_HEADERS
                        .iter()
                        .any(|reserved| name.eq_ignore_ascii_case(reserved))
                    {
                        return Err(format!(
                            "the header {name} is set by the gateway itself (HTTP and MCP \
                             transport headers cannot be given)"
                        ));
                    }
                    Ok(())
                })
            }
        }
    }
}

/// A command line split into the program and its arguments, as a POSIX
/// shell would split it (quotes keep words together).
pub fn split_command_line(line: &str) -> Result<(String, Vec<String>), String> {
    let mut words = shlex::split(line)
        .filter(|words| !words.is_empty())
        .ok_or_else(|| format!("{line:?} is not a command line (an unclosed quote?)"))?
        .into_iter();
    let command = words.next().unwrap_or_default();
    Ok((command, words.collect()))
}

/// Whether a variable or header named `name` holds a credential by its name.
pub fn names_a_credential(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || [
        "token",
        "key",
        "secret",
        "password",
        "passwd",
        "credential",
        "auth",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Whether `name` can name a secret: 1 to [`MAX_SECRET_NAME`] letters,
/// digits, `_`, `.` or `-`, so it is a keyring account, a line of a secrets
/// file and (upper-cased) part of an environment variable's name alike.
pub fn is_secret_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_SECRET_NAME && name.chars().all(is_secret_name_char)
}

fn is_secret_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-".contains(c)
}

fn values(
    what: &str,
    values: &BTreeMap<String, UpstreamValue>,
    valid_name: impl Fn(&str) -> Result<(), String>,
) -> Result<(), String> {
    if values.len() > MAX_UPSTREAM_ENTRIES {
        return Err(format!("more than {MAX_UPSTREAM_ENTRIES} {what}s"));
    }
    for (name, value) in values {
        valid_name(name)?;
        match value {
            UpstreamValue::Plain(text_value) => {
                text(&format!("the {what} {name}"), text_value)?;
                if names_a_credential(name) {
                    return Err(format!(
                        "the {what} {name} holds a credential: give it as {{\"secretRef\": \"NAME\"}} \
                         (kept in the OS keyring or the service's secrets), never as plain text"
                    ));
                }
            }
            UpstreamValue::Secret { secret_ref } => {
                if !is_secret_name(secret_ref) {
                    return Err(format!(
                        "the secret name {secret_ref:?} of the {what} {name} must be 1 to \
                         {MAX_SECRET_NAME} letters, digits, `_`, `.` or `-`"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A value without control characters, within the length limit.
fn text(what: &str, value: &str) -> Result<(), String> {
    if value.len() > MAX_UPSTREAM_TEXT {
        return Err(format!("{what} is longer than {MAX_UPSTREAM_TEXT} bytes"));
    }
    if value.chars().any(is_control_or_bidi) {
        return Err(format!("{what} holds control characters"));
    }
    Ok(())
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/')
        || path.starts_with("\\\\")
        || path
            .as_bytes()
            .get(1..3)
            .is_some_and(|rest| rest == b":\\" || rest == b":/")
}

/// An `http` or `https` URL with a host, without credentials in it.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} is not an http:// or https:// URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    if authority.contains('@') {
        return Err(
            "the URL holds a user name or password: give credentials as a header with a \
             secretRef instead"
                .to_owned(),
        );
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!("{url:?} holds spaces"));
    }
    Ok(())
}
