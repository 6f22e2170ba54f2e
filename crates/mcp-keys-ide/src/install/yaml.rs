//! YAML by splicing lines (Continue's `mcpServers` list): the parser says
//! where the top-level key is, its block list is cut into items by their
//! dashes, and the server's item is replaced, or a new one follows the last,
//! at the items' indentation. Comments between items stay where they are;
//! the check after the edit catches any layout this reading gets wrong.

use saphyr_parser::{Event, Parser};

use super::{Applied, Change, Refusal, check};
use crate::registry::ServersShape;
use crate::snippet::Template;
use crate::syntax::Node;

/// `text` (parsed as `root`) with the entry of `change` in it.
pub fn apply(text: &str, root: &Node, change: &Change<'_>) -> Result<Applied, Refusal> {
    let ([key], ServersShape::List) = (change.servers.as_slice(), change.shape) else {
        return Err(Refusal::Layout(
            "the registry's YAML servers are not a top-level list",
        ));
    };
    let Node::Map(_) = root else {
        return Err(Refusal::Layout("the file is not a YAML mapping"));
    };
    if several_documents(text) {
        return Err(Refusal::Layout(
            "the file holds more than one YAML document",
        ));
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let Some(key_at) = top_level_key(text, key)? else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&format!("{key}:{newline}"));
        out.push_str(&item(&change.entry, 2, newline));
        return Ok(Applied::Added(out));
    };
    let lines = lines(text);
    let key_line = lines
        .iter()
        .rposition(|&(start, _)| start <= key_at)
        .unwrap_or_default();
    let (line_start, line_end) = lines[key_line];
    let column = key_at - line_start;
    let line = &text[key_at..line_end];
    let colon = key_at
        + line
            .find(':')
            .ok_or(Refusal::Layout("no `:` after the key"))?;
    let (value, comment) = split_comment(text[colon + 1..line_end].trim_end_matches(['\r', '\n']));
    let next_line = lines
        .get(key_line + 1)
        .map_or(text.len(), |&(start, _)| start);
    // `mcpServers:` with nothing, `~`, `null` or `[]`: the items start on
    // the next line, the key's comment stays on its line.
    let empty = matches!(value.trim(), "" | "~" | "null" | "[]");
    let items = match root.get(key) {
        Some(Node::List(items)) if !items.is_empty() => items,
        Some(Node::List(_) | Node::Str { .. }) if empty => {
            let comment = if comment.is_empty() {
                String::new()
            } else {
                format!(" {comment}")
            };
            let mut out = format!("{}{comment}{newline}", &text[..=colon]);
            out.push_str(&item(&change.entry, column + 2, newline));
            out.push_str(&text[next_line..]);
            return Ok(Applied::Added(out));
        }
        _ => return Err(Refusal::Layout("`mcpServers` is not a list")),
    };
    if !value.trim().is_empty() {
        return Err(Refusal::Layout(
            "`mcpServers` is a flow-style list or has a tag",
        ));
    }
    let block = Block::read(text, &lines, key_line, column);
    if block.items.len() != items.len() {
        return Err(Refusal::Layout(
            "the items of `mcpServers` could not be told apart",
        ));
    }
    let same_name: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.get("name").and_then(Node::as_str) == Some(change.name))
        .map(|(index, _)| index)
        .collect();
    let rendered = item(&change.entry, block.indent, newline);
    match same_name.as_slice() {
        [] => {
            let at = block.end(&lines, text.len());
            let before = if text[..at].ends_with('\n') {
                ""
            } else {
                newline
            };
            Ok(Applied::Added(format!(
                "{}{before}{rendered}{}",
                &text[..at],
                &text[at..]
            )))
        }
        [index] if check::matches(&items[*index], &change.entry) => Ok(Applied::Same),
        [index] => {
            let (start, end) = block.item_bytes(*index, &lines, text.len());
            let rendered = if end == text.len() && !text.ends_with('\n') {
                rendered.trim_end_matches(['\r', '\n'])
            } else {
                &rendered
            };
            Ok(Applied::Replaced(format!(
                "{}{rendered}{}",
                &text[..start],
                &text[end..]
            )))
        }
        _ => Err(Refusal::Layout("the server's name is there more than once")),
    }
}

