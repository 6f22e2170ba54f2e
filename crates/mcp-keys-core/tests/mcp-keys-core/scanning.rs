//! Keys are found wherever they sit in a text, and classified the same way
//! there as on their own.

use mcp_keys_core::{KeyClass, classify, find_candidates};
use proptest::prelude::*;

use crate::parts;

/// Characters that end a token: what surrounds keys in JSON, TOML, YAML,
/// `.env` files and shell lines.
fn separator() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        ' ', '"', '\'', '=', ':', '\n', '\t', ',', '}', '/', 'é',
    ])
}

proptest! {
    #[test]
    fn a_key_between_separators_is_found_exactly(
        before in any::<String>(),
        left in separator(),
        environment in parts::environment(),
        id in parts::id(),
        secret in parts::secret(),
        right in separator(),
        after in any::<String>(),
    ) {
        let key = parts::api_key_text(environment, &id, &secret);
        let text = format!("{before}{left}{key}{right}{after}");
        let start = before.len() + left.len_utf8();
        let expected = start..start + key.len();
        prop_assert!(
            find_candidates(&text).any(|range| range == expected),
            "not found"
        );
        prop_assert!(matches!(classify(&text[expected]), KeyClass::Valid(_)));
    }

    #[test]
    fn a_key_at_the_very_start_or_end_of_the_text_is_found(
        environment in parts::environment(),
        id in parts::id(),
        secret in parts::secret(),
    ) {
        let key = parts::api_key_text(environment, &id, &secret);
        let found: Vec<_> = find_candidates(&key).collect();
        prop_assert_eq!(found, vec![0..key.len()]);
    }

    #[test]
    fn a_key_with_a_typo_is_found_and_reported_as_one(
        environment in parts::environment(),
        id in parts::id(),
        secret in parts::secret(),
        index in 0..46usize,
        replacement in "[0-9A-Za-z]",
    ) {
        let key = parts::api_key_text(environment, &id, &secret);
        let position = key.len() - 46 + index;
        let typo = format!("{}{replacement}{}", &key[..position], &key[position + 1..]);
        prop_assume!(typo != key);
        let text = format!("Authorization: Bearer {typo}\n");
        let found: Vec<_> = find_candidates(&text).map(|range| &text[range]).collect();
        prop_assert_eq!(found, vec![typo.as_str()]);
        let is_checksum_error = matches!(classify(&typo), KeyClass::ChecksumError { .. });
        prop_assert!(is_checksum_error);
    }
}
