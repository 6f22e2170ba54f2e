//! Feeds arbitrary bytes to every parser of the key format and checks that
//! none panics and that their answers agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_keys_core::{
    ApiKey, Fingerprint, KeyClass, ManagementToken, ParseError, classify, find_candidates,
};

fuzz_target!(|data: &[u8]| {
    // Config files are read lossily too, so this is the input they get.
    let text = String::from_utf8_lossy(data);

    let parsed = ApiKey::parse(&text);
    if let Ok(key) = &parsed {
        // A key that parses is its own canonical text.
        assert_eq!(key.expose_secret(), text);
        assert_eq!(ApiKey::parse(key.expose_secret()).as_ref(), Ok(key));
        assert!(text.starts_with(key.key_prefix()));
        assert!(text.ends_with(key.key_hint()));
        assert_eq!(key.fingerprint(), Fingerprint::of(&text));
    }

    match classify(&text) {
        KeyClass::Valid(key) => assert_eq!(Ok(key), parsed),
        KeyClass::ChecksumError { key_prefix } => {
            assert_eq!(parsed, Err(ParseError::Checksum));
            assert!(text.starts_with(&key_prefix));
        }
        KeyClass::Foreign => {
            assert!(text.starts_with(ApiKey::PREFIX));
            assert!(!matches!(parsed, Ok(_) | Err(ParseError::Checksum)));
        }
        KeyClass::NotMcp => assert!(!text.starts_with(ApiKey::PREFIX)),
    }

    if let Ok(token) = ManagementToken::parse(&text) {
        assert_eq!(token.expose_secret(), text);
        assert!(text.starts_with(token.token_prefix()));
    }

    if let Ok(fingerprint) = text.parse::<Fingerprint>() {
        assert_eq!(fingerprint.to_string(), text.to_ascii_lowercase());
    }

    let mut previous_end = 0;
    for range in find_candidates(&text) {
        assert!(
            range.start >= previous_end,
            "ranges overlap or go backwards"
        );
        let token = text.get(range.clone());
        assert!(token.is_some_and(|token| token.starts_with(ApiKey::PREFIX)));
        previous_end = range.end;
    }
});
