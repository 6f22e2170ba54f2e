//! What a replaced entry keeps. An install owns how the client reaches the
//! server and authenticates; every other member of the old entry
//! (`timeout`, `disabled`, `tools`, `autoApprove`, …) is the user's, stays
//! as it was and wins over the form's value of the same name.

use mcp_keys_core::find_candidates;

use super::{Change, Refusal};
use crate::snippet::Template;
use crate::syntax::Node;

/// The members the install form owns: transport, endpoint and
/// authentication in every client's spelling. The old entry's are dropped
/// (but see [`MERGED`]). Continue's `name` is not here: the old item's is
/// the server's name, the same as the form's.
pub const OWNED: &[&str] = &[
    "type",
    "transport",
    "url",
    "serverUrl",
    "httpUrl",
    "command",
    "args",
    "env",
    "headers",
    "requestOptions",
    "http_headers",
    "env_http_headers",
    "bearer_token_env_var",
    "headersHelper",
    "source",
];

/// Owned maps whose other members (`X-Team`, a stdio server's own
/// variables) go into the form's map of the same name, when it has one;
/// `env` only from a stdio entry into a stdio form. A member about
/// authentication (`Authorization`, or one holding a key) is dropped.
const MERGED: &[&str] = &["headers", "http_headers", "env"];

/// `change` with its entry merged with `old`, the entry it replaces.
/// Refused when a member it would keep holds a plaintext key.
pub fn with_kept<'a>(change: &Change<'a>, old: Option<&Template>) -> Result<Change<'a>, Refusal> {
    let entry = match old {
        Some(old) => merge(old, &change.entry)?,
        None => change.entry.clone(),
    };
    Ok(Change {
        servers: change.servers.clone(),
        shape: change.shape,
        name: change.name,
        entry,
        input: change.input.clone(),
    })
}

/// The form's members where the old entry's owned ones were, the old
/// entry's other members where they were (their values over the form's).
fn merge(old: &Template, form: &Template) -> Result<Template, Refusal> {
    let (Template::Map(old), Template::Map(form)) = (old, form) else {
        return Ok(form.clone());
    };
    let stdio = has(old, "command") && has(form, "command");
    let kept: Vec<&(String, Template)> = old.iter().filter(|(name, _)| !owned(name)).collect();
    if kept.iter().any(|(_, value)| holds_key(value)) {
        return Err(Refusal::Layout(
            "a member the install would keep from the old entry holds a key",
        ));
    }
    let form: Vec<(String, Template)> = form
        .iter()
        .filter(|(name, _)| !kept.iter().any(|(kept, _)| kept == name))
        .map(|(name, value)| (name.clone(), with_extras(old, name, value, stdio)))
        .collect();
    let mut members = Vec::new();
    let mut form = Some(form);
    if !old.iter().any(|(name, _)| owned(name)) {
        members.extend(form.take().into_iter().flatten());
    }
    for (name, value) in old {
        if owned(name) {
            members.extend(form.take().into_iter().flatten());
        } else {
            members.push((name.clone(), value.clone()));
        }
    }
    Ok(Template::Map(members))
}

/// The form's `value` of member `name`, with the old entry's extra members
/// when `name` is a [`MERGED`] map; the form's own members win.
fn with_extras(old: &[(String, Template)], name: &str, value: &Template, stdio: bool) -> Template {
    let (Template::Map(ours), Some(Template::Map(theirs))) = (value, get(old, name)) else {
        return value.clone();
    };
    if !merges(name, stdio) {
        return value.clone();
    }
    let mut members = ours.clone();
    for (member, extra) in theirs {
        let text = match extra {
            Template::Text(text) => Some(text.as_str()),
            _ => None,
        };
        if !has(ours, member) && !about_auth(member, text) && !holds_key(extra) {
            members.push((member.clone(), extra.clone()));
        }
    }
    Template::Map(members)
}

/// The dotted paths of the leaves of `old` (an entry in a config) that a
/// replacement by `form` (an install form, filled or not) drops: the
/// leaves of its [`OWNED`] members, less the extra members of a
/// [`MERGED`] map the form also has. Some of them the form writes again
/// (the URL, the key's field); the caller tells those apart.
pub fn dropped_on_replace(old: &Node, form: &Template) -> Vec<String> {
    let (Node::Map(members), Template::Map(form)) = (old, form) else {
        return Vec::new();
    };
    let stdio = old.get("command").is_some() && has(form, "command");
    let mut out = Vec::new();
    for (name, node) in members.iter().filter(|(name, _)| owned(name)) {
        let merged = merges(name, stdio) && matches!(get(form, name), Some(Template::Map(_)));
        match node {
            Node::Map(inner) if merged => {
                for (member, value) in inner {
                    let text = value.as_str();
                    if about_auth(member, text) || text.is_some_and(has_key) {
                        leaves(value, &mut vec![name.clone(), member.clone()], &mut out);
                    }
                }
            }
            _ => leaves(node, &mut vec![name.clone()], &mut out),
        }
    }
    out
}

/// The dotted paths of the leaves under `node` at `path`; a list is one.
fn leaves(node: &Node, path: &mut Vec<String>, out: &mut Vec<String>) {
    match node {
        Node::Map(members) if !members.is_empty() => {
            for (name, child) in members {
                path.push(name.clone());
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.join(".")),
    }
}

fn owned(name: &str) -> bool {
    OWNED.contains(&name)
}

fn merges(name: &str, stdio: bool) -> bool {
    MERGED.contains(&name) && (name != "env" || stdio)
}

/// A header or variable about authentication: `Authorization`, or one
/// whose value holds a key.
fn about_auth(name: &str, value: Option<&str>) -> bool {
    name.eq_ignore_ascii_case("authorization") || value.is_some_and(has_key)
}

fn has(members: &[(String, Template)], name: &str) -> bool {
    members.iter().any(|(member, _)| member == name)
}

/// The last member `name` (as clients read a duplicate).
fn get<'a>(members: &'a [(String, Template)], name: &str) -> Option<&'a Template> {
    members
        .iter()
        .rev()
        .find(|(member, _)| member == name)
        .map(|(_, value)| value)
}

fn has_key(text: &str) -> bool {
    find_candidates(text).next().is_some()
}

fn holds_key(value: &Template) -> bool {
    match value {
        Template::Map(members) => members
            .iter()
            .any(|(name, value)| has_key(name) || holds_key(value)),
        Template::List(items) => items.iter().any(holds_key),
        Template::Text(text) => has_key(text),
        Template::Bool(_) | Template::Number(_) => false,
    }
}
