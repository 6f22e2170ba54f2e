//! References to keyring slots in server entries (DESIGN §8): a headers
//! helper or a stdio bridge that runs `mcp-keys … --slot NAME`, and a
//! variable `MCP_KEY_<NAME>` that `mcp-keys run --slot NAME` sets. The keys
//! behind the slots come from the caller ([`SlotKey`]), so this crate never
//! touches the keyring.

use std::collections::HashMap;

use mcp_keys_core::Sensitive;

use super::found::{KeyFacts, SlotVia};
use crate::syntax::Node;

/// The key a keyring slot holds, read by the caller.
#[derive(Debug, Clone)]
pub struct SlotKey {
    /// The key.
    pub key: Sensitive<String>,
    /// The surface's MCP endpoint the slot is for: a bridge entry has no
    /// URL of its own.
    pub url: Option<String>,
}

/// A slot named in a server entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlotCommand {
    /// Where the slot's name is (`headersHelper`, `args.2`).
    pub field: String,
    /// Helper or bridge.
    pub via: SlotVia,
    /// The slot's name.
    pub slot: String,
}

/// What prefixes a slot's variable (`mcp-keys-store`'s `SlotName::env_var`).
const ENV_PREFIX: &str = "MCP_KEY_";

/// The longest slot name (`mcp-keys-store`'s `SLOT_NAME_MAX`).
const SLOT_NAME_MAX: usize = 64;

/// Every `mcp-keys headers|bridge --slot NAME` in `entry`: a string that is
/// a whole command line (`headersHelper`), or a `command` (Zed: `path`)
/// with its `args`.
pub(crate) fn slot_commands(entry: &Node) -> Vec<SlotCommand> {
    let mut found = Vec::new();
    walk(entry, &mut Vec::new(), &mut found);
    found
}

fn walk(node: &Node, path: &mut Vec<String>, found: &mut Vec<SlotCommand>) {
    match node {
        Node::Map(members) => {
            let program = ["command", "path"]
                .iter()
                .find_map(|field| node.get(field).and_then(Node::as_str));
            if let (Some(program), Some(Node::List(args))) = (program, node.get("args")) {
                let words: Vec<(&str, Option<usize>)> = std::iter::once((program, None))
                    .chain(
                        args.iter()
                            .map_while(Node::as_str)
                            .enumerate()
                            .map(|(index, arg)| (arg, Some(index))),
                    )
                    .collect();
                if let Some((via, slot, Some(index))) = parse(&words) {
                    let mut field = path.clone();
                    field.extend(["args".to_owned(), index.to_string()]);
                    found.push(SlotCommand {
                        field: field.join("."),
                        via,
                        slot,
                    });
                }
            }
            for (name, child) in members {
                path.push(name.clone());
                walk(child, path, found);
                path.pop();
            }
        }
        Node::List(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                walk(child, path, found);
                path.pop();
            }
        }
        Node::Str { value, .. } => {
            let words = shell_words(value);
            let words: Vec<(&str, ())> = words.iter().map(|word| (word.as_str(), ())).collect();
            if let Some((via, slot, ())) = parse(&words) {
                found.push(SlotCommand {
                    field: path.join("."),
                    via,
                    slot,
                });
            }
        }
        Node::Other => {}
    }
}

/// `words` as `mcp-keys … headers|bridge … --slot NAME`: the mechanism, the
/// slot and the tag of the word that holds it.
fn parse<T: Copy>(words: &[(&str, T)]) -> Option<(SlotVia, String, T)> {
    let ((program, _), rest) = words.split_first()?;
    if !is_mcp_keys(program) {
        return None;
    }
    let at = rest
        .iter()
        .position(|(word, _)| matches!(*word, "headers" | "bridge"))?;
    let via = if rest[at].0 == "headers" {
        SlotVia::Helper
    } else {
        SlotVia::Bridge
    };
    let options = &rest[at + 1..];
    options.iter().enumerate().find_map(|(index, (word, tag))| {
        if let Some(name) = word.strip_prefix("--slot=") {
            return Some((via, name.to_owned(), *tag));
        }
        (*word == "--slot")
            .then(|| options.get(index + 1))
            .flatten()
            .map(|(name, tag)| (via, (*name).to_owned(), *tag))
    })
}

/// Whether `program` runs MCP Keys: its last path segment (either
/// separator, any folder) is `mcp-keys` or `mcp-keys.exe`.
fn is_mcp_keys(program: &str) -> bool {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    name.eq_ignore_ascii_case("mcp-keys") || name.eq_ignore_ascii_case("mcp-keys.exe")
}

/// The words of a command line as a POSIX shell splits it, enough for the
/// helpers MCP Keys writes: single quotes (with `'\''`), double quotes, and
/// a backslash that escapes a blank or a quote. Any other backslash is
/// kept, so an unquoted Windows path stays whole.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some(&('"' | '\\' | '$' | '`'))) => {
                            word.extend(chars.next());
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' if chars
                .peek()
                .is_some_and(|next| next.is_whitespace() || matches!(*next, '\'' | '"' | '\\')) =>
            {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The slot whose variable is `variable` (`MCP_KEY_CURSOR_DOCS` →
/// `cursor-docs`), the inverse of `SlotName::env_var`.
pub(crate) fn slot_of_variable(variable: &str) -> Option<String> {
    let rest = variable.strip_prefix(ENV_PREFIX)?;
    let valid = !rest.is_empty()
        && rest.len() <= SLOT_NAME_MAX
        && !rest.starts_with('_')
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    valid.then(|| rest.to_ascii_lowercase().replace('_', "-"))
}

/// A reference to `variable` as a slot reference: its slot, and the key
/// behind it (the variable's value when it is set here, else the slot's).
/// A variable that is set here and names no slot the caller knows is an
/// ordinary variable that happens to share the prefix.
pub(crate) fn env_slot(
    variable: &str,
    env: &HashMap<String, String>,
    slots: &HashMap<String, SlotKey>,
) -> Option<(String, Option<KeyFacts>)> {
    let slot = slot_of_variable(variable)?;
    match env.get(variable) {
        Some(value) => slots
            .contains_key(&slot)
            .then(|| (slot, KeyFacts::first_in(value))),
        None => {
            let resolved = slots
                .get(&slot)
                .and_then(|held| KeyFacts::first_in(held.key.expose()));
            Some((slot, resolved))
        }
    }
}

#[cfg(test)]
mod tests;
