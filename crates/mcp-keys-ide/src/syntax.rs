//! One tree for every config format, with the byte span of each string in
//! the file, so extraction is written once and an edit knows exactly which
//! bytes a key occupies.

mod depth;
mod json;
mod toml;
mod yaml;

use std::ops::Range;

use crate::Format;

/// A parsed config value.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An object, table or mapping, in file order.
    Map(Vec<(String, Node)>),
    /// An array or sequence.
    List(Vec<Node>),
    /// A string with its decoded value and the byte range of its literal in
    /// the file (quotes included where the format has them).
    Str {
        /// The decoded value.
        value: String,
        /// Where the literal is in the file.
        span: Range<usize>,
    },
    /// A number, boolean, null or anything else without keys in it.
    Other,
}

impl Node {
    /// The member `key` of a map. With the name twice (a JSON object
    /// with a duplicate key), the last: that is what `JSON.parse`, and so
    /// every client, keeps.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Self::Map(members) => members
                .iter()
                .rev()
                .find(|(name, _)| name == key)
                .map(|(_, node)| node),
            _ => None,
        }
    }

    /// The span of every string under this node, shadowed members included.
    pub fn string_spans(&self, out: &mut Vec<Range<usize>>) {
        match self {
            Self::Map(members) => members.iter().for_each(|(_, node)| node.string_spans(out)),
            Self::List(items) => items.iter().for_each(|node| node.string_spans(out)),
            Self::Str { span, .. } => out.push(span.clone()),
            Self::Other => {}
        }
    }

    /// Every string under this node with its JSON Pointer (RFC 6901) from
    /// this node, in file order, shadowed members included: where a key
    /// sits, in words a report can give (`/projects/~1home~1me/mcpServers/x/headers/Authorization`).
    pub fn strings_with_pointers(&self) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        self.pointers_into(&mut String::new(), &mut out);
        out
    }

    fn pointers_into(&self, pointer: &mut String, out: &mut Vec<(String, Range<usize>)>) {
        let length = pointer.len();
        match self {
            Self::Map(members) => {
                for (name, node) in members {
                    pointer.push('/');
                    pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                    node.pointers_into(pointer, out);
                    pointer.truncate(length);
                }
            }
            Self::List(items) => {
                for (index, node) in items.iter().enumerate() {
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    node.pointers_into(pointer, out);
                    pointer.truncate(length);
                }
            }
            Self::Str { span, .. } => out.push((pointer.clone(), span.clone())),
            Self::Other => {}
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// The deepest nesting of maps and lists a config may have. Real configs
/// stay under ten levels; the parsers and every walk of the tree recurse,
/// so a hostile file nested thousands of levels deep would overflow the
/// stack and abort scan, doctor or a roll. One limit for every format.
pub const MAX_DEPTH: usize = 128;

/// The UTF-8 byte-order mark some Windows editors write.
const BOM: &str = "\u{feff}";

/// Parses `text` as `format`. The error is the parser's message, with
/// positions but never the file's values. A leading byte-order mark is
/// skipped (spans stay positions in `text`, so an edit keeps it); a file
/// nested deeper than [`MAX_DEPTH`] is an error before any parser sees it.
pub fn parse(format: Format, text: &str) -> Result<Node, String> {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let offset = text.len() - body.len();
    if depth::exceeds(format, body, MAX_DEPTH) {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    let mut node = match format {
        Format::Json | Format::Jsonc => json::parse(body),
        Format::Toml => toml::parse(body),
        Format::Yaml => yaml::parse(body, MAX_DEPTH),
    }?;
    if offset > 0 {
        node.shift_spans(offset);
    }
    Ok(node)
}

impl Node {
    /// Moves every span `by` bytes later (past a byte-order mark).
    fn shift_spans(&mut self, by: usize) {
        match self {
            Self::Map(members) => members
                .iter_mut()
                .for_each(|(_, node)| node.shift_spans(by)),
            Self::List(items) => items.iter_mut().for_each(|node| node.shift_spans(by)),
            Self::Str { span, .. } => *span = span.start + by..span.end + by,
            Self::Other => {}
        }
    }
}
