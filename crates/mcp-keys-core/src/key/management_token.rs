//! Management tokens: `mgmt_<id><secret><check>`, the bearer credential of
//! the management API. Same body as an API key, no environment.

use std::fmt;
use std::str::FromStr;

use super::body;
use crate::{Error, Fingerprint, ParseError, Sensitive};

/// A well-formed management token with a valid checksum.
///
/// Held like an [`ApiKey`](crate::ApiKey): in a [`Sensitive`] buffer,
/// redacted in `Debug`, compared in constant time, not `Serialize`:
///
/// ```compile_fail,E0277
/// fn serializable<T: serde::Serialize>() {}
/// serializable::<mcp_keys_core::ManagementToken>();
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ManagementToken {
    // Invariant: `text` is `mgmt_` and a body that passed `body::validate`.
    text: Sensitive<String>,
}

impl ManagementToken {
    /// How every management token starts.
    pub const PREFIX: &'static str = "mgmt_";

    /// A new token, with its id and secret from the OS CSPRNG.
    pub fn generate() -> Result<Self, Error> {
        Ok(Self {
            text: body::generate(Self::PREFIX)?,
        })
    }

    /// Parses `text`, which must be exactly a token: surrounding whitespace
    /// (say, the newline of a token read from stdin) is the caller's to trim.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let body = text.strip_prefix(Self::PREFIX).ok_or(ParseError::Prefix {
            expected: Self::PREFIX,
        })?;
        body::validate(text, body)?;
        Ok(Self {
            text: Sensitive::new(text.to_owned()),
        })
    }

    /// The public token id, 8 base62 characters.
    pub fn id(&self) -> &str {
        body::id(self.text.expose())
    }

    /// `mgmt_<id>`: public, safe to show and to log.
    pub fn token_prefix(&self) -> &str {
        body::public_prefix(self.text.expose())
    }

    /// The last 4 characters (check characters, nothing of the secret).
    pub fn token_hint(&self) -> &str {
        body::hint(self.text.expose())
    }

    /// The fingerprint that the key service stores instead of the token.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.text.expose())
    }

    /// The whole token text, for the few places that must have it: the
    /// `Authorization` header, the OS keyring, a first-run token file.
    pub fn expose_secret(&self) -> &str {
        self.text.expose()
    }
}

impl FromStr for ManagementToken {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Debug for ManagementToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementToken")
            .field("token_prefix", &self.token_prefix())
            .field("secret", &self.text)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::ManagementToken;
    use crate::{ApiKey, Environment, Error, Fingerprint, ParseError};

    const ID: &str = "Kt7Qm2Xa";
    const SECRET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

    #[test]
    fn known_answer_token_parses_into_its_parts() -> Result<(), ParseError> {
        // The check of this id and secret, from Python's zlib.crc32.
        let text = format!("mgmt_{ID}{SECRET}0eI5OG");
        let token = ManagementToken::parse(&text)?;
        assert_eq!(token.id(), ID);
        assert_eq!(token.token_prefix(), format!("mgmt_{ID}"));
        assert_eq!(token.token_hint(), "I5OG");
        assert_eq!(token.fingerprint(), Fingerprint::of(&text));
        assert_eq!(token.expose_secret(), text);
        Ok(())
    }

    #[test]
    fn generated_tokens_parse_back_to_themselves() -> Result<(), Error> {
        let token = ManagementToken::generate()?;
        assert_eq!(token.expose_secret().len(), 51);
        assert_eq!(
            ManagementToken::parse(token.expose_secret()),
            Ok(token.clone())
        );
        Ok(())
    }

    #[test]
    fn an_api_key_is_not_a_management_token() -> Result<(), Error> {
        let key = ApiKey::generate(Environment::Production)?;
        assert_eq!(
            ManagementToken::parse(key.expose_secret()),
            Err(ParseError::Prefix { expected: "mgmt_" })
        );
        Ok(())
    }

    #[test]
    fn a_token_is_not_an_api_key() -> Result<(), Error> {
        let token = ManagementToken::generate()?;
        assert_eq!(
            ApiKey::parse(token.expose_secret()),
            Err(ParseError::Prefix { expected: "mcp_" })
        );
        Ok(())
    }

    #[test]
    fn token_with_one_changed_character_fails_the_checksum() {
        let text = format!("mgmt_{ID}{SECRET}0eI5OG").replacen('V', "W", 1);
        assert_eq!(ManagementToken::parse(&text), Err(ParseError::Checksum));
    }

    #[test]
    fn a_token_with_a_trailing_newline_is_rejected_for_its_length() {
        let text = format!("mgmt_{ID}{SECRET}0eI5OG\n");
        assert_eq!(
            ManagementToken::parse(&text),
            Err(ParseError::Length {
                expected: 51,
                actual: 52
            })
        );
    }

    #[test]
    fn debug_shows_the_prefix_but_not_the_secret() -> Result<(), Error> {
        let token = ManagementToken::generate()?;
        let debug = format!("{token:?}");
        assert!(debug.contains(token.token_prefix()), "{debug}");
        assert!(!debug.contains(token.expose_secret()), "{debug}");
        Ok(())
    }
}
