//! The fingerprint of a key: what servers and the local store keep instead of
//! the key itself.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::{ParseError, constant_time_eq};

/// Lowercase hex SHA-256 of the whole text of a key (DESIGN §2).
///
/// A key has ~190 random bits, so its fingerprint cannot be reversed or
/// guessed, and it identifies the key without being able to authenticate:
/// safe to store, to log and to send (`POST /v1/keys/identify`). Equality runs
/// in constant time all the same, because a server matches a presented key's
/// fingerprint against stored ones and must not reveal how close a guess came.
///
/// In JSON and TypeScript it is the 64-character lowercase hex string.
#[derive(Clone, Copy, TS)]
#[ts(type = "string")]
pub struct Fingerprint([u8; DIGEST_LEN]);

/// Length of a SHA-256 digest in bytes; its hex text is twice as long.
const DIGEST_LEN: usize = 32;

impl Fingerprint {
    /// The fingerprint of `key_text`, which may be any string: configs also
    /// hold keys of other issuers, and those are fingerprinted too, so the
    /// same key can be recognized across files without keeping its text.
    ///
    /// The hasher's internal block buffer is not wiped afterwards (`sha2` has
    /// no such option); it lives on the stack only for this call.
    pub fn of(key_text: &str) -> Self {
        Self(Sha256::digest(key_text.as_bytes()).into())
    }

    /// The 32 bytes of the digest.
    pub fn as_bytes(&self) -> &[u8; DIGEST_LEN] {
        &self.0
    }
}

impl PartialEq for Fingerprint {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(&self.0, &other.0)
    }
}

impl Eq for Fingerprint {}

// Written by hand only because `PartialEq` is; it agrees with it (equal bytes,
// equal hash), so fingerprints can key a `HashMap`.
impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = ParseError;

    /// Parses 64 hex digits. Uppercase is accepted and normalized (the bytes
    /// are what counts); [`Display`](fmt::Display) always writes lowercase.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = DIGEST_LEN * 2;
        let actual = text.chars().count();
        if actual != expected {
            return Err(ParseError::Length { expected, actual });
        }
        // The length matched in characters; an invalid character is reported
        // at its first byte, and all bytes before it are ASCII hex digits,
        // so byte and character positions agree there.
        let digits = text.as_bytes();
        let mut bytes = [0u8; DIGEST_LEN];
        for (index, byte) in bytes.iter_mut().enumerate() {
            let high = hex_value(digits, 2 * index)?;
            let low = hex_value(digits, 2 * index + 1)?;
            *byte = (high << 4) | low;
        }
        Ok(Self(bytes))
    }
}

/// The value of the hex digit at `position` of `digits`.
fn hex_value(digits: &[u8], position: usize) -> Result<u8, ParseError> {
    let invalid = ParseError::Character { position };
    let digit = *digits.get(position).ok_or(invalid)?;
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
        .ok_or(invalid)
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HexVisitor;

        impl de::Visitor<'_> for HexVisitor {
            type Value = Fingerprint;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a SHA-256 fingerprint as 64 hex digits")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Fingerprint, E> {
                text.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(HexVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::Fingerprint;
    use crate::ParseError;

    /// SHA-256("abc"), from FIPS 180-2, appendix B.1.
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn fingerprint_is_the_lowercase_hex_sha256_of_the_text() {
        assert_eq!(Fingerprint::of("abc").to_string(), ABC);
    }

    #[test]
    fn hex_parses_back_to_the_same_fingerprint() {
        assert_eq!(ABC.parse(), Ok(Fingerprint::of("abc")));
    }

    #[test]
    fn uppercase_hex_is_accepted_and_written_back_in_lowercase() {
        let parsed: Result<Fingerprint, _> = ABC.to_uppercase().parse();
        assert_eq!(parsed.map(|f| f.to_string()), Ok(ABC.to_owned()));
    }

    #[test]
    fn hex_of_the_wrong_length_is_rejected() {
        assert_eq!(
            ABC[1..].parse::<Fingerprint>(),
            Err(ParseError::Length {
                expected: 64,
                actual: 63
            })
        );
        assert_eq!(
            "".parse::<Fingerprint>(),
            Err(ParseError::Length {
                expected: 64,
                actual: 0
            })
        );
    }

    #[test]
    fn a_non_hex_character_is_reported_at_its_position() {
        let text = format!("{}g{}", &ABC[..10], &ABC[11..]);
        assert_eq!(
            text.parse::<Fingerprint>(),
            Err(ParseError::Character { position: 10 })
        );
    }

    #[test]
    fn a_multibyte_character_is_reported_at_its_character_position() {
        // 'é' is two bytes: the text is 64 characters but 65 bytes.
        let text = format!("{}é{}", &ABC[..5], &ABC[6..]);
        assert_eq!(
            text.parse::<Fingerprint>(),
            Err(ParseError::Character { position: 5 })
        );
    }

    #[test]
    fn json_is_the_hex_string() -> serde_json::Result<()> {
        let fingerprint = Fingerprint::of("abc");
        let json = serde_json::to_string(&fingerprint)?;
        assert_eq!(json, format!("\"{ABC}\""));
        assert_eq!(serde_json::from_str::<Fingerprint>(&json)?, fingerprint);
        assert!(serde_json::from_str::<Fingerprint>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<Fingerprint>("42").is_err());
        Ok(())
    }

    #[test]
    fn debug_shows_the_hex() {
        assert_eq!(
            format!("{:?}", Fingerprint::of("abc")),
            format!("Fingerprint({ABC})")
        );
    }

    #[test]
    fn equal_fingerprints_hash_alike() {
        let set: HashSet<Fingerprint> = [Fingerprint::of("a"), Fingerprint::of("a")].into();
        assert_eq!(set.len(), 1);
        assert_ne!(Fingerprint::of("a"), Fingerprint::of("b"));
    }
}
