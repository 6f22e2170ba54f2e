//! Keys and tokens, generated or built from parts, parse back to their parts.

use mcp_keys_core::{ApiKey, Environment, Fingerprint, KeyClass, ManagementToken, classify};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

use crate::parts;

/// Lowercase hex SHA-256, computed here rather than through `Fingerprint`.
fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `text` matches `mcp_(dev|prod)_[0-9A-Za-z]{46}`, the regex of
/// DESIGN §2, checked by hand.
fn matches_design_regex(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("mcp_") else {
        return false;
    };
    let body = rest
        .strip_prefix("dev_")
        .or_else(|| rest.strip_prefix("prod_"));
    body.is_some_and(|body| body.len() == 46 && body.bytes().all(|b| b.is_ascii_alphanumeric()))
}

proptest! {
    #[test]
    fn a_key_built_from_parts_parses_back_to_those_parts(
        environment in parts::environment(),
        id in parts::id(),
        secret in parts::secret(),
    ) {
        let text = parts::api_key_text(environment, &id, &secret);
        let key = ApiKey::parse(&text)?;
        prop_assert_eq!(key.environment(), environment);
        prop_assert_eq!(key.id(), id.as_str());
        let prefix = format!("mcp_{}_{id}", environment.key_part());
        prop_assert_eq!(key.key_prefix(), prefix.as_str());
        prop_assert_eq!(key.key_hint(), &text[text.len() - 4..]);
        prop_assert_eq!(key.expose_secret(), text.as_str());
        prop_assert_eq!(key.fingerprint().to_string(), sha256_hex(&text));
        prop_assert_eq!(classify(&text), KeyClass::Valid(key));
    }

    #[test]
    fn a_token_built_from_parts_parses_back_to_those_parts(
        id in parts::id(),
        secret in parts::secret(),
    ) {
        let text = parts::token_text(&id, &secret);
        let token = ManagementToken::parse(&text)?;
        prop_assert_eq!(token.id(), id.as_str());
        let prefix = format!("mgmt_{id}");
        prop_assert_eq!(token.token_prefix(), prefix.as_str());
        prop_assert_eq!(token.token_hint(), &text[text.len() - 4..]);
        prop_assert_eq!(token.expose_secret(), text.as_str());
        prop_assert_eq!(token.fingerprint().to_string(), sha256_hex(&text));
    }

    #[test]
    fn every_generated_key_has_the_design_shape_and_parses_back(
        environment in parts::environment(),
    ) {
        let key = ApiKey::generate(environment)?;
        let text = key.expose_secret();
        prop_assert!(matches_design_regex(text));
        // The check is the one an independent implementation computes.
        let (checked, check) = text.split_at(text.len() - 6);
        prop_assert_eq!(parts::check_of(checked), check);
        let parsed = ApiKey::parse(text)?;
        prop_assert_eq!(parsed.environment(), environment);
        prop_assert_eq!(parsed.id(), key.id());
        prop_assert_eq!(parsed.key_prefix(), key.key_prefix());
        prop_assert_eq!(parsed.key_hint(), key.key_hint());
        prop_assert_eq!(parsed.fingerprint(), key.fingerprint());
        prop_assert_eq!(parsed, key);
    }

    #[test]
    fn every_generated_token_parses_back(_round in 0..32u8) {
        let token = ManagementToken::generate()?;
        let text = token.expose_secret();
        prop_assert!(text.starts_with("mgmt_") && text.len() == 51);
        let (checked, check) = text.split_at(text.len() - 6);
        prop_assert_eq!(parts::check_of(checked), check);
        prop_assert_eq!(ManagementToken::parse(text)?, token);
    }

    #[test]
    fn fingerprints_survive_hex_and_json(text in any::<String>()) {
        let fingerprint = Fingerprint::of(&text);
        let hex = fingerprint.to_string();
        prop_assert_eq!(hex.parse::<Fingerprint>()?, fingerprint);
        let json = serde_json::to_string(&fingerprint)?;
        prop_assert_eq!(serde_json::from_str::<Fingerprint>(&json)?, fingerprint);
    }
}

#[test]
fn environments_are_written_in_full_in_json() -> serde_json::Result<()> {
    let json = serde_json::to_string(&Environment::ALL)?;
    assert_eq!(json, r#"["development","production"]"#);
    Ok(())
}