/// The item of `change.name` in `text` (parsed as `root`) as it is, when
/// there is exactly one.
pub fn existing(text: &str, root: &Node, change: &Change<'_>) -> Option<Template> {
    let [key] = change.servers.as_slice() else {
        return None;
    };
    let Some(Node::List(items)) = root.get(key) else {
        return None;
    };
    let same_name: Vec<&Node> = items
        .iter()
        .filter(|entry| entry.get("name").and_then(Node::as_str) == Some(change.name))
        .collect();
    match same_name.as_slice() {
        [entry] => template(text, entry),
        _ => None,
    }
}

/// A node as a template. A plain scalar that is a boolean or a number stays
/// one (its text, verbatim); a quoted, block or folded one is a string.
fn template(text: &str, node: &Node) -> Option<Template> {
    match node {
        Node::Map(members) => Some(Template::Map(
            members
                .iter()
                .filter_map(|(name, node)| Some((name.clone(), template(text, node)?)))
                .collect(),
        )),
        Node::List(items) => Some(Template::List(
            items
                .iter()
                .filter_map(|node| template(text, node))
                .collect(),
        )),
        Node::Str { value, span } => {
            let plain = text.get(span.clone()) == Some(value.as_str());
            if plain && matches!(value.as_str(), "null" | "Null" | "NULL" | "~") {
                // A null says nothing a client reads.
                return None;
            }
            Some(if !plain {
                Template::Text(value.clone())
            } else if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
                Template::Bool(value.eq_ignore_ascii_case("true"))
            } else if value.parse::<f64>().is_ok() {
                Template::Number(value.clone())
            } else {
                Template::Text(value.clone())
            })
        }
        Node::Other => None,
    }
}

/// The items of a block list: the line of each dash, the line after the
/// last line of content, and the dashes' indentation.
struct Block {
    items: Vec<usize>,
    ends: Vec<usize>,
    indent: usize,
}

impl Block {
    /// The list under the key on line `key_line` at `column`.
    fn read(text: &str, lines: &[(usize, usize)], key_line: usize, column: usize) -> Self {
        let mut block = Self {
            items: Vec::new(),
            ends: Vec::new(),
            indent: column + 2,
        };
        let mut dash: Option<usize> = None;
        for (index, &(start, end)) in lines.iter().enumerate().skip(key_line + 1) {
            let line = text[start..end].trim_end_matches(['\r', '\n']);
            let content = line.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = line.len() - content.len();
            let is_dash = content == "-" || content.starts_with("- ");
            match dash {
                None if indent >= column && is_dash => {
                    dash = Some(indent);
                    block.indent = indent;
                    block.items.push(index);
                    block.ends.push(index + 1);
                }
                Some(at) if indent > at => {
                    if let Some(last) = block.ends.last_mut() {
                        *last = index + 1;
                    }
                }
                Some(at) if indent == at && is_dash => {
                    block.items.push(index);
                    block.ends.push(index + 1);
                }
                _ => break,
            }
        }
        block
    }

    /// The bytes of item `index`, comments after its last line excluded.
    fn item_bytes(&self, index: usize, lines: &[(usize, usize)], len: usize) -> (usize, usize) {
        let start = lines
            .get(self.items[index])
            .map_or(len, |&(start, _)| start);
        let end = lines.get(self.ends[index]).map_or(len, |&(start, _)| start);
        (start, end)
    }

    /// Where a new last item goes: after the last line of the last item.
    fn end(&self, lines: &[(usize, usize)], len: usize) -> usize {
        self.ends
            .last()
            .and_then(|&line| lines.get(line))
            .map_or(len, |&(start, _)| start)
    }
}

/// Each line's start and end (after its newline).
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (index, _) in text.match_indices('\n') {
        lines.push((start, index + 1));
        start = index + 1;
    }
    if start < text.len() {
        lines.push((start, text.len()));
    }
    lines
}

