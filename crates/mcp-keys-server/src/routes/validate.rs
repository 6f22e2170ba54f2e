//! Checks of request values that serde cannot express, answered with 422.

use crate::Error;

/// The longest name of a product, surface or key.
const MAX_NAME_CHARS: usize = 200;

/// `name` trimmed, if it is 1 to 200 characters long and holds no control
/// characters. Names are printed by terminals (the CLI's tables) and
/// shown in the app: an ESC, BEL or OSC sequence in a stored name would
/// drive the terminal of whoever lists it, and a bidi override would
/// make it read as something else.
pub fn name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid(format!(
            "name must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(mcp_keys_core::is_control_or_bidi) {
        return Err(Error::Invalid(
            "name must not contain control characters (such as ESC or BEL) or bidirectional overrides"
                .into(),
        ));
    }
    Ok(name.to_owned())
}

/// The longest capability name: a resource's URI can be long (DESIGN §7).
const MAX_CAPABILITY_CHARS: usize = 512;

/// Whether `name` can name a capability: a tool's or prompt's name, or a
/// resource's URI (DESIGN §7): 1 to 512 characters, no spaces, no control
/// characters.
pub fn capability_name(name: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name.chars().count() <= MAX_CAPABILITY_CHARS
        && !name
            .chars()
            .any(|c| c.is_whitespace() || mcp_keys_core::is_control_or_bidi(c));
    if valid {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "capabilityName must be a tool or prompt name or a resource URI: 1 to \
                 {MAX_CAPABILITY_CHARS} characters without spaces or control characters"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{capability_name, name};

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(name("  docs ").ok().as_deref(), Some("docs"));
        assert!(name("   ").is_err());
        assert!(name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn names_with_terminal_escapes_or_bidi_overrides_are_refused() {
        for bad in [
            "\u{1b}]0;pwned\u{7}",
            "a\u{7}b",
            "x\u{9b}31m",
            "evil\u{202E}txt.exe",
            "tab\tname",
        ] {
            assert!(name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(name("Café — docs ✓").ok().as_deref(), Some("Café — docs ✓"));
    }

    #[test]
    fn capability_names_are_tool_and_prompt_names_or_resource_uris() {
        for good in [
            "search_docs.v2-beta",
            "demo://resource/static/document/features.md",
            "file:///srv/notes/todo.md",
        ] {
            assert!(capability_name(good).is_ok(), "{good:?}");
        }
        for bad in ["", "has space", "tab\there", "a\u{202E}b", &"x".repeat(513)] {
            assert!(capability_name(bad).is_err(), "{bad:?}");
        }
    }
}
