//! YAML through `saphyr-parser` events. Spans come in characters, so they
//! are mapped back to bytes. Only the first document is read (config files
//! have one); aliases are not followed (a key behind an alias is found where
//! its anchor is written).

use saphyr_parser::{Event, Parser, Span};

use super::Node;

/// Parses the first YAML document. An empty file is an empty map. YAML's
/// block nesting is indentation, which no cheap pre-scan measures, so the
/// depth is checked here, on the builder stack: `max_depth` open
/// collections at most.
pub fn parse(text: &str, max_depth: usize) -> Result<Node, String> {
    // Byte offset of every character index, plus the end.
    let mut offsets: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
    offsets.push(text.len());
    let byte_at = |index: usize| offsets.get(index).copied().unwrap_or(text.len());

    let mut stack: Vec<Builder> = Vec::new();
    let mut root: Option<Node> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| error.to_string())?;
        let node = match event {
            Event::MappingStart(..) | Event::SequenceStart(..) if stack.len() >= max_depth => {
                return Err(format!("nested deeper than {max_depth} levels"));
            }
            Event::MappingStart(..) => {
                stack.push(Builder::Map(Vec::new(), None));
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Builder::List(Vec::new()));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some(builder) => builder.finish(),
                None => return Err("unbalanced YAML structure".to_owned()),
            },
            Event::Scalar(value, ..) => scalar(value.into_owned(), span, &byte_at),
            Event::Alias(_) => Node::Other,
            Event::DocumentEnd | Event::StreamEnd => {
                if root.is_some() {
                    break;
                }
                continue;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => continue,
        };
        match stack.last_mut() {
            Some(parent) => parent.push(node),
            None => {
                root = Some(node);
            }
        }
    }
    Ok(root.unwrap_or(Node::Map(Vec::new())))
}

fn scalar(value: String, span: Span, byte_at: &dyn Fn(usize) -> usize) -> Node {
    Node::Str {
        value,
        span: byte_at(span.start.index())..byte_at(span.end.index()),
    }
}

/// A collection being read; a map remembers a key waiting for its value.
enum Builder {
    Map(Vec<(String, Node)>, Option<String>),
    List(Vec<Node>),
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self {
            Self::List(items) => items.push(node),
            Self::Map(members, pending) => match pending.take() {
                Some(key) => members.push((key, node)),
                // A key; non-string keys (rare in configs) become their text
                // or an empty name.
                None => *pending = Some(node.as_str().unwrap_or_default().to_owned()),
            },
        }
    }

    fn finish(self) -> Node {
        match self {
            Self::Map(members, _) => Node::Map(members),
            Self::List(items) => Node::List(items),
        }
    }
}
