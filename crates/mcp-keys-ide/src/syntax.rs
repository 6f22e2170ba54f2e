//! One tree for every config format, with the byte span of each string in
//! the file, so extraction is written once and an edit knows exactly which
//! bytes a key occupies.

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
    /// The member `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Self::Map(members) => members
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, node)| node),
            _ => None,
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

/// Parses `text` as `format`. The error is the parser's message, with
/// positions but never the file's values.
pub fn parse(format: Format, text: &str) -> Result<Node, String> {
    match format {
        Format::Json | Format::Jsonc => json::parse(text),
        Format::Toml => toml::parse(text),
        Format::Yaml => yaml::parse(text),
    }
}
