//! The body shared by API keys and management tokens, `<id><secret><check>`,
//! and the parts of a checked key text that may be shown.
//!
//! The text before the body (the head: `mcp_dev_`, `mcp_prod_`, `mgmt_`) is
//! checked by each key type; everything here takes a head that is ASCII.

use zeroize::Zeroizing;

use super::{base62, checksum, random};
use crate::{ParseError, Sensitive};

/// Characters of the public id.
pub(super) const ID_LEN: usize = 8;

/// Characters of the secret: 32 base62 digits, about 190 random bits.
pub(super) const SECRET_LEN: usize = 32;

/// Characters of the whole body.
pub(super) const LEN: usize = ID_LEN + SECRET_LEN + checksum::LEN;

/// Characters at the end of a key that are not part of its public prefix.
const PRIVATE_TAIL_LEN: usize = SECRET_LEN + checksum::LEN;

/// Characters of the hint, the end of a key shown to tell keys apart.
const HINT_LEN: usize = 4;

/// A new key text: `head`, then a random id and secret, then the check.
pub(super) fn generate(head: &str) -> Result<Sensitive<String>, getrandom::Error> {
    let mut digits = Zeroizing::new([0u8; ID_LEN + SECRET_LEN]);
    random::fill_base62(digits.as_mut_slice())?;
    // Allocated at its final size: a growing String moves to a larger buffer
    // and frees the old one unwiped, leaving a copy of the secret behind.
    let mut text = String::with_capacity(head.len() + LEN);
    text.push_str(head);
    text.extend(digits.iter().copied().map(char::from));
    let check = checksum::compute(text.as_bytes());
    text.extend(check.iter().copied().map(char::from));
    Ok(Sensitive::new(text))
}

/// Checks the body of `text`: `body` is the rest of `text` after its head,
/// which the caller has verified. Checks run in the order of [`ParseError`]'s
/// variants and the first failure is returned.
pub(super) fn validate(text: &str, body: &str) -> Result<(), ParseError> {
    // The head is ASCII, so its length in bytes is its length in characters.
    let head_len = text.len() - body.len();
    let body_len = body.chars().count();
    if body_len != LEN {
        return Err(ParseError::Length {
            expected: head_len + LEN,
            actual: head_len + body_len,
        });
    }
    // Every byte before the first invalid one is an ASCII digit, so its byte
    // index is also its character index, even when it starts a multibyte
    // character.
    if let Some(index) = body.bytes().position(|byte| !base62::is_digit(byte)) {
        return Err(ParseError::Character {
            position: head_len + index,
        });
    }
    let (checked, check) = text.as_bytes().split_at(text.len() - checksum::LEN);
    if !checksum::matches(checked, check) {
        return Err(ParseError::Checksum);
    }
    Ok(())
}

// The accessors below take the text of a key that passed `validate` (or came
// from `generate`): it is ASCII and its body has exactly `LEN` characters, so
// these ranges are in bounds and on character boundaries.

/// The public prefix: the head and the id, everything before the secret.
pub(super) fn public_prefix(text: &str) -> &str {
    &text[..text.len() - PRIVATE_TAIL_LEN]
}

/// The public id, the last characters of the public prefix.
pub(super) fn id(text: &str) -> &str {
    let end = text.len() - PRIVATE_TAIL_LEN;
    &text[end - ID_LEN..end]
}

/// The hint: the last characters of the key, which are check characters.
pub(super) fn hint(text: &str) -> &str {
    &text[text.len() - HINT_LEN..]
}

#[cfg(test)]
mod tests {
    use super::{LEN, generate, hint, id, public_prefix, validate};
    use crate::ParseError;

    /// A checked body, built at test time from its parts so that no whole key
    /// appears in the source (a repository check flags those).
    fn valid_text(head: &str) -> String {
        let checked = format!("{head}Kt7Qm2Xa0123456789ABCDEFGHIJKLMNOPQRSTUV");
        let check = super::checksum::compute(checked.as_bytes());
        format!("{checked}{}", String::from_utf8_lossy(&check))
    }

    fn validate_after(head: &str, text: &str) -> Result<(), ParseError> {
        match text.strip_prefix(head) {
            Some(body) => validate(text, body),
            None => Err(ParseError::Prefix { expected: "test" }),
        }
    }

    #[test]
    fn a_checked_body_is_valid() {
        assert_eq!(validate_after("x_", &valid_text("x_")), Ok(()));
    }

    #[test]
    fn lengths_are_reported_for_the_whole_text() {
        let text = valid_text("x_");
        assert_eq!(
            validate_after("x_", &text[..text.len() - 1]),
            Err(ParseError::Length {
                expected: 2 + LEN,
                actual: 1 + LEN
            })
        );
        assert_eq!(
            validate_after("x_", &format!("{text}0")),
            Err(ParseError::Length {
                expected: 2 + LEN,
                actual: 3 + LEN
            })
        );
        assert_eq!(
            validate_after("x_", "x_"),
            Err(ParseError::Length {
                expected: 2 + LEN,
                actual: 2
            })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // One base62 digit replaced by a two-byte character: right length in
        // characters, so the character is what gets reported.
        let text = valid_text("x_").replacen('K', "é", 1);
        assert_eq!(
            validate_after("x_", &text),
            Err(ParseError::Character { position: 2 })
        );
    }

    #[test]
    fn the_first_invalid_character_is_reported_at_its_position() {
        let mut text = valid_text("x_").into_bytes();
        text[10] = b'-';
        text[20] = b'+';
        let text = String::from_utf8_lossy(&text);
        assert_eq!(
            validate_after("x_", &text),
            Err(ParseError::Character { position: 10 })
        );
    }

    #[test]
    fn a_changed_check_character_fails_the_checksum() {
        let text = valid_text("x_");
        let last = if text.ends_with('0') { "1" } else { "0" };
        let changed = format!("{}{last}", &text[..text.len() - 1]);
        assert_eq!(validate_after("x_", &changed), Err(ParseError::Checksum));
    }

    #[test]
    fn generated_text_is_the_head_and_a_valid_body() -> Result<(), getrandom::Error> {
        let text = generate("x_")?;
        let text = text.expose();
        assert!(text.starts_with("x_"));
        assert_eq!(text.len(), 2 + LEN);
        assert_eq!(validate_after("x_", text), Ok(()));
        Ok(())
    }

    #[test]
    fn generated_text_does_not_outgrow_its_buffer() -> Result<(), getrandom::Error> {
        // If it had, an unwiped copy of the secret would have been freed.
        let text = generate("mgmt_")?;
        assert_eq!(text.expose().capacity(), text.expose().len());
        Ok(())
    }

    #[test]
    fn public_parts_are_cut_at_the_right_places() {
        let text = valid_text("x_");
        assert_eq!(public_prefix(&text), "x_Kt7Qm2Xa");
        assert_eq!(id(&text), "Kt7Qm2Xa");
        assert_eq!(hint(&text), &text[text.len() - 4..]);
    }
}
