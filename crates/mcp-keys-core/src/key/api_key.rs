//! API keys: `mcp_<env>_<id><secret><check>`, what MCP clients send as
//! `Authorization: Bearer`.

use std::fmt;
use std::str::FromStr;

use super::body;
use crate::{Environment, Error, Fingerprint, ParseError, Sensitive};

/// A well-formed API key with a valid checksum.
///
/// The text lives in a [`Sensitive`] buffer, wiped on drop and redacted in
/// `Debug`; only [`ApiKey::expose_secret`] returns it. Not `Serialize`, so it
/// cannot slip into JSON:
///
/// ```compile_fail,E0277
/// fn serializable<T: serde::Serialize>() {}
/// serializable::<mcp_keys_core::ApiKey>();
/// ```
///
/// Equality compares the whole text in constant time.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    // Invariant: `text` is `mcp_<environment.key_part()>_` and a body that
    // passed `body::validate`.
    text: Sensitive<String>,
    environment: Environment,
}

impl ApiKey {
    /// How every API key starts, whoever issued it.
    pub const PREFIX: &'static str = "mcp_";

    /// A new key for `environment`, with its id and secret from the OS CSPRNG.
    pub fn generate(environment: Environment) -> Result<Self, Error> {
        let head = format!("{}{}_", Self::PREFIX, environment.key_part());
        Ok(Self {
            text: body::generate(&head)?,
            environment,
        })
    }

    /// Parses `text`, which must be exactly a key: surrounding whitespace,
    /// quotes or a `Bearer ` are the caller's to remove.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let rest = text.strip_prefix(Self::PREFIX).ok_or(ParseError::Prefix {
            expected: Self::PREFIX,
        })?;
        let unknown = ParseError::Environment {
            expected: "`dev` or `prod`",
        };
        let (part, body) = rest.split_once('_').ok_or(unknown)?;
        let environment = Environment::from_key_part(part).ok_or(unknown)?;
        body::validate(text, body)?;
        Ok(Self {
            text: Sensitive::new(text.to_owned()),
            environment,
        })
    }

    /// The environment the key belongs to.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The public key id, 8 base62 characters.
    pub fn id(&self) -> &str {
        body::id(self.text.expose())
    }

    /// `mcp_<env>_<id>`: public, shown in lists and stored as metadata.
    pub fn key_prefix(&self) -> &str {
        body::public_prefix(self.text.expose())
    }

    /// The last 4 characters, shown next to the prefix to tell keys apart.
    /// They are check characters, so they reveal nothing of the secret.
    pub fn key_hint(&self) -> &str {
        body::hint(self.text.expose())
    }

    /// The fingerprint that servers store instead of the key.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.text.expose())
    }

    /// The whole key text, for the few places that must have it: showing a
    /// new key once, writing the config the user chose, sending it.
    pub fn expose_secret(&self) -> &str {
        self.text.expose()
    }
}

impl FromStr for ApiKey {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("key_prefix", &self.key_prefix())
            .field("secret", &self.text)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::ApiKey;
    use crate::key::{base62, body};
    use crate::{Environment, Error, Fingerprint, ParseError};

    const ID: &str = "Kt7Qm2Xa";
    const SECRET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

    /// A valid key built from its parts at test time, its check computed by
    /// a path independent of `checksum`: crc32fast on the text, then base62
    /// by repeated division.
    fn key_text(environment: Environment) -> String {
        let checked = format!("mcp_{}_{ID}{SECRET}", environment.key_part());
        let mut crc = u64::from(crc32fast::hash(checked.as_bytes()));
        let mut check = Vec::new();
        for _ in 0..6 {
            check.insert(0, base62::ALPHABET[(crc % 62) as usize]);
            crc /= 62;
        }
        format!("{checked}{}", String::from_utf8_lossy(&check))
    }

    #[test]
    fn known_answer_development_key_parses_into_its_parts() -> Result<(), ParseError> {
        let text = key_text(Environment::Development);
        // The check of this id and secret, from Python's zlib.crc32.
        assert_eq!(text, format!("mcp_dev_{ID}{SECRET}05WabB"));
        let key = ApiKey::parse(&text)?;
        assert_eq!(key.environment(), Environment::Development);
        assert_eq!(key.id(), ID);
        assert_eq!(key.key_prefix(), format!("mcp_dev_{ID}"));
        assert_eq!(key.key_hint(), "WabB");
        assert_eq!(key.expose_secret(), text);
        Ok(())
    }

