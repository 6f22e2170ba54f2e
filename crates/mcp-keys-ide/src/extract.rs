//! Finding keys, environment-variable references and keyring-slot
//! references (DESIGN §8) in a parsed config.

mod found;
mod slots;

use std::collections::HashMap;
use std::ops::Range;

use mcp_keys_core::find_candidates;

pub use found::{Found, KeyFacts, KeyKind, ServerItem, SlotVia};
pub use slots::SlotKey;

use crate::registry::{ClientSpec, EnvRefSyntax, Location, ServersShape};
use crate::syntax::{self, Node};

/// Parses `text` and lists the keys and references in the servers of
/// `location`. Keys outside server entries (and in comments) are ignored:
/// the client does not send them.
pub fn extract(
    spec: &ClientSpec,
    location: &Location,
    text: &str,
    env: &HashMap<String, String>,
) -> Result<Vec<ServerItem>, String> {
    let root = syntax::parse(location.format, text)?;
    Ok(extract_from(spec, location, &root, text, env))
}

/// [`extract`] over an already parsed tree.
pub fn extract_from(
    spec: &ClientSpec,
    location: &Location,
    root: &Node,
    text: &str,
    env: &HashMap<String, String>,
) -> Vec<ServerItem> {
    extract_with_slots(spec, location, root, text, env, &HashMap::new())
}

/// [`extract_from`], with the keys of the keyring slots the caller could
/// read (by slot name): a reference to a slot resolves to its key.
pub fn extract_with_slots(
    spec: &ClientSpec,
    location: &Location,
    root: &Node,
    text: &str,
    env: &HashMap<String, String>,
    slots: &HashMap<String, SlotKey>,
) -> Vec<ServerItem> {
    let mut items = Vec::new();
    for (server_name, entry) in servers(root, &location.servers_path(), location.servers_shape) {
        let url = server_url(spec, entry);
        let own_env = entry.get("env");
        for command in slots::slot_commands(entry) {
            let held = slots.get(&command.slot);
            items.push(ServerItem {
                server_name: server_name.clone(),
                // A bridge entry has no URL of its own: the slot's is where
                // its requests go.
                url: url
                    .clone()
                    .or_else(|| held.and_then(|held| held.url.clone())),
                field: command.field,
                found: Found::Slot {
                    resolved: held.and_then(|held| KeyFacts::first_in(held.key.expose())),
                    slot: command.slot,
                    via: command.via,
                    variable: None,
                },
            });
        }
        let mut strings = Vec::new();
        collect_strings(entry, &mut Vec::new(), &mut strings);
        for (field, value, span) in strings {
            let push = |found: Found, items: &mut Vec<ServerItem>| {
                items.push(ServerItem {
                    server_name: server_name.clone(),
                    url: url.clone(),
                    field: field.clone(),
                    found,
                });
            };
            // Keys: searched in the literal's own bytes, so the span is exact.
            // A key written with escape sequences is not found (no client
            // config does that). Program names and types are not keys, even
            // when they look random enough (`mcp_server_v2_binary`).
            let raw = if names_a_program(&field) {
                ""
            } else {
                text.get(span.clone()).unwrap_or_default()
            };
            for range in find_candidates(raw) {
                if let Some(key) = KeyFacts::of(&raw[range.clone()]) {
                    let span = span.start + range.start..span.start + range.end;
                    push(Found::Plaintext { key, span }, &mut items);
                }
            }
            if !carries_credentials(&field) {
                continue;
            }
            for (variable, has_default) in references(spec, &field, value) {
                // `${VAR}` filled from the entry's own env block (mcp-remote's
                // documented pattern): the key is reported where it is written.
                if own_env.and_then(|own| own.get(&variable)).is_some() {
                    continue;
                }
                if let Some((slot, resolved)) = slots::env_slot(&variable, env, slots) {
                    push(
                        Found::Slot {
                            slot,
                            via: SlotVia::Env,
                            variable: Some(variable),
                            resolved,
                        },
                        &mut items,
                    );
                    continue;
                }
                let value = resolvable(&variable).then(|| env.get(&variable)).flatten();
                push(
                    Found::EnvReference {
                        variable,
                        resolved: value.and_then(|value| KeyFacts::first_in(value)),
                        is_set: value.is_some(),
                        has_default,
                    },
                    &mut items,
                );
            }
        }
    }
    items
}

/// Whether the process environment can answer for `variable` (inputs and
/// Continue secrets live in the clients' own stores).
fn resolvable(variable: &str) -> bool {
    !variable.contains(':') && !variable.contains('.')
}

