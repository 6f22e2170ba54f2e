//! The last line of defence against a secret reaching the database: every
//! free-form text the store writes (cached JSON, audit details, scan results)
//! is searched for a real key or token first.

use mcp_keys_core::{ApiKey, ManagementToken};

use crate::Error;

/// The characters after the prefix of a key or token (DESIGN §2).
const BODY_LEN: usize = 46;

/// What comes before the body of our keys and of management tokens.
const PREFIXES: [&str; 3] = ["mcp_dev_", "mcp_prod_", ManagementToken::PREFIX];

/// Fails with [`Error::SecretInData`] when `text` holds one of our keys or
/// a management token with a valid checksum. The checksum keeps public
/// values that merely look alike (a key prefix followed by other text) from
/// being refused.
pub(crate) fn ensure_none(text: &str, what: &'static str) -> Result<(), Error> {
    if holds_secret(text) {
        return Err(Error::SecretInData(what));
    }
    Ok(())
}

fn holds_secret(text: &str) -> bool {
    PREFIXES.iter().any(|prefix| {
        text.match_indices(prefix).any(|(start, _)| {
            let end = start + prefix.len() + BODY_LEN;
            text.get(start..end)
                .is_some_and(|candidate| is_secret(prefix, candidate))
        })
    })
}

fn is_secret(prefix: &str, candidate: &str) -> bool {
    if *prefix == *ManagementToken::PREFIX {
        ManagementToken::parse(candidate).is_ok()
    } else {
        ApiKey::parse(candidate).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::{ApiKey, Environment, ManagementToken};

    use super::holds_secret;

    #[test]
    fn a_key_or_token_anywhere_in_the_text_is_found() -> Result<(), mcp_keys_core::Error> {
        let key = ApiKey::generate(Environment::Production)?;
        let token = ManagementToken::generate()?;
        assert!(holds_secret(&format!(
            r#"{{"name":"x","key":"{}"}}"#,
            key.expose_secret()
        )));
        assert!(holds_secret(&format!("Bearer {}", token.expose_secret())));
        Ok(())
    }

    #[test]
    fn public_parts_of_a_key_are_not_secrets() -> Result<(), mcp_keys_core::Error> {
        let key = ApiKey::generate(Environment::Development)?;
        let fingerprint = key.fingerprint().to_string();
        // A prefix followed directly by other alphanumeric text has the
        // shape of a key but not its checksum.
        assert!(!holds_secret(&format!("{}{fingerprint}", key.key_prefix())));
        assert!(!holds_secret(&format!(
            "{} …{}",
            key.key_prefix(),
            key.key_hint()
        )));
        Ok(())
    }
}
