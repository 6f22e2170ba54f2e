//! What an install puts into a config, and what the format editors answer.

use crate::registry::ServersShape;
use crate::snippet::Template;

/// What goes into a config: the entry of server `name` under `servers`.
pub struct Change<'a> {
    /// The segments of the servers path.
    pub servers: Vec<&'a str>,
    /// Map of servers, or list of entries with a `name`.
    pub shape: ServersShape,
    /// The server's name.
    pub name: &'a str,
    /// The entry, filled (with its `name` first in a list).
    pub entry: Template,
    /// The item for the file's `inputs`, when the entry refers to one.
    pub input: Option<Template>,
}

impl Change<'_> {
    /// The `id` of the `inputs` item, when there is one.
    pub fn input_id(&self) -> Option<&str> {
        match &self.input {
            Some(Template::Map(members)) => members.iter().find_map(|(name, value)| match value {
                Template::Text(id) if name == "id" => Some(id.as_str()),
                _ => None,
            }),
            _ => None,
        }
    }
}

/// Why a config cannot take the entry.
pub enum Refusal {
    /// It does not parse (the parser's message, positions only).
    Parse(String),
    /// It parses, but its servers are not as the client keeps them.
    Layout(&'static str),
}

/// The new text of a config, when it changes.
pub enum Applied {
    /// The entry was already there, as it should be.
    Same,
    /// The entry was added.
    Added(String),
    /// An entry of that name was replaced.
    Replaced(String),
}

/// `entry` with `name` as its first member (a list of servers).
pub fn named(name: &str, entry: Template) -> Template {
    let members = match entry {
        Template::Map(members) => members,
        other => return other,
    };
    let name = ("name".to_owned(), Template::Text(name.to_owned()));
    Template::Map(
        std::iter::once(name)
            .chain(members.into_iter().filter(|(member, _)| member != "name"))
            .collect(),
    )
}
