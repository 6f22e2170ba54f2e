//! JSON and JSONC through `jsonc-parser`'s concrete syntax tree: the entry
//! is set or appended in the tree, which prints every other token as it
//! was read (comments, commas, blank lines, line endings) and indents a new
//! property like its siblings.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode, CstObject, CstRootNode};

use super::{Applied, Change, Refusal};
use crate::registry::ServersShape;
use crate::snippet::Template;

/// `text` with the entry of `change` (and its `inputs` item) in it.
pub fn apply(text: &str, change: &Change<'_>) -> Result<Applied, Refusal> {
    let root = CstRootNode::parse(text, &ParseOptions::default())
        .map_err(|error| Refusal::Parse(error.to_string()))?;
    let top = match root.value() {
        None => root.object_value_or_set(),
        Some(_) => root
            .object_value()
            .ok_or(Refusal::Layout("the file is not a JSON object"))?,
    };
    let mut servers = top;
    for segment in &change.servers {
        servers = servers
            .object_value_or_create(segment)
            .ok_or(Refusal::Layout("the servers are not a JSON object"))?;
    }
    if change.shape != ServersShape::Map {
        return Err(Refusal::Layout(
            "the registry keeps these servers in a list",
        ));
    }
    let same_name: Vec<_> = servers
        .properties()
        .into_iter()
        .filter(|property| property.decoded_name().as_deref() == Some(change.name))
        .collect();
    let mut replaced = false;
    let mut changed = false;
    match same_name.as_slice() {
        [] => {
            servers.append(change.name, input(&change.entry));
            changed = true;
        }
        [existing] => {
            if !existing
                .value()
                .is_some_and(|value| same(&value, &change.entry))
            {
                existing.set_value(input(&change.entry));
                replaced = true;
                changed = true;
            }
        }
        _ => return Err(Refusal::Layout("the server's name is there more than once")),
    }
    if let (Some(item), Some(id)) = (&change.input, change.input_id()) {
        let top = root
            .object_value()
            .ok_or(Refusal::Layout("the file is not a JSON object"))?;
        let inputs = top
            .array_value_or_create("inputs")
            .ok_or(Refusal::Layout("`inputs` is not a list"))?;
        changed |= put_input(&inputs, id, item)?;
    }
    Ok(match (changed, replaced) {
        (false, _) => Applied::Same,
        (true, false) => Applied::Added(root.to_string()),
        (true, true) => Applied::Replaced(root.to_string()),
    })
}

/// The entry of `change.name` in `text` as it is, when there is exactly
/// one (a file that does not parse, or a name twice, is refused later by
/// [`apply`]).
pub fn existing(text: &str, change: &Change<'_>) -> Option<Template> {
    let root = CstRootNode::parse(text, &ParseOptions::default()).ok()?;
    let mut servers = root.object_value()?;
    for segment in &change.servers {
        servers = servers.object_value(segment)?;
    }
    let same_name: Vec<_> = servers
        .properties()
        .into_iter()
        .filter(|property| property.decoded_name().as_deref() == Some(change.name))
        .collect();
    match same_name.as_slice() {
        [existing] => template(&existing.value()?),
        _ => None,
    }
}

/// A value of the tree as a template; `None` for a `null`, which says
/// nothing a client reads.
fn template(node: &CstNode) -> Option<Template> {
    if let Some(object) = node.as_object() {
        return Some(Template::Map(
            object
                .properties()
                .into_iter()
                .filter_map(|property| {
                    Some((property.decoded_name()?, template(&property.value()?)?))
                })
                .collect(),
        ));
    }
    if let Some(array) = node.as_array() {
        return Some(Template::List(
            array.elements().iter().filter_map(template).collect(),
        ));
    }
    if let Some(literal) = node.as_string_lit() {
        return literal.decoded_value().ok().map(Template::Text);
    }
    if let Some(literal) = node.as_boolean_lit() {
        return Some(Template::Bool(literal.value()));
    }
    node.as_number_lit()
        .map(|literal| Template::Number(literal.to_string()))
}

/// Puts `item` into `inputs` in place of the item with the same `id`;
/// whether anything changed.
fn put_input(inputs: &CstArray, id: &str, item: &Template) -> Result<bool, Refusal> {
    let same_id: Vec<CstNode> = inputs
        .elements()
        .into_iter()
        .filter(|element| {
            element
                .as_object()
                .and_then(|object| object.get("id"))
                .and_then(|property| property.value())
                .and_then(|value| value.as_string_lit())
                .and_then(|id| id.decoded_value().ok())
                .as_deref()
                == Some(id)
        })
        .collect();
    match same_id.as_slice() {
        [] => {
            inputs.append(input(item));
            Ok(true)
        }
        [existing] if same(existing, item) => Ok(false),
        [existing] => match existing.as_object() {
            Some(object) => {
                object.replace_with(input(item));
                Ok(true)
            }
            None => Err(Refusal::Layout("an `inputs` item is not an object")),
        },
        _ => Err(Refusal::Layout("an `inputs` id is there more than once")),
    }
}

/// A template as a value for the tree.
fn input(template: &Template) -> CstInputValue {
    match template {
        Template::Map(members) => CstInputValue::Object(
            members
                .iter()
                .map(|(name, value)| (name.clone(), input(value)))
                .collect(),
        ),
        Template::List(items) => CstInputValue::Array(items.iter().map(input).collect()),
        Template::Text(text) => CstInputValue::String(text.clone()),
        Template::Bool(value) => CstInputValue::Bool(*value),
        Template::Number(text) => CstInputValue::Number(text.clone()),
    }
}

/// Whether the value at `node` is `template` (member order aside).
fn same(node: &CstNode, template: &Template) -> bool {
    match template {
        Template::Map(members) => node.as_object().is_some_and(|object| {
            object.properties().len() == members.len()
                && members
                    .iter()
                    .all(|(name, value)| member(&object, name, value))
        }),
        Template::List(items) => node.as_array().is_some_and(|array| {
            let elements = array.elements();
            elements.len() == items.len()
                && elements
                    .iter()
                    .zip(items)
                    .all(|(element, item)| same(element, item))
        }),
        Template::Text(text) => node
            .as_string_lit()
            .and_then(|literal| literal.decoded_value().ok())
            .is_some_and(|value| value == *text),
        Template::Bool(flag) => node
            .as_boolean_lit()
            .is_some_and(|literal| literal.value() == *flag),
        Template::Number(text) => node
            .as_number_lit()
            .is_some_and(|literal| literal.to_string() == *text),
    }
}

fn member(object: &CstObject, name: &str, value: &Template) -> bool {
    object
        .get(name)
        .and_then(|property| property.value())
        .is_some_and(|node| same(&node, value))
}
