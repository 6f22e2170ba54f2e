//! JSON and JSONC through `jsonc-parser`, whose AST carries byte ranges.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::Node;

/// Parses JSON with comments and trailing commas. An empty file (or one with
/// only comments) is an empty map: editors create such files.
pub fn parse(text: &str) -> Result<Node, String> {
    let result = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
        .map_err(|error| error.to_string())?;
    Ok(result.value.as_ref().map_or(Node::Map(Vec::new()), convert))
}

fn convert(value: &Value<'_>) -> Node {
    match value {
        Value::Object(object) => Node::Map(
            object
                .properties
                .iter()
                .map(|property| {
                    let name = match &property.name {
                        ObjectPropName::String(lit) => lit.value.to_string(),
                        ObjectPropName::Word(word) => word.value.to_owned(),
                    };
                    (name, convert(&property.value))
                })
                .collect(),
        ),
        Value::Array(array) => Node::List(array.elements.iter().map(convert).collect()),
        Value::StringLit(lit) => Node::Str {
            value: lit.value.to_string(),
            span: lit.range.start..lit.range.end,
        },
        Value::NumberLit(_) | Value::BooleanLit(_) | Value::NullKeyword(_) => Node::Other,
    }
}
