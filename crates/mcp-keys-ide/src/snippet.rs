//! Ready-to-paste configs (the Connect tab): one server entry per client, in
//! the client's own format, with the key as a placeholder. What each entry
//! holds is registry data (`snippet` in `registry/clients.json`); where it
//! goes (servers path, map or list, format) is the client's first location,
//! the same rule the scan reads configs by.

use std::fmt::{self, Write as _};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::registry::{self, ClientId, ClientSpec, Format, ServersShape};

/// The stand-in for a key in a snippet: the key itself never goes into one.
pub const KEY_PLACEHOLDER: &str = "YOUR_API_KEY";

/// The server name used when a surface's name has no letter or digit.
const FALLBACK_SERVER: &str = "mcp-keys";

/// What the registry says a client's snippet looks like.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnippetSpec {
    /// Where it goes, as people know it (`~/.cursor/mcp.json`, `Terminal`).
    pub r#where: String,
    /// A terminal command that adds the server.
    #[serde(default)]
    pub command: Option<String>,
    /// The server's entry, put into the servers of the client's first
    /// location.
    #[serde(default)]
    pub entry: Option<Template>,
    /// A line written as a comment before the entry (TOML and YAML only).
    #[serde(default)]
    pub comment: Option<String>,
}

/// A value of a snippet's entry, members in the order written, so the
/// snippet reads as the client's documentation writes it. Strings may hold
/// `{server}`, `{url}` and `{key}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// An object, table or mapping.
    Map(Vec<(String, Template)>),
    /// An array or sequence.
    List(Vec<Template>),
    /// A string.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A number (or a TOML date), as its literal text, written verbatim:
    /// a member an install keeps from the entry it replaces (`timeout`,
    /// `startup_timeout_sec`) reads as it was written.
    Number(String),
}

// By hand rather than derived: serde_json's own map type sorts its keys,
// and the order of an entry's fields is part of how it reads.
impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TemplateVisitor;

        impl<'de> Visitor<'de> for TemplateVisitor {
            type Value = Template;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object, array, string, number or boolean")
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Template, E> {
                Ok(Template::Number(value.to_string()))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Template, E> {
                Ok(Template::Number(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Template, E> {
                Ok(Template::Number(value.to_string()))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Template, E> {
                Ok(Template::Bool(value))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Template, E> {
                Ok(Template::Text(value.to_owned()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Template, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Template::List(items))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Template, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Template::Map(members))
            }
        }

        deserializer.deserialize_any(TemplateVisitor)
    }
}

impl Template {
    /// The same value with the placeholders filled in.
    fn fill(&self, with: &Fill<'_>) -> Self {
        match self {
            Self::Map(members) => Self::Map(
                members
                    .iter()
                    .map(|(name, value)| (name.clone(), value.fill(with)))
                    .collect(),
            ),
            Self::List(items) => Self::List(items.iter().map(|item| item.fill(with)).collect()),
            Self::Text(text) => Self::Text(with.apply(text)),
            Self::Bool(value) => Self::Bool(*value),
            Self::Number(text) => Self::Number(text.clone()),
        }
    }
}

/// The values of a snippet's placeholders.
struct Fill<'a> {
    server: &'a str,
    url: &'a str,
    key: &'a str,
}

impl Fill<'_> {
    fn apply(&self, text: &str) -> String {
        text.replace("{server}", self.server)
            .replace("{url}", self.url)
            .replace("{key}", self.key)
    }
}

/// The language a snippet is written in, for its label and highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SnippetLanguage {
    /// JSON (also for JSONC files: the snippet itself is strict JSON).
    Json,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
    /// A terminal command.
    Shell,
}

/// A ready-to-paste config for one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfigSnippet {
    /// The client it is for.
    pub client: ClientId,
    /// Where it goes, as people know it (`~/.cursor/mcp.json`, `Terminal`).
    #[serde(rename = "where")]
    #[ts(rename = "where")]
    pub destination: String,
    /// Its language.
    pub language: SnippetLanguage,
    /// The text, with [`KEY_PLACEHOLDER`] where the key goes.
    pub text: String,
}

