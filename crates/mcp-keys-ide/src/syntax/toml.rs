//! TOML through `toml_edit`, whose parsed (immutable) document keeps spans.

use toml_edit::{Document, Item, Table, Value};

use super::Node;

/// Parses a TOML document.
pub fn parse(text: &str) -> Result<Node, String> {
    let document = Document::parse(text).map_err(|error| error.message().to_owned())?;
    Ok(table(document.as_table()))
}

fn table(table: &Table) -> Node {
    Node::Map(
        table
            .iter()
            .map(|(key, item)| (key.to_owned(), self::item(item)))
            .collect(),
    )
}

fn item(item: &Item) -> Node {
    match item {
        Item::Table(inner) => table(inner),
        Item::ArrayOfTables(array) => Node::List(array.iter().map(table).collect()),
        Item::Value(inner) => value(inner),
        Item::None => Node::Other,
    }
}

fn value(value: &Value) -> Node {
    match value {
        Value::String(formatted) => match formatted.span() {
            Some(span) => Node::Str {
                value: formatted.value().clone(),
                span,
            },
            None => Node::Other,
        },
        Value::Array(array) => Node::List(array.iter().map(self::value).collect()),
        Value::InlineTable(inline) => Node::Map(
            inline
                .iter()
                .map(|(key, inner)| (key.to_owned(), self::value(inner)))
                .collect(),
        ),
        Value::Integer(_) | Value::Float(_) | Value::Boolean(_) | Value::Datetime(_) => Node::Other,
    }
}
