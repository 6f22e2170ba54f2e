//! Every single-character typo and every swap of two neighbours is caught.
//!
//! Why this holds, rather than being merely likely: the check is CRC32 of all
//! the text before it, and CRC32 detects every error confined to 32
//! consecutive bits. Inside the checked text, a substituted character is an
//! error within 8 bits, and two swapped different neighbours one within 16,
//! so the CRC changes; base62 spelling of a u32 is injective, so the expected
//! check text changes while the written one did not. Inside the check, any
//! change makes the written text differ from the one expected, because the
//! comparison is on text, not on a decoded number that could wrap. A swap
//! across the boundary (last secret character, first check character) is
//! covered by an exhaustive argument in the crate's `checksum` unit tests.
//! Typos before the body (in `mcp_dev_`, `mgmt_`) break the prefix or the
//! environment instead: still rejected, with that reason.

use mcp_keys_core::{ApiKey, KeyClass, ManagementToken, ParseError, classify};
use proptest::prelude::*;

use crate::parts;

/// `text` with the byte at `index` replaced by `byte`.
fn substituted(text: &str, index: usize, byte: u8) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[index] = byte;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` with the bytes at `index` and `index + 1` swapped.
fn transposed(text: &str, index: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes.swap(index, index + 1);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Every variant of `text` with one typo, with the index it starts at:
/// each base62 substitution at each position, then each swap of two
/// different neighbours.
fn typos(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let substitutions = bytes.iter().enumerate().flat_map(|(index, byte)| {
        parts::other_digits(*byte).map(move |other| (index, substituted(text, index, other)))
    });
    let swaps = (0..bytes.len() - 1)
        .filter(|index| bytes[*index] != bytes[*index + 1])
        .map(|index| (index, transposed(text, index)));
    substitutions.chain(swaps).collect()
}

proptest! {
    // Each case checks about 3,400 variants; 64 keys of each kind are plenty.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_single_typo_in_a_key_is_caught(
        environment in parts::environment(),
        id in parts::id(),
        secret in parts::secret(),
    ) {
        let text = parts::api_key_text(environment, &id, &secret);
        let head_len = text.len() - 46;
        for (index, typo) in typos(&text) {
            let parsed = ApiKey::parse(&typo);
            if index >= head_len {
                prop_assert_eq!(parsed, Err(ParseError::Checksum), "{}", index);
                prop_assert!(
                    matches!(classify(&typo), KeyClass::ChecksumError { .. }),
                    "{}", index
                );
            } else {
                // In the head: rejected, for its prefix or environment.
                prop_assert!(
                    matches!(parsed, Err(ParseError::Prefix { .. } | ParseError::Environment { .. })),
                    "{} {:?}", index, parsed
                );
                prop_assert!(!matches!(classify(&typo), KeyClass::Valid(_)), "{}", index);
            }
        }
    }

    #[test]
    fn every_single_typo_in_a_token_is_caught(
        id in parts::id(),
        secret in parts::secret(),
    ) {
        let text = parts::token_text(&id, &secret);
        let head_len = "mgmt_".len();
        for (index, typo) in typos(&text) {
            let parsed = ManagementToken::parse(&typo);
            if index >= head_len {
                prop_assert_eq!(parsed, Err(ParseError::Checksum), "{}", index);
            } else {
                prop_assert_eq!(parsed, Err(ParseError::Prefix { expected: "mgmt_" }), "{}", index);
            }
        }
    }
}
