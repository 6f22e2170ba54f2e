//! Arbitrary input never panics, and the parsers agree with each other on it.

use mcp_keys_core::{
    ApiKey, Environment, Fingerprint, KeyClass, ManagementToken, ParseError, classify,
    find_candidates,
};
use proptest::prelude::*;

/// Strings of every kind: arbitrary Unicode, arbitrary bytes decoded lossily
/// (as a config file with broken encoding would be), and near misses of the
/// key format, which reach the deeper checks far more often.
fn inputs() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..160)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        "(mcp|mgmt|MCP)?_?(dev|prod|test)?_?[0-9A-Za-z_é-]{0,60}",
        "mcp_(dev|prod)_[0-9A-Za-z]{44,48}",
    ]
}

/// Checks everything the crate can do with `text` and how the answers relate.
fn check_all(text: &str) -> Result<(), TestCaseError> {
    let parsed = ApiKey::parse(text);
    if let Ok(key) = &parsed {
        prop_assert_eq!(key.expose_secret(), text);
        prop_assert!(text.starts_with(key.key_prefix()));
        prop_assert!(text.ends_with(key.key_hint()));
    }
    match classify(text) {
        KeyClass::Valid(key) => prop_assert_eq!(Ok(key), parsed),
        KeyClass::ChecksumError { key_prefix } => {
            prop_assert_eq!(parsed, Err(ParseError::Checksum));
            prop_assert!(text.starts_with(&key_prefix));
        }
        KeyClass::Foreign => {
            prop_assert!(text.starts_with("mcp_"));
            prop_assert!(!matches!(parsed, Ok(_) | Err(ParseError::Checksum)));
        }
        KeyClass::NotMcp => {
            prop_assert!(!text.starts_with("mcp_"));
            prop_assert!(parsed.is_err());
        }
    }

    if let Ok(token) = ManagementToken::parse(text) {
        prop_assert_eq!(token.expose_secret(), text);
    }
    if let Ok(fingerprint) = text.parse::<Fingerprint>() {
        prop_assert_eq!(fingerprint.to_string(), text.to_ascii_lowercase());
    }
    if let Ok(environment) = text.parse::<Environment>() {
        prop_assert_eq!(environment.as_str(), text);
    }

    let mut previous_end = 0;
    for range in find_candidates(text) {
        prop_assert!(
            range.start >= previous_end,
            "ranges overlap or go backwards"
        );
        let token = text.get(range.clone());
        prop_assert!(token.is_some(), "range off a character boundary");
        prop_assert!(token.is_some_and(|token| token.starts_with("mcp_")));
        previous_end = range.end;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn no_input_makes_the_parsers_panic_or_disagree(text in inputs()) {
        check_all(&text)?;
    }
}
