//! A pre-scan of nesting depth for the formats whose parsers recurse (JSON,
//! JSONC, TOML): brackets counted outside strings and comments, and for
//! TOML the dots of table headers and dotted keys, which nest tables too.
//! YAML is checked while its events are read (`yaml.rs`).

use crate::Format;

/// Whether `text` nests deeper than `max` levels.
pub fn exceeds(format: Format, text: &str, max: usize) -> bool {
    match format {
        Format::Json | Format::Jsonc => json_exceeds(text.as_bytes(), max),
        Format::Toml => toml_exceeds(text.as_bytes(), max),
        // Checked on the event stream instead.
        Format::Yaml => false,
    }
}

fn json_exceeds(bytes: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'"' | b'\'' => index = skip_quoted(bytes, index, byte),
            b'/' if bytes.get(index + 1) == Some(&b'/') => index = skip_line(bytes, index),
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                index = find(bytes, index + 2, b"*/").map_or(bytes.len(), |end| end + 1);
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    false
}

fn toml_exceeds(bytes: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    // Dots in the key part of the current line (a header or before `=`).
    let mut key_dots = 0usize;
    let mut in_key = true;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'"' | b'\'' => {
                let triple = bytes.get(index..index + 3) == Some(&[byte, byte, byte][..]);
                index = if triple {
                    find(bytes, index + 3, &[byte, byte, byte]).map_or(bytes.len(), |end| end + 2)
                } else {
                    skip_quoted(bytes, index, byte)
                };
            }
            b'#' => index = skip_line(bytes, index).saturating_sub(1),
            b'\n' => {
                key_dots = 0;
                in_key = depth == 0;
            }
            b'=' if depth == 0 => in_key = false,
            b'.' if in_key => key_dots += 1,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth + key_dots > max {
            return true;
        }
        index += 1;
    }
    false
}

/// The index of the closing `quote` of the string opened at `start`
/// (backslash escapes honoured), or the end.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut index = start + 1;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'\\' && quote == b'"' {
            index += 2;
            continue;
        }
        if byte == quote || byte == b'\n' {
            return index;
        }
        index += 1;
    }
    bytes.len()
}

/// The index of the newline ending the line at `start`, or the end.
fn skip_line(bytes: &[u8], start: usize) -> usize {
    find(bytes, start, b"\n").unwrap_or(bytes.len())
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| from + position)
}

#[cfg(test)]
mod tests {
    use super::exceeds;
    use crate::Format;

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let text = r#"{"a": "[[[[[[", /* {{{{{{ */ "b": 1} // [[[[["#;
        assert!(!exceeds(Format::Jsonc, text, 2));
        assert!(exceeds(Format::Json, "[[[1]]]", 2));
    }

    #[test]
    fn toml_headers_and_dotted_keys_nest() {
        assert!(exceeds(Format::Toml, "[a.b.c.d]\nx = 1\n", 2));
        assert!(exceeds(Format::Toml, "a.b.c.d = 1\n", 2));
        assert!(!exceeds(Format::Toml, "x = [1.5, 2.5, 3.5, 4.5]\n", 2));
        assert!(!exceeds(Format::Toml, "x = \"[[[[[[\" # [[[[\n", 2));
    }
}
