//! Keys built from their parts, by a path independent of the crate's own:
//! `crc32fast` on the text, then base62 by repeated division. No whole key
//! is written in the source; a repository check flags those.

use mcp_keys_core::Environment;
use proptest::prelude::*;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The 6 check characters of `checked`.
pub fn check_of(checked: &str) -> String {
    let mut value = crc32fast::hash(checked.as_bytes());
    let mut digits = [b'0'; 6];
    for digit in digits.iter_mut().rev() {
        *digit = ALPHABET[(value % 62) as usize];
        value /= 62;
    }
    digits.iter().copied().map(char::from).collect()
}

/// `head` followed by `id`, `secret` and their check.
pub fn with_check(head: &str, id: &str, secret: &str) -> String {
    let checked = format!("{head}{id}{secret}");
    let check = check_of(&checked);
    format!("{checked}{check}")
}

/// The text of an API key with these parts.
pub fn api_key_text(environment: Environment, id: &str, secret: &str) -> String {
    with_check(&format!("mcp_{}_", environment.key_part()), id, secret)
}

/// The text of a management token with these parts.
pub fn token_text(id: &str, secret: &str) -> String {
    with_check("mgmt_", id, secret)
}

/// Either environment.
pub fn environment() -> impl Strategy<Value = Environment> {
    prop_oneof![
        Just(Environment::Development),
        Just(Environment::Production)
    ]
}

/// A key id: 8 base62 characters.
pub fn id() -> impl Strategy<Value = String> {
    "[0-9A-Za-z]{8}"
}

/// A secret: 32 base62 characters.
pub fn secret() -> impl Strategy<Value = String> {
    "[0-9A-Za-z]{32}"
}

/// Every base62 character other than `byte`.
pub fn other_digits(byte: u8) -> impl Iterator<Item = u8> {
    ALPHABET.iter().copied().filter(move |other| *other != byte)
}
