//! Finding `mcp_` keys in arbitrary text, such as an IDE config file.

use std::ops::Range;

use super::base62;
use crate::{ApiKey, ParseError};

/// A foreign candidate needs at least this many characters after `mcp_`.
/// Shorter `mcp_` words are names (`mcp_servers` in Codex's config.toml),
/// not secrets; issuers of random keys use far more than 20 characters.
const MIN_FOREIGN_REST_LEN: usize = 20;

/// Where tokens that start with `mcp_` and may be keys are in `text`, as byte
/// ranges, in order and never overlapping. Each range starts and ends on a
/// character boundary, so `&text[range]` is the token; pass it to
/// [`classify`](crate::classify). Nothing is copied, so no secret lands in a
/// plain `String` here.
///
/// A token is a run of base62 characters, `_` and `-` (every character of a
/// URL-safe key) that begins with `mcp_` and is not preceded by one of those
/// characters: `my_mcp_…` is not a key. It is a candidate when:
/// - it has our shape (`mcp_dev_` or `mcp_prod_` and 46 base62 characters),
///   checksum or not, so typos are found and reported; or
/// - its rest after `mcp_` is at least 20 characters long and has a digit or
///   an uppercase letter, as random keys of other issuers almost always do
///   (all lowercase in 20 random base62 characters: about 1 in 3·10⁷), while
///   identifiers such as `mcp_server_configuration` do not.
pub fn find_candidates(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    text.match_indices(ApiKey::PREFIX)
        .filter_map(move |(start, _)| {
            // A match inside a longer token is preceded by a token byte, so
            // this also skips `mcp_` appearing in the middle of a token.
            if start > 0 && is_token_byte(bytes[start - 1]) {
                return None;
            }
            let len = bytes[start..]
                .iter()
                .position(|byte| !is_token_byte(*byte))
                .unwrap_or(bytes.len() - start);
            Some(start..start + len)
        })
        .filter(move |range| is_candidate(&text[range.clone()]))
}

/// Whether `byte` can be part of a key token. All are ASCII, so a token
/// never splits a multibyte character.
fn is_token_byte(byte: u8) -> bool {
    base62::is_digit(byte) || byte == b'_' || byte == b'-'
}

/// Whether the token, which starts with `mcp_`, may be a key.
fn is_candidate(token: &str) -> bool {
    // Our shape is whatever the parser gets through up to the checksum.
    let has_our_shape = matches!(ApiKey::parse(token), Ok(_) | Err(ParseError::Checksum));
    let rest = &token[ApiKey::PREFIX.len()..];
    has_our_shape
        || (rest.len() >= MIN_FOREIGN_REST_LEN
            && rest
                .bytes()
                .any(|byte| byte.is_ascii_digit() || byte.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::find_candidates;
    use crate::{ApiKey, Environment, Error};

    fn found(text: &str) -> Vec<&str> {
        find_candidates(text)
            .map(|range: Range<usize>| &text[range])
            .collect()
    }

    #[test]
    fn a_key_in_a_json_config_is_found_without_its_quotes() -> Result<(), Error> {
        let key = ApiKey::generate(Environment::Production)?;
        let config = format!(
            r#"{{"mcpServers":{{"x":{{"headers":{{"Authorization":"Bearer {}"}}}}}}}}"#,
            key.expose_secret()
        );
        assert_eq!(found(&config), [key.expose_secret()]);
        Ok(())
    }

    #[test]
    fn keys_after_equals_signs_colons_and_line_starts_are_found() -> Result<(), Error> {
        let first = ApiKey::generate(Environment::Development)?;
        let second = ApiKey::generate(Environment::Production)?;
        let text = format!(
            "API_KEY={}\n{}\nkey: '{}'",
            first.expose_secret(),
            second.expose_secret(),
            first.expose_secret()
        );
        assert_eq!(
            found(&text),
            [
                first.expose_secret(),
                second.expose_secret(),
                first.expose_secret()
            ]
        );
        Ok(())
    }

    #[test]
    fn a_key_with_a_typo_is_still_a_candidate() -> Result<(), Error> {
        let key = ApiKey::generate(Environment::Development)?;
        let mut typo = key.expose_secret().as_bytes().to_vec();
        typo[20] = if typo[20] == b'a' { b'b' } else { b'a' };
        let typo = String::from_utf8_lossy(&typo).into_owned();
        assert_eq!(found(&format!("token = \"{typo}\"")), [typo.as_str()]);
        Ok(())
    }

    #[test]
    fn foreign_random_looking_keys_are_candidates() {
        let text = "Authorization: Bearer mcp_live_4eC39HqLyjWDarjtT1zdp7dc, next";
        assert_eq!(found(text), ["mcp_live_4eC39HqLyjWDarjtT1zdp7dc"]);
    }

    #[test]
    fn identifiers_that_start_with_mcp_are_not_candidates() {
        let text = "[mcp_servers.docs]\nmcp_server_configuration_file = 1\nmcp_x1";
        assert_eq!(found(text), Vec::<&str>::new());
    }

    #[test]
    fn mcp_inside_a_longer_word_is_not_a_candidate() -> Result<(), Error> {
        let key = ApiKey::generate(Environment::Development)?;
        for glued in ["x", "_", "-", "7"] {
            let text = format!("{glued}{}", key.expose_secret());
            assert_eq!(found(&text), Vec::<&str>::new(), "{glued}");
        }
        Ok(())
    }

    #[test]
    fn a_key_glued_to_more_token_characters_is_one_foreign_candidate() -> Result<(), Error> {
        let key = ApiKey::generate(Environment::Development)?;
        let text = format!("{}-suffix mcp_dev_", key.expose_secret());
        let token = format!("{}-suffix", key.expose_secret());
        assert_eq!(found(&text), [token.as_str()]);
        Ok(())
    }

    #[test]
    fn ranges_around_multibyte_text_are_on_character_boundaries() -> Result<(), Error> {
        let key = ApiKey::generate(Environment::Development)?;
        let text = format!("clé→{}←fin", key.expose_secret());
        assert_eq!(found(&text), [key.expose_secret()]);
        Ok(())
    }

    #[test]
    fn nothing_is_found_in_text_without_mcp() {
        assert_eq!(found(""), Vec::<&str>::new());
        assert_eq!(found("mcp"), Vec::<&str>::new());
        assert_eq!(
            found("MCP_DEV_abcdefghijklmnopqrstuvwxyz0123456789"),
            Vec::<&str>::new()
        );
    }
}