/// A value and the comment after it on its line (` # …`).
fn split_comment(rest: &str) -> (&str, &str) {
    let trimmed = rest.trim_start();
    if trimmed.starts_with('#') {
        return ("", trimmed);
    }
    match rest.find(" #") {
        Some(at) => (&rest[..at], rest[at..].trim_start()),
        None => (rest, ""),
    }
}

/// Whether a document marker follows content: appending at the end would
/// land in another document than the one the client reads.
fn several_documents(text: &str) -> bool {
    let mut content = false;
    for line in text.lines() {
        if line.starts_with("---") || line.starts_with("...") {
            if content {
                return true;
            }
        } else if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            content = true;
        }
    }
    false
}

/// The byte offset of top-level key `key` in the first document.
fn top_level_key(text: &str, key: &str) -> Result<Option<usize>, Refusal> {
    /// An open collection; a mapping knows whether a key comes next.
    enum Frame {
        Map { key_next: bool },
        Seq,
    }
    fn done(stack: &mut [Frame]) {
        if let Some(Frame::Map { key_next }) = stack.last_mut() {
            *key_next = !*key_next;
        }
    }
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| Refusal::Parse(error.to_string()))?;
        match event {
            Event::Scalar(value, ..) => {
                let at_root_key = matches!(stack.as_slice(), [Frame::Map { key_next: true }]);
                if at_root_key && value == key {
                    let index = span.start.index();
                    return Ok(Some(
                        text.char_indices()
                            .nth(index)
                            .map_or(text.len(), |(byte, _)| byte),
                    ));
                }
                done(&mut stack);
            }
            Event::Alias(_) => done(&mut stack),
            Event::MappingStart(..) => stack.push(Frame::Map { key_next: true }),
            Event::SequenceStart(..) => stack.push(Frame::Seq),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                done(&mut stack);
            }
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => {}
        }
    }
    Ok(None)
}

/// One list item at `indent`: `- first: …` and the other members under it.
fn item(entry: &Template, indent: usize, newline: &str) -> String {
    let mut body = String::new();
    block(&mut body, entry, indent + 2, newline);
    let rest = body.get(indent + 2..).unwrap_or_default();
    format!("{}- {rest}", " ".repeat(indent))
}

/// Block-style YAML of `value` at `indent`, each line ending with `newline`.
fn block(out: &mut String, value: &Template, indent: usize, newline: &str) {
    let pad = " ".repeat(indent);
    match value {
        Template::Map(members) => {
            for (name, member) in members {
                let name = scalar(name);
                match member {
                    Template::Map(inner) if inner.is_empty() => {
                        out.push_str(&format!("{pad}{name}: {{}}{newline}"));
                    }
                    Template::List(inner) if inner.is_empty() => {
                        out.push_str(&format!("{pad}{name}: []{newline}"));
                    }
                    Template::Map(_) | Template::List(_) => {
                        out.push_str(&format!("{pad}{name}:{newline}"));
                        block(out, member, indent + 2, newline);
                    }
                    leaf => out.push_str(&format!("{pad}{name}: {}{newline}", self::leaf(leaf))),
                }
            }
        }
        Template::List(items) => {
            for element in items {
                match element {
                    Template::Map(inner) if !inner.is_empty() => {
                        out.push_str(&item(element, indent, newline));
                    }
                    other => out.push_str(&format!("{pad}- {}{newline}", leaf(other))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}{newline}", leaf(other))),
    }
}

fn leaf(value: &Template) -> String {
    match value {
        Template::Text(text) => scalar(text),
        Template::Bool(flag) => flag.to_string(),
        Template::Number(text) => text.clone(),
        Template::Map(_) => "{}".to_owned(),
        Template::List(_) => "[]".to_owned(),
    }
}

/// `text` plain when YAML reads it back as the same string, as a JSON
/// string (which YAML reads as a double-quoted scalar) otherwise.
fn scalar(text: &str) -> String {
    let first_is_plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.'));
    let other_type = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
    ) || text.parse::<f64>().is_ok();
    let plain = first_is_plain
        && !other_type
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.chars().any(|c| {
            c.is_control() || matches!(c, '"' | '\'' | '\\' | '{' | '}' | '[' | ']' | ',')
        });
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}