    #[test]
    fn known_answer_production_key_parses_into_its_parts() -> Result<(), ParseError> {
        let secret = "abcdefghijklmnopqrstuvwxyz012345";
        let text = format!("mcp_prod_{ID}{secret}4BV5SW");
        let key = ApiKey::parse(&text)?;
        assert_eq!(key.environment(), Environment::Production);
        assert_eq!(key.key_prefix(), format!("mcp_prod_{ID}"));
        assert_eq!(key.key_hint(), "V5SW");
        Ok(())
    }

    #[test]
    fn generated_keys_parse_back_to_themselves() -> Result<(), Error> {
        for environment in Environment::ALL {
            let key = ApiKey::generate(environment)?;
            assert_eq!(key.environment(), environment);
            assert_eq!(ApiKey::parse(key.expose_secret()), Ok(key.clone()));
            let head_len = "mcp_".len() + environment.key_part().len() + "_".len();
            assert_eq!(key.expose_secret().len(), head_len + body::LEN);
        }
        Ok(())
    }

    #[test]
    fn two_generated_keys_differ() -> Result<(), Error> {
        let first = ApiKey::generate(Environment::Development)?;
        let second = ApiKey::generate(Environment::Development)?;
        assert_ne!(first, second);
        assert_ne!(first.id(), second.id());
        Ok(())
    }

    #[test]
    fn fingerprint_is_the_sha256_of_the_whole_key() -> Result<(), ParseError> {
        let text = key_text(Environment::Production);
        let key = ApiKey::parse(&text)?;
        assert_eq!(key.fingerprint(), Fingerprint::of(&text));
        Ok(())
    }

    #[test]
    fn debug_shows_the_prefix_but_not_the_secret() -> Result<(), ParseError> {
        let key = ApiKey::parse(&key_text(Environment::Development))?;
        let debug = format!("{key:?}");
        assert!(debug.contains(key.key_prefix()), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains(SECRET), "{debug}");
        Ok(())
    }

    #[test]
    fn text_without_the_mcp_prefix_is_rejected_as_such() {
        let text = key_text(Environment::Development);
        for other in [
            text.replacen("mcp_", "mcq_", 1),
            text.to_uppercase(),
            String::new(),
        ] {
            assert_eq!(
                ApiKey::parse(&other),
                Err(ParseError::Prefix { expected: "mcp_" })
            );
        }
    }

    #[test]
    fn unknown_environments_are_rejected_as_such() {
        let text = key_text(Environment::Development);
        for other in [
            text.replacen("dev", "test", 1),
            text.replacen("dev", "DEV", 1),
            text.replacen("dev_", "dev", 1),
            "mcp_".to_owned(),
            "mcp_dev".to_owned(),
        ] {
            assert!(
                matches!(ApiKey::parse(&other), Err(ParseError::Environment { .. })),
                "{other}"
            );
        }
    }

    #[test]
    fn a_truncated_key_is_rejected_for_its_length() {
        let text = key_text(Environment::Production);
        assert_eq!(
            ApiKey::parse(&text[..text.len() - 1]),
            Err(ParseError::Length {
                expected: 55,
                actual: 54
            })
        );
    }

    #[test]
    fn a_key_with_a_trailing_newline_is_rejected() {
        let text = format!("{}\n", key_text(Environment::Development));
        assert!(matches!(
            ApiKey::parse(&text),
            Err(ParseError::Length { .. })
        ));
    }

    #[test]
    fn a_non_base62_character_is_reported_where_it_is() {
        let text = key_text(Environment::Development).replacen(ID, "Kt7Q-2Xa", 1);
        assert_eq!(
            ApiKey::parse(&text),
            Err(ParseError::Character { position: 12 })
        );
    }

    #[test]
    fn key_with_one_changed_character_fails_the_checksum() {
        let text = key_text(Environment::Development).replacen(ID, "Kt7Qm2Xb", 1);
        assert_eq!(ApiKey::parse(&text), Err(ParseError::Checksum));
    }

    #[test]
    fn a_key_of_one_environment_does_not_pass_as_the_other() {
        // The environment is covered by the checksum: editing it is a typo,
        // not a way to move a key between environments.
        let text = key_text(Environment::Production).replacen("prod", "dev", 1);
        assert_eq!(ApiKey::parse(&text), Err(ParseError::Checksum));
    }
}
