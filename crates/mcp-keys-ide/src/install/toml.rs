//! TOML through `toml_edit`, which prints what it parsed as it was written:
//! the server is a `[servers.NAME]` table, put where a table of that name
//! was (keeping the comments above it) or after its siblings.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::{Applied, Change, Refusal};
use crate::snippet::Template;

/// `text` with the entry of `change` in it.
pub fn apply(text: &str, change: &Change<'_>) -> Result<Applied, Refusal> {
    let mut document: DocumentMut = text
        .parse()
        .map_err(|error: toml_edit::TomlError| Refusal::Parse(error.message().to_owned()))?;
    let mut servers = document.as_table_mut();
    for segment in &change.servers {
        servers = servers
            .entry(segment)
            .or_insert_with(|| {
                let mut table = Table::new();
                table.set_implicit(true);
                Item::Table(table)
            })
            .as_table_mut()
            .ok_or(Refusal::Layout("the servers are not a TOML table"))?;
    }
    let Template::Map(members) = &change.entry else {
        return Err(Refusal::Layout("the registry's entry is not a table"));
    };
    let mut table = Table::new();
    for (name, value) in members {
        table.insert(name, Item::Value(value_of(value)));
    }
    let replaced = match servers.get(change.name) {
        None => false,
        Some(existing) if same(existing, &change.entry) => return Ok(Applied::Same),
        Some(Item::Table(existing)) => {
            // Where the old table was, with the comments written above it.
            table.set_position(existing.position());
            *table.decor_mut() = existing.decor().clone();
            true
        }
        Some(Item::Value(Value::InlineTable(existing))) => {
            let mut inline = InlineTable::new();
            for (name, value) in members {
                inline.insert(name, value_of(value));
            }
            *inline.decor_mut() = existing.decor().clone();
            // In place of the value only: the key keeps the comments above it.
            if let Some(item) = servers.get_mut(change.name) {
                *item = Item::Value(Value::InlineTable(inline));
            }
            return Ok(Applied::Replaced(document.to_string()));
        }
        Some(_) => return Err(Refusal::Layout("the server's entry is not a TOML table")),
    };
    match servers.get_mut(change.name) {
        // In place of the old table: its key keeps how it was written.
        Some(item) => *item = Item::Table(table),
        None => {
            servers.insert(change.name, Item::Table(table));
        }
    }
    let text = document.to_string();
    Ok(if replaced {
        Applied::Replaced(text)
    } else {
        Applied::Added(text)
    })
}

/// A template as a TOML value; a map inside an entry is an inline table
/// (`http_headers = { Authorization = "…" }`, as Codex's documentation
/// writes it).
fn value_of(template: &Template) -> Value {
    match template {
        Template::Map(members) => {
            let mut inline = InlineTable::new();
            for (name, value) in members {
                inline.insert(name, value_of(value));
            }
            Value::InlineTable(inline)
        }
        Template::List(items) => Value::Array(items.iter().map(value_of).collect::<Array>()),
        Template::Text(text) => Value::from(text.as_str()),
        Template::Bool(flag) => Value::from(*flag),
        // Read from a TOML file, so it parses; a string otherwise.
        Template::Number(text) => text
            .parse::<Value>()
            .unwrap_or_else(|_| Value::from(text.as_str())),
    }
}

/// The entry of `change.name` in `text` as it is, when there is one.
pub fn existing(text: &str, change: &Change<'_>) -> Option<Template> {
    let document: DocumentMut = text.parse().ok()?;
    let mut servers: &dyn toml_edit::TableLike = document.as_table();
    for segment in &change.servers {
        servers = servers.get(segment)?.as_table_like()?;
    }
    item_template(servers.get(change.name)?)
}

fn item_template(item: &Item) -> Option<Template> {
    match item {
        Item::Table(table) => Some(Template::Map(
            table
                .iter()
                .filter_map(|(name, item)| Some((name.to_owned(), item_template(item)?)))
                .collect(),
        )),
        Item::Value(value) => Some(value_template(value)),
        Item::ArrayOfTables(tables) => Some(Template::List(
            tables
                .iter()
                .filter_map(|table| item_template(&Item::Table(table.clone())))
                .collect(),
        )),
        Item::None => None,
    }
}

fn value_template(value: &Value) -> Template {
    match value {
        Value::String(text) => Template::Text(text.value().clone()),
        Value::Boolean(flag) => Template::Bool(*flag.value()),
        Value::Integer(number) => Template::Number(number.display_repr().into_owned()),
        Value::Float(number) => Template::Number(number.display_repr().into_owned()),
        Value::Datetime(date) => Template::Number(date.display_repr().into_owned()),
        Value::Array(array) => Template::List(array.iter().map(value_template).collect()),
        Value::InlineTable(table) => Template::Map(
            table
                .iter()
                .map(|(name, value)| (name.to_owned(), value_template(value)))
                .collect(),
        ),
    }
}

/// Whether `item` holds what `template` says (member order aside).
fn same(item: &Item, template: &Template) -> bool {
    match (item, template) {
        (Item::Table(table), Template::Map(members)) => {
            table.len() == members.len()
                && members
                    .iter()
                    .all(|(name, value)| table.get(name).is_some_and(|member| same(member, value)))
        }
        (Item::Value(value), template) => same_value(value, template),
        _ => false,
    }
}

fn same_value(value: &Value, template: &Template) -> bool {
    match (value, template) {
        (Value::InlineTable(table), Template::Map(members)) => {
            table.len() == members.len()
                && members.iter().all(|(name, expected)| {
                    table
                        .get(name)
                        .is_some_and(|member| same_value(member, expected))
                })
        }
        (Value::Array(array), Template::List(items)) => {
            array.len() == items.len()
                && array
                    .iter()
                    .zip(items)
                    .all(|(element, item)| same_value(element, item))
        }
        (Value::String(text), Template::Text(expected)) => text.value() == expected,
        (Value::Boolean(flag), Template::Bool(expected)) => flag.value() == expected,
        (Value::Integer(number), Template::Number(expected)) => number.display_repr() == *expected,
        (Value::Float(number), Template::Number(expected)) => number.display_repr() == *expected,
        (Value::Datetime(date), Template::Number(expected)) => date.display_repr() == *expected,
        _ => false,
    }
}
