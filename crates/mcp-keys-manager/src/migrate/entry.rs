//! A server entry as its config holds it: what kind of server it is, what
//! a full replacement by the installer would drop, and whether it still
//! holds a key after the rewrite.

use std::collections::BTreeSet;
use std::path::Path;

use mcp_keys_core::ApiKey;
use mcp_keys_ide::install::{self, Via};
use mcp_keys_ide::registry::{Location, ServersShape};
use mcp_keys_ide::snippet::Template;
use mcp_keys_ide::{ClientId, ConfigFile, Node, ScanEntry, parse, registry};
use mcp_keys_store::SlotName;

/// What an entry is.
pub(super) enum Shape {
    /// A connection to a URL: a URL field, or `mcp-remote URL`.
    Remote,
    /// A stdio server running its own program (the command).
    Stdio(String),
    /// Not in the file (any more).
    Missing,
}

/// The shape of the entry `server` of `location` in `text`.
pub(super) fn shape(client: ClientId, location: &Location, text: &str, server: &str) -> Shape {
    let Some(spec) = registry::client(client) else {
        return Shape::Missing;
    };
    let Ok(root) = parse(location.format, text) else {
        return Shape::Missing;
    };
    let Some(entry) = find(&root, location, server) else {
        return Shape::Missing;
    };
    let has_url = spec
        .url_fields
        .iter()
        .any(|field| entry.get(field).and_then(Node::as_str).is_some());
    // `npx mcp-remote URL` is a connection to URL: the bridge does the same
    // with the key from the slot.
    let strings = |node: Option<&Node>| -> Vec<String> {
        match node {
            Some(Node::List(items)) => items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Node::Str { value, .. }) => vec![value.clone()],
            _ => Vec::new(),
        }
    };
    let command = strings(entry.get("command"));
    let runs_mcp_remote = command
        .iter()
        .chain(&strings(entry.get("args")))
        .any(|word| word.contains("mcp-remote"));
    if has_url || runs_mcp_remote {
        Shape::Remote
    } else {
        Shape::Stdio(
            command
                .first()
                .cloned()
                .unwrap_or_else(|| "no command".to_owned()),
        )
    }
}

/// The entry `server` under the servers of `location` (the last of that
/// name, as clients read a duplicate).
fn find<'a>(root: &'a Node, location: &Location, server: &str) -> Option<&'a Node> {
    let mut servers = root;
    for segment in location.servers_path() {
        servers = servers.get(segment)?;
    }
    match location.servers_shape {
        ServersShape::Map => servers.get(server),
        ServersShape::List => match servers {
            Node::List(items) => items
                .iter()
                .rev()
                .find(|item| item.get("name").and_then(Node::as_str) == Some(server)),
            _ => None,
        },
    }
}

/// The fields of the entry of `entry` that its rewrite through the
/// keyring-backed form `via` drops: the installer keeps what is not about
/// reaching the server or authenticating, and says which of the rest go
/// ([`install::dropped_on_replace`]). The key's own field, the URL and what
/// says how to connect (`type`, `command`, `args`) are replaced by the
/// form, not dropped.
pub(super) fn dropped_fields(
    client: ClientId,
    location: &Location,
    text: &str,
    entry: &ScanEntry,
    via: Via,
    slot: &SlotName,
) -> Vec<String> {
    let Some(spec) = registry::client(client) else {
        return Vec::new();
    };
    let Some(form) = spec.install.iter().find(|form| form.via == via) else {
        return Vec::new();
    };
    let Ok(root) = parse(location.format, text) else {
        return Vec::new();
    };
    let Some(old) = find(&root, location, &entry.server_name) else {
        return Vec::new();
    };
    let mut kept = BTreeSet::new();
    let names = |name: &str| {
        name.replace("{server}", &entry.server_name)
            .replace("{slot}", slot.as_str())
            .replace("{var}", &slot.env_var())
    };
    template_leaves(&form.entry, &mut Vec::new(), &names, &mut kept);
    if location.servers_shape == ServersShape::List {
        kept.insert("name".to_owned());
    }
    let old_leaves: BTreeSet<String> = install::dropped_on_replace(old, &form.entry)
        .into_iter()
        .collect();
    let replaced = |leaf: &str| {
        let first = leaf.split('.').next().unwrap_or_default();
        leaf == entry.field
            || spec.url_fields.iter().any(|field| field == first)
            || matches!(first, "type" | "transport" | "command" | "args")
    };
    old_leaves
        .into_iter()
        .filter(|leaf| !kept.contains(leaf) && !replaced(leaf))
        .collect()
}

/// The dotted paths of the leaves of an install form, its member names
/// filled; a list is one leaf.
fn template_leaves(
    template: &Template,
    path: &mut Vec<String>,
    names: &dyn Fn(&str) -> String,
    out: &mut BTreeSet<String>,
) {
    match template {
        Template::Map(members) if !members.is_empty() => {
            for (name, child) in members {
                path.push(names(name));
                template_leaves(child, path, names, out);
                path.pop();
            }
        }
        _ => {
            out.insert(path.join("."));
        }
    }
}

/// Whether the entry `server` of `file` (read again from `target`) still
/// holds `key` after its rewrite; a file that cannot be read or parsed
/// counts as holding it (nothing confirms otherwise).
pub(super) fn still_holds(target: &Path, file: &ConfigFile, server: &str, key: &ApiKey) -> bool {
    let Some(location) = file.location() else {
        return true;
    };
    let Ok(text) = std::fs::read_to_string(target) else {
        return true;
    };
    let Ok(root) = parse(location.format, &text) else {
        return true;
    };
    let Some(entry) = find(&root, location, server) else {
        return false;
    };
    let mut spans = Vec::new();
    entry.string_spans(&mut spans);
    spans.into_iter().any(|span| {
        text.get(span)
            .is_some_and(|literal| literal.contains(key.expose_secret()))
    })
}
