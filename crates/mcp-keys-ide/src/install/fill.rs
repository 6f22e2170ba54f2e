//! The placeholders of an install form, filled in one pass: a value that
//! itself holds `{…}` (a server named `{url}`, a key) is never read again,
//! and braces that are not a placeholder (`${input:{slot}}`, `${{var}}`)
//! stay as written.

use crate::snippet::Template;

/// What the placeholders stand for.
pub struct Values<'a> {
    /// `{url}`: the surface's MCP endpoint.
    pub url: &'a str,
    /// `{server}`: the server's name in the config.
    pub server: &'a str,
    /// `{program}`: the absolute path of `mcp-keys`, for a `command` field
    /// (no shell reads it).
    pub program: &'a str,
    /// `{slot}`: the keyring slot.
    pub slot: &'a str,
    /// `{var}`: the environment variable `mcp-keys run` sets.
    pub var: &'a str,
    /// `{ref}`: the client's reference to that variable (`${env:VAR}`), when
    /// it has one.
    pub reference: Option<String>,
    /// `{key}`: the key, for a `literal` install only.
    pub key: Option<&'a str>,
}

/// A placeholder the form uses but the request cannot fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// `{key}` outside a `literal` install, or without the key.
    Key,
    /// `{ref}` for a client without a variable reference form.
    Reference,
}

impl Values<'_> {
    /// `template` with every placeholder filled.
    pub fn fill(&self, template: &Template) -> Result<Template, Missing> {
        Ok(match template {
            Template::Map(members) => Template::Map(
                members
                    .iter()
                    .map(|(name, value)| Ok((self.text(name)?, self.fill(value)?)))
                    .collect::<Result<_, Missing>>()?,
            ),
            Template::List(items) => Template::List(
                items
                    .iter()
                    .map(|item| self.fill(item))
                    .collect::<Result<_, Missing>>()?,
            ),
            Template::Text(text) => Template::Text(self.text(text)?),
            Template::Bool(value) => Template::Bool(*value),
            Template::Number(text) => Template::Number(text.clone()),
        })
    }

    fn text(&self, text: &str) -> Result<String, Missing> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name = after.find('}').map(|close| &after[..close]);
            match name.map(|name| (name, self.value(name))) {
                Some((name, Some(value))) => {
                    out.push_str(&value?);
                    rest = &after[name.len() + 1..];
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The value of placeholder `name`; `None` when `name` is not one.
    fn value(&self, name: &str) -> Option<Result<String, Missing>> {
        Some(Ok(match name {
            "url" => self.url.to_owned(),
            "server" => self.server.to_owned(),
            "program" => self.program.to_owned(),
            "program:shell" => shell_word(self.program),
            "slot" => self.slot.to_owned(),
            "var" => self.var.to_owned(),
            "ref" => return Some(self.reference.clone().ok_or(Missing::Reference)),
            "key" => return Some(self.key.map(str::to_owned).ok_or(Missing::Key)),
            _ => return None,
        }))
    }
}

/// `path` as one word of the command line a client runs through a shell
/// (Claude Code's `headersHelper`): as it is when it holds nothing a shell
/// reads specially, quoted otherwise (POSIX single quotes; double quotes on
/// Windows, whose paths cannot hold `"`).
fn shell_word(path: &str) -> String {
    let plain = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '\\' | '.' | '_' | '-' | ':'));
    if plain {
        path.to_owned()
    } else if cfg!(windows) {
        format!("\"{path}\"")
    } else {
        crate::shell::quote(path)
    }
}

/// Whether `key` is in a field of `entry` that becomes a command line:
/// `command`, `args` or a helper command. Argv is readable by every local
/// process, so no form may put a key there (DESIGN §8).
pub fn on_command_line(entry: &Template, key: &str) -> bool {
    let Template::Map(members) = entry else {
        return false;
    };
    members.iter().any(|(name, value)| {
        matches!(name.as_str(), "command" | "args" | "headersHelper") && holds(value, key)
    })
}

fn holds(value: &Template, key: &str) -> bool {
    match value {
        Template::Map(members) => members
            .iter()
            .any(|(name, value)| name.contains(key) || holds(value, key)),
        Template::List(items) => items.iter().any(|item| holds(item, key)),
        Template::Text(text) => text.contains(key),
        Template::Bool(_) | Template::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(key: Option<&str>) -> Values<'_> {
        Values {
            url: "http://127.0.0.1:7410/mcp",
            server: "{url}",
            program: "/opt/MCP Keys/mcp-keys",
            slot: "cursor-docs",
            var: "MCP_KEY_CURSOR_DOCS",
            reference: Some("${env:MCP_KEY_CURSOR_DOCS}".to_owned()),
            key,
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_other_braces_stay() -> Result<(), Missing> {
        let values = values(None);
        assert_eq!(
            values.text("{server} at {url}")?,
            "{url} at http://127.0.0.1:7410/mcp"
        );
        assert_eq!(
            values.text("Bearer ${input:{slot}}")?,
            "Bearer ${input:cursor-docs}"
        );
        assert_eq!(
            values.text("Bearer {ref}")?,
            "Bearer ${env:MCP_KEY_CURSOR_DOCS}"
        );
        assert_eq!(values.text("{ unclosed {x} {")?, "{ unclosed {x} {");
        assert_eq!(
            values.text("{program:shell} headers --slot {slot}")?,
            "'/opt/MCP Keys/mcp-keys' headers --slot cursor-docs"
        );
        Ok(())
    }

    #[test]
    fn a_key_or_reference_the_request_lacks_is_reported() {
        assert_eq!(values(None).text("Bearer {key}"), Err(Missing::Key));
        let mut values = values(Some("k"));
        values.reference = None;
        assert_eq!(values.text("Bearer {ref}"), Err(Missing::Reference));
    }

    #[test]
    fn a_key_in_args_is_on_the_command_line_and_one_in_env_is_not() {
        let entry = Template::Map(vec![
            ("command".to_owned(), Template::Text("npx".to_owned())),
            (
                "args".to_owned(),
                Template::List(vec![Template::Text("Authorization:${AUTH}".to_owned())]),
            ),
            (
                "env".to_owned(),
                Template::Map(vec![(
                    "AUTH".to_owned(),
                    Template::Text("Bearer k1".to_owned()),
                )]),
            ),
        ]);
        assert!(!on_command_line(&entry, "k1"));
        assert!(on_command_line(&entry, "Authorization"));
    }
}