/// The Connect tab's configs for one MCP endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectSnippets {
    /// What stands for the key in every snippet ([`KEY_PLACEHOLDER`]).
    pub key_placeholder: String,
    /// One per client that has a snippet, in the registry's order.
    pub snippets: Vec<ConfigSnippet>,
}

/// The snippets of every client for the surface `surface_name` at `url`;
/// the server is named [`server_name`] of the surface.
pub fn connect_snippets(surface_name: &str, url: &str) -> ConnectSnippets {
    let server = server_name(surface_name);
    let fill = Fill {
        server: &server,
        url,
        key: KEY_PLACEHOLDER,
    };
    ConnectSnippets {
        key_placeholder: KEY_PLACEHOLDER.to_owned(),
        snippets: registry::clients()
            .iter()
            .filter_map(|spec| render(spec, &fill))
            .collect(),
    }
}

/// A surface's name as a server name in a config: lowercase letters and
/// digits, runs of anything else one dash ("Docs search" → `docs-search`).
/// Safe as a bare TOML key and a shell word.
pub fn server_name(surface_name: &str) -> String {
    let mut name = String::new();
    for c in surface_name.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        FALLBACK_SERVER.to_owned()
    } else {
        name.to_owned()
    }
}

/// `spec`'s snippet, or `None` when the registry gives it none (or one it
/// cannot write, which the tests rule out).
fn render(spec: &ClientSpec, fill: &Fill<'_>) -> Option<ConfigSnippet> {
    let snippet = spec.snippet.as_ref()?;
    let (language, text) = match (&snippet.command, &snippet.entry) {
        (Some(command), None) => (SnippetLanguage::Shell, fill.apply(command)),
        (None, Some(entry)) => {
            let location = spec.locations.first()?;
            let entry = entry.fill(fill);
            let servers = match location.servers_shape {
                ServersShape::Map => Template::Map(vec![(fill.server.to_owned(), entry)]),
                ServersShape::List => {
                    let Template::Map(members) = entry else {
                        return None;
                    };
                    let name = ("name".to_owned(), Template::Text(fill.server.to_owned()));
                    Template::List(vec![Template::Map(
                        std::iter::once(name).chain(members).collect(),
                    )])
                }
            };
            // `*` (every key of a map) says where to read, not where to write.
            let path = location.servers_path();
            if path.contains(&"*") {
                return None;
            }
            let document = path.iter().rev().fold(servers, |inner, segment| {
                Template::Map(vec![((*segment).to_owned(), inner)])
            });
            let comment = snippet.comment.as_deref().map(|line| fill.apply(line));
            match location.format {
                Format::Json | Format::Jsonc if comment.is_none() => {
                    (SnippetLanguage::Json, json(&document, 0))
                }
                Format::Yaml => (SnippetLanguage::Yaml, commented(comment, yaml(&document))),
                Format::Toml => (SnippetLanguage::Toml, commented(comment, toml(&document)?)),
                Format::Json | Format::Jsonc => return None,
            }
        }
        _ => return None,
    };
    Some(ConfigSnippet {
        client: spec.id,
        destination: snippet.r#where.clone(),
        language,
        text,
    })
}

/// `text` after a `#` comment line, when there is one.
fn commented(comment: Option<String>, text: String) -> String {
    match comment {
        Some(line) => format!("# {line}\n{text}"),
        None => text,
    }
}

/// A JSON string literal.
fn quoted(text: &str) -> String {
    // A string always serializes; the fallback is never taken.
    serde_json::to_string(text).unwrap_or_default()
}

