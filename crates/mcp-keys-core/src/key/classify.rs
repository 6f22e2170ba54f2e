//! What a string found in a config is: one of our keys, one of our keys with
//! a typo, or somebody else's `mcp_` key.

use super::body;
use crate::{ApiKey, ParseError};

/// What [`classify`] makes of a string.
///
/// The rule: only a string of our exact shape (`mcp_`, `dev` or `prod`, `_`,
/// then 46 base62 characters) can be a [`KeyClass::ChecksumError`]. Anything
/// else that starts with `mcp_` is [`KeyClass::Foreign`]: other issuers use
/// the same prefix with their own formats, and telling their users about a
/// "typo" would be wrong. The price is that a key of ours that lost or gained
/// a character is reported as foreign too; its length alone cannot tell it
/// apart from another issuer's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClass {
    /// One of our keys, checksum and all.
    Valid(ApiKey),
    /// Our exact shape, but the check characters do not match the rest:
    /// mistyped or mangled. Known without asking a server.
    ChecksumError {
        /// The public prefix as written, `mcp_<env>_<id>` (the typo may be in
        /// the id itself).
        key_prefix: String,
    },
    /// Starts with `mcp_` but does not fit our format: another issuer's key.
    Foreign,
    /// Does not start with `mcp_`.
    NotMcp,
}

/// Classifies `text`, which should be exactly the candidate token (see
/// [`find_candidates`](crate::find_candidates)), under the rule described on
/// [`KeyClass`].
pub fn classify(text: &str) -> KeyClass {
    if !text.starts_with(ApiKey::PREFIX) {
        return KeyClass::NotMcp;
    }
    match ApiKey::parse(text) {
        Ok(key) => KeyClass::Valid(key),
        // Parsing only compares checksums once the shape is right, so the
        // text is ASCII with a full body and its prefix can be cut out.
        Err(ParseError::Checksum) => KeyClass::ChecksumError {
            key_prefix: body::public_prefix(text).to_owned(),
        },
        Err(
            ParseError::Prefix { .. }
            | ParseError::Environment { .. }
            | ParseError::Length { .. }
            | ParseError::Character { .. },
        ) => KeyClass::Foreign,
    }
}

#[cfg(test)]
mod tests {
    use super::{KeyClass, classify};
    use crate::{ApiKey, Environment, Error, ManagementToken};

    fn generated() -> Result<String, Error> {
        Ok(ApiKey::generate(Environment::Development)?
            .expose_secret()
            .to_owned())
    }

    /// `text` with its character at `index` replaced by another base62 digit.
    fn with_typo(text: &str, index: usize) -> String {
        let mut bytes = text.as_bytes().to_vec();
        bytes[index] = if bytes[index] == b'x' { b'y' } else { b'x' };
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn a_valid_key_is_valid() -> Result<(), Error> {
        let text = generated()?;
        assert!(matches!(classify(&text), KeyClass::Valid(key) if key.expose_secret() == text));
        Ok(())
    }

    #[test]
    fn a_typo_in_a_key_of_our_shape_is_a_checksum_error() -> Result<(), Error> {
        let text = generated()?;
        assert_eq!(
            classify(&with_typo(&text, 30)),
            KeyClass::ChecksumError {
                key_prefix: text[..16].to_owned()
            }
        );
        Ok(())
    }

    #[test]
    fn a_typo_in_the_id_shows_in_the_reported_prefix() -> Result<(), Error> {
        let text = generated()?;
        let typo = with_typo(&text, 10);
        assert_eq!(
            classify(&typo),
            KeyClass::ChecksumError {
                key_prefix: typo[..16].to_owned()
            }
        );
        Ok(())
    }

    #[test]
    fn mcp_strings_that_do_not_fit_our_shape_are_foreign() -> Result<(), Error> {
        let text = generated()?;
        for foreign in [
            "mcp_".to_owned(),
            "mcp_sk_live_51HqLyjW3r9xZtV".to_owned(),
            // Unknown environment, right length otherwise.
            text.replacen("dev", "tst", 1),
            // One character short or long: not our shape, so not a typo.
            text[..text.len() - 1].to_owned(),
            format!("{text}A"),
            // Right length, but a character outside base62.
            format!("{}-{}", &text[..20], &text[21..]),
        ] {
            assert_eq!(classify(&foreign), KeyClass::Foreign, "{foreign}");
        }
        Ok(())
    }

    #[test]
    fn strings_without_the_mcp_prefix_are_not_mcp_keys() -> Result<(), Error> {
        let text = generated()?;
        for other in [String::new(), "MCP_dev".to_owned(), text[1..].to_owned()] {
            assert_eq!(classify(&other), KeyClass::NotMcp, "{other}");
        }
        let token = ManagementToken::generate()?;
        assert_eq!(classify(token.expose_secret()), KeyClass::NotMcp);
        Ok(())
    }
}
