//! The check an edited config passes before it is written, read back with
//! the scan's own parser: the new text parses, holds the entry once and as
//! filled, and everything else means what it meant before.

use super::Change;
use crate::Format;
use crate::registry::ServersShape;
use crate::snippet::Template;
use crate::syntax::{self, Node};

/// Whether `after` is `before` with the entry of `change` (and its `inputs`
/// item) put in, and nothing else changed.
pub fn verify(format: Format, before: &str, after: &str, change: &Change<'_>) -> bool {
    let (Ok(before), Ok(after)) = (syntax::parse(format, before), syntax::parse(format, after))
    else {
        return false;
    };
    let entries = path(&after, &change.servers).map_or_else(Vec::new, |servers| {
        named(servers, change.shape, change.name, "name")
    });
    if entries.len() != 1 || !entries.iter().all(|entry| matches(entry, &change.entry)) {
        return false;
    }
    if let (Some(input), Some(id)) = (&change.input, change.input_id()) {
        let items = after.get("inputs").map_or_else(Vec::new, |inputs| {
            named(inputs, ServersShape::List, id, "id")
        });
        if items.len() != 1 || !items.iter().all(|item| matches(item, input)) {
            return false;
        }
    }
    same(&without(before, change), &without(after, change))
}

/// The node at `segments` (the last of duplicate names, as clients read).
fn path<'a>(node: &'a Node, segments: &[&str]) -> Option<&'a Node> {
    segments
        .iter()
        .try_fold(node, |node, segment| node.get(segment))
}

/// The entries called `name`: members of a map, or items of a list whose
/// `field` is `name`.
fn named<'a>(node: &'a Node, shape: ServersShape, name: &str, field: &str) -> Vec<&'a Node> {
    match (shape, node) {
        (ServersShape::Map, Node::Map(members)) => members
            .iter()
            .filter(|(member, _)| member == name)
            .map(|(_, entry)| entry)
            .collect(),
        (ServersShape::List, Node::List(items)) => items
            .iter()
            .filter(|item| item.get(field).and_then(Node::as_str) == Some(name))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `node` holds what `template` says. A boolean or number is
/// `Other` in JSON and TOML trees and its text in YAML ones.
pub fn matches(node: &Node, template: &Template) -> bool {
    match (node, template) {
        (Node::Map(members), Template::Map(expected)) => {
            members.len() == expected.len()
                && expected.iter().all(|(name, value)| {
                    node.get(name).is_some_and(|member| matches(member, value))
                })
        }
        (Node::List(items), Template::List(expected)) => {
            items.len() == expected.len()
                && items
                    .iter()
                    .zip(expected)
                    .all(|(item, value)| matches(item, value))
        }
        (Node::Str { value, .. }, Template::Text(text)) => value == text,
        (Node::Str { value, .. }, Template::Bool(flag)) => *value == flag.to_string(),
        (Node::Str { value, .. }, Template::Number(text)) => value == text,
        (Node::Other, Template::Bool(_) | Template::Number(_)) => true,
        _ => false,
    }
}

/// `root` without the entry of `change` and its `inputs` item, and without
/// the containers left empty on their way (the edit may have created them).
fn without(mut root: Node, change: &Change<'_>) -> Node {
    let name = change.name;
    remove_in(&mut root, &change.servers, &|servers| match servers {
        Node::Map(members) => members.retain(|(member, _)| member != name),
        Node::List(items) => {
            items.retain(|item| item.get("name").and_then(Node::as_str) != Some(name));
        }
        Node::Str { .. } | Node::Other => {}
    });
    if let Some(id) = change.input_id() {
        remove_in(&mut root, &["inputs"], &|inputs| {
            if let Node::List(items) = inputs {
                items.retain(|item| item.get("id").and_then(Node::as_str) != Some(id));
            }
        });
    }
    root
}

/// Applies `remove` to the node at `segments` under `node`, then drops the
/// members on the way that became empty (or were a YAML null).
fn remove_in(node: &mut Node, segments: &[&str], remove: &dyn Fn(&mut Node)) {
    let Some((first, rest)) = segments.split_first() else {
        remove(node);
        return;
    };
    let Node::Map(members) = node else {
        return;
    };
    let Some(index) = members.iter().rposition(|(name, _)| name == first) else {
        return;
    };
    remove_in(&mut members[index].1, rest, remove);
    if is_empty(&members[index].1) {
        members.remove(index);
    }
}

fn is_empty(node: &Node) -> bool {
    match node {
        Node::Map(members) => members.is_empty(),
        Node::List(items) => items.is_empty(),
        Node::Str { value, .. } => matches!(value.as_str(), "" | "~" | "null"),
        Node::Other => false,
    }
}

/// Whether two trees mean the same, wherever their strings are in the file.
fn same(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Map(left), Node::Map(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|((l_name, l), (r_name, r))| l_name == r_name && same(l, r))
        }
        (Node::List(left), Node::List(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| same(l, r))
        }
        (Node::Str { value: left, .. }, Node::Str { value: right, .. }) => left == right,
        (Node::Other, Node::Other) => true,
        _ => false,
    }
}