/// Pretty JSON, two spaces a level (as `JSON.stringify(value, null, 2)`).
fn json(value: &Template, depth: usize) -> String {
    let indent = "  ".repeat(depth + 1);
    let close = "  ".repeat(depth);
    match value {
        Template::Map(members) if members.is_empty() => "{}".to_owned(),
        Template::List(items) if items.is_empty() => "[]".to_owned(),
        Template::Map(members) => {
            let lines: Vec<String> = members
                .iter()
                .map(|(name, value)| {
                    format!("{indent}{}: {}", quoted(name), json(value, depth + 1))
                })
                .collect();
            format!("{{\n{}\n{close}}}", lines.join(",\n"))
        }
        Template::List(items) => {
            let lines: Vec<String> = items
                .iter()
                .map(|item| format!("{indent}{}", json(item, depth + 1)))
                .collect();
            format!("[\n{}\n{close}]", lines.join(",\n"))
        }
        Template::Text(text) => quoted(text),
        Template::Bool(value) => value.to_string(),
        Template::Number(text) => text.clone(),
    }
}

/// Block-style YAML, two spaces a level, ending with a newline.
fn yaml(value: &Template) -> String {
    let mut out = String::new();
    yaml_into(&mut out, value, 0);
    out
}

fn yaml_into(out: &mut String, value: &Template, depth: usize) {
    let indent = "  ".repeat(depth);
    match value {
        Template::Map(members) => {
            for (name, value) in members {
                match value {
                    Template::Map(_) | Template::List(_) => {
                        let _ = writeln!(out, "{indent}{}:", yaml_scalar(name));
                        yaml_into(out, value, depth + 1);
                    }
                    scalar => {
                        let _ =
                            writeln!(out, "{indent}{}: {}", yaml_scalar(name), yaml_leaf(scalar));
                    }
                }
            }
        }
        Template::List(items) => {
            for item in items {
                // The item's first line follows its dash; the rest line up
                // under that line.
                let mut inner = String::new();
                yaml_into(&mut inner, item, depth + 1);
                let inner = inner
                    .strip_prefix(&"  ".repeat(depth + 1))
                    .unwrap_or(&inner);
                let _ = write!(out, "{indent}- {inner}");
            }
        }
        scalar => {
            let _ = writeln!(out, "{indent}{}", yaml_leaf(scalar));
        }
    }
}

fn yaml_leaf(value: &Template) -> String {
    match value {
        Template::Text(text) => yaml_scalar(text),
        Template::Bool(value) => value.to_string(),
        Template::Number(text) => text.clone(),
        Template::Map(_) | Template::List(_) => String::new(),
    }
}

/// `text` plain when YAML reads it back as the same string, double-quoted
/// (a JSON string, which YAML accepts) otherwise.
fn yaml_scalar(text: &str) -> String {
    let first_is_plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.'));
    let reads_as_other_type = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
    ) || text.parse::<f64>().is_ok();
    let plain = first_is_plain
        && !reads_as_other_type
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | '\'' | '\\'));
    if plain { text.to_owned() } else { quoted(text) }
}

/// TOML: the tables that hold values get a `[dotted.header]`, ending with a
/// newline. `None` for a shape TOML has no table for (a list of tables).
fn toml(value: &Template) -> Option<String> {
    let mut out = String::new();
    toml_table(&mut out, &mut Vec::new(), value)?;
    Some(out)
}

fn toml_table(out: &mut String, path: &mut Vec<String>, value: &Template) -> Option<()> {
    let Template::Map(members) = value else {
        return None;
    };
    let (tables, values): (Vec<_>, Vec<_>) = members
        .iter()
        .partition(|(_, value)| matches!(value, Template::Map(_)));
    if !values.is_empty() {
        let _ = writeln!(out, "[{}]", path.join("."));
        for (name, value) in values {
            let _ = writeln!(out, "{} = {}", toml_key(name), toml_value(value)?);
        }
    }
    for (name, table) in tables {
        path.push(toml_key(name));
        toml_table(out, path, table)?;
        path.pop();
    }
    Some(())
}

fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { name.to_owned() } else { quoted(name) }
}

fn toml_value(value: &Template) -> Option<String> {
    match value {
        // A JSON string's escapes are all TOML basic-string escapes.
        Template::Text(text) => Some(quoted(text)),
        Template::Bool(value) => Some(value.to_string()),
        Template::Number(text) => Some(text.clone()),
        Template::List(items) => {
            let items: Option<Vec<String>> = items.iter().map(toml_value).collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        Template::Map(_) => None,
    }
}

#[cfg(test)]
mod tests;
