//! The precise reason a string is not a key, token, environment or fingerprint.

/// Why a string is not a valid value of one of this crate's text formats.
///
/// Variants are ordered as the checks run, and parsing stops at the first
/// failure. The messages never quote the input: it may be a secret, or a
/// secret with a typo, which is just as sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text does not start with the expected prefix (`mcp_` or `mgmt_`).
    #[error("does not start with `{expected}`")]
    Prefix {
        /// The prefix this format requires.
        expected: &'static str,
    },
    /// The environment is not one this format knows.
    #[error("unknown environment, expected {expected}")]
    Environment {
        /// The accepted spellings, for the message.
        expected: &'static str,
    },
    /// The text has the wrong length, counted in characters.
    #[error("wrong length: {actual} characters, expected {expected}")]
    Length {
        /// The length this format requires.
        expected: usize,
        /// The length of the text.
        actual: usize,
    },
    /// A character is outside the format's alphabet.
    #[error("invalid character at position {position} (counting from 0)")]
    Character {
        /// Where the first invalid character is, in characters from the start.
        position: usize,
    },
    /// The text has the shape of a key but its check characters do not match:
    /// almost always a typo or a mangled copy.
    #[error("checksum mismatch: the key was probably mistyped or copied incompletely")]
    Checksum,
}
