//! What extraction finds in a server entry: a key written in the file, a
//! reference to an environment variable, or a reference to a keyring slot
//! (DESIGN §8), each described without the key's text.

use std::ops::Range;

use mcp_keys_core::{Environment, Fingerprint, KeyClass, classify, find_candidates};

/// What kind of key a plaintext occurrence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// One of our keys, checksum correct.
    Valid(Environment),
    /// Our shape with a wrong check: a typo.
    ChecksumError,
    /// Another issuer's `mcp_` key.
    Foreign,
}

/// A key (plaintext in the file, or the value of a variable), described
/// without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    /// Valid, checksum error or foreign.
    pub kind: KeyKind,
    /// `mcp_<env>_<id>` for keys of our shape; the first 8 characters of a
    /// foreign key.
    pub key_prefix: String,
    /// SHA-256 of the key text.
    pub fingerprint: Fingerprint,
}

impl KeyFacts {
    /// Describes the candidate token `text`.
    pub fn of(text: &str) -> Option<Self> {
        let (kind, key_prefix) = match classify(text) {
            KeyClass::Valid(key) => (
                KeyKind::Valid(key.environment()),
                key.key_prefix().to_owned(),
            ),
            KeyClass::ChecksumError { key_prefix } => (KeyKind::ChecksumError, key_prefix),
            // A foreign key's format is unknown, so only its first 8
            // characters (`mcp_` and 4 more) are shown.
            KeyClass::Foreign => (
                KeyKind::Foreign,
                text.char_indices()
                    .nth(8)
                    .map_or(text, |(end, _)| &text[..end])
                    .to_owned(),
            ),
            KeyClass::NotMcp => return None,
        };
        Some(Self {
            kind,
            key_prefix,
            fingerprint: Fingerprint::of(text),
        })
    }

    /// The first key in `value` (a variable's value, a slot's key).
    pub fn first_in(value: &str) -> Option<Self> {
        find_candidates(value)
            .next()
            .and_then(|range| Self::of(&value[range]))
    }
}

/// How a config reaches the key of a keyring slot (DESIGN §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotVia {
    /// A headers helper, `mcp-keys headers --slot NAME` (Claude Code).
    Helper,
    /// A stdio server, `mcp-keys bridge --slot NAME`.
    Bridge,
    /// A variable `MCP_KEY_<NAME>` that `mcp-keys run --slot NAME` sets.
    Env,
}

/// What was found at one place of a server entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A key written in the file.
    Plaintext {
        /// The key.
        key: KeyFacts,
        /// Its exact bytes in the file.
        span: Range<usize>,
    },
    /// A reference to an environment variable (or an input or secret the
    /// client resolves itself).
    EnvReference {
        /// The variable name (`input:id` and `secrets.NAME` for VS Code
        /// inputs and Continue secrets).
        variable: String,
        /// The key in the variable's value, when it is set and holds one.
        resolved: Option<KeyFacts>,
        /// Whether the variable is set in the environment given.
        is_set: bool,
        /// Whether the reference has a fallback (`${VAR:-default}`), so an
        /// unset variable is not an error by itself.
        has_default: bool,
    },
    /// A reference to a keyring slot: the key is in the OS keyring, not in
    /// the file.
    Slot {
        /// The slot's name (`claude-code-docs`).
        slot: String,
        /// How the config reaches it.
        via: SlotVia,
        /// The variable referred to, for [`SlotVia::Env`].
        variable: Option<String>,
        /// The key the slot holds, when the caller could read it (or the
        /// variable's value, when it is set).
        resolved: Option<KeyFacts>,
    },
}

/// One finding inside a server entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerItem {
    /// The server's name.
    pub server_name: String,
    /// The server's URL, when it has one.
    pub url: Option<String>,
    /// Where in the entry, as dotted path (`headers.Authorization`, `args.3`).
    pub field: String,
    /// What is there.
    pub found: Found,
}