/// The server entries under `path`, with their names.
fn servers<'a>(node: &'a Node, path: &[&str], shape: ServersShape) -> Vec<(String, &'a Node)> {
    match path.split_first() {
        Some((&"*", rest)) => match node {
            Node::Map(members) => members
                .iter()
                .flat_map(|(_, child)| servers(child, rest, shape))
                .collect(),
            _ => Vec::new(),
        },
        Some((segment, rest)) => node
            .get(segment)
            .map(|child| servers(child, rest, shape))
            .unwrap_or_default(),
        None => match (shape, node) {
            (ServersShape::Map, Node::Map(members)) => members
                .iter()
                .filter(|(_, entry)| matches!(entry, Node::Map(_)))
                .map(|(name, entry)| (name.clone(), entry))
                .collect(),
            (ServersShape::List, Node::List(entries)) => entries
                .iter()
                .enumerate()
                .filter(|(_, entry)| matches!(entry, Node::Map(_)))
                .map(|(index, entry)| {
                    let name = entry
                        .get("name")
                        .and_then(Node::as_str)
                        .map_or_else(|| format!("#{index}"), str::to_owned);
                    (name, entry)
                })
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// The URL of a server: its URL field, or the first `http(s)://` argument
/// (`mcp-remote URL`).
fn server_url(spec: &ClientSpec, entry: &Node) -> Option<String> {
    spec.url_fields
        .iter()
        .find_map(|field| entry.get(field).and_then(Node::as_str))
        .or_else(|| match entry.get("args") {
            Some(Node::List(args)) => args
                .iter()
                .filter_map(Node::as_str)
                .find(|arg| arg.starts_with("https://") || arg.starts_with("http://")),
            _ => None,
        })
        .map(str::to_owned)
}

/// Every string under `node` with its dotted field path and span.
fn collect_strings<'a>(
    node: &'a Node,
    path: &mut Vec<String>,
    out: &mut Vec<(String, &'a str, Range<usize>)>,
) {
    match node {
        Node::Map(members) => {
            for (name, child) in members {
                path.push(name.clone());
                collect_strings(child, path, out);
                path.pop();
            }
        }
        Node::List(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                collect_strings(child, path, out);
                path.pop();
            }
        }
        Node::Str { value, span } => out.push((path.join("."), value, span.clone())),
        Node::Other => {}
    }
}

/// Whether a field of a server entry names a program or a kind, never a
/// secret.
fn names_a_program(field: &str) -> bool {
    matches!(field, "command" | "type" | "name" | "cwd" | "transport")
}

/// Whether a field of a server entry is one where clients put credentials:
/// headers, the URL, arguments, environment and Codex's token fields.
/// References elsewhere (`command`, `cwd`) are paths, not credentials.
fn carries_credentials(field: &str) -> bool {
    let first = field.split('.').next().unwrap_or_default();
    matches!(
        first,
        "headers"
            | "http_headers"
            | "env_http_headers"
            | "bearer_token_env_var"
            | "requestOptions"
            | "env"
            | "args"
            | "url"
            | "serverUrl"
            | "httpUrl"
    )
}

/// Variables that editors fill in themselves; not credentials.
const EDITOR_VARIABLES: &[&str] = &[
    "workspaceFolder",
    "workspaceFolderBasename",
    "userHome",
    "pathSeparator",
    "file",
    "cwd",
    "HOME",
    "PATH",
];

/// The variables `value` refers to, in the forms `spec` expands.
pub fn references(spec: &ClientSpec, field: &str, value: &str) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> = Vec::new();
    for syntax in &spec.env_ref_syntaxes {
        match syntax {
            EnvRefSyntax::EnvColon => found.extend(
                delimited(value, "${env:", "}")
                    .into_iter()
                    .map(|name| (name, false)),
            ),
            EnvRefSyntax::Input => found.extend(
                delimited(value, "${input:", "}")
                    .into_iter()
                    .map(|id| (format!("input:{id}"), false)),
            ),
            EnvRefSyntax::ContinueSecret => found.extend(
                delimited(value, "${{", "}}")
                    .into_iter()
                    .filter_map(|inner| {
                        inner
                            .trim()
                            .strip_prefix("secrets.")
                            .map(|name| (format!("secrets.{}", name.trim()), false))
                    }),
            ),
            EnvRefSyntax::DollarBrace => {
                found.extend(delimited(value, "${", "}").into_iter().filter_map(|inner| {
                    let (name, has_default) = inner
                        .split_once(":-")
                        .map_or((inner.as_str(), false), |(name, _)| (name, true));
                    is_variable_name(name).then(|| (name.to_owned(), has_default))
                }));
            }
            EnvRefSyntax::DollarBare => {
                let bytes = value.as_bytes();
                for (index, _) in value.match_indices('$') {
                    let rest = &value[index + 1..];
                    let len = rest
                        .bytes()
                        .position(|byte| !(byte.is_ascii_alphanumeric() || byte == b'_'))
                        .unwrap_or(rest.len());
                    let name = &rest[..len];
                    let escaped = index > 0 && bytes[index - 1] == b'\\';
                    if !escaped && is_variable_name(name) {
                        found.push((name.to_owned(), false));
                    }
                }
            }
            EnvRefSyntax::CodexFields => {
                let is_name_field =
                    field == "bearer_token_env_var" || field.starts_with("env_http_headers.");
                if is_name_field && is_variable_name(value) {
                    found.push((value.to_owned(), false));
                }
            }
        }
    }
    found.retain(|(name, _)| !EDITOR_VARIABLES.contains(&name.as_str()));
    found.dedup();
    found
}

/// The texts between `open` and the next `close` in `value`.
fn delimited(value: &str, open: &str, close: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else { break };
        found.push(after[..end].to_owned());
        rest = &after[end + close.len()..];
    }
    found
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_variable_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}
