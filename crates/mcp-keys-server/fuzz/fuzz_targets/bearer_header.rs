//! Feeds arbitrary `Authorization` headers (none, one or several values, any
//! bytes a header value may hold) to the bearer parser of the key service,
//! and checks that it never panics and that its answer is the one the
//! header spells.

#![no_main]

use http::{HeaderMap, HeaderValue, header};
use libfuzzer_sys::fuzz_target;
use mcp_keys_server::{Bearer, bearer};

fuzz_target!(|data: &[u8]| {
    // A 0 byte separates header values: it can never be part of one.
    let mut headers = HeaderMap::new();
    if !data.is_empty() {
        for value in data.split(|byte| *byte == 0) {
            if let Ok(value) = HeaderValue::from_bytes(value) {
                headers.append(header::AUTHORIZATION, value);
            }
        }
    }
    let values: Vec<&HeaderValue> = headers.get_all(header::AUTHORIZATION).iter().collect();

    match bearer(&headers) {
        Bearer::Missing => match values.as_slice() {
            [] => {}
            [value] => {
                // Only `Bearer` with nothing after it counts as missing.
                let text = value.to_str().expect("a missing credential is text");
                assert!(text.trim().eq_ignore_ascii_case("bearer"), "{text:?}");
            }
            _ => panic!("several headers are malformed, not missing"),
        },
        Bearer::Malformed => assert!(!values.is_empty(), "no header is missing, not malformed"),
        Bearer::Credential(credential) => {
            let [value] = values.as_slice() else {
                panic!("a credential comes from exactly one header");
            };
            let text = value.to_str().expect("a credential is text");
            assert!(!credential.is_empty());
            assert_eq!(credential, credential.trim(), "credentials are trimmed");
            let (scheme, rest) = text
                .trim()
                .split_once(' ')
                .expect("a credential follows a scheme and a space");
            assert!(scheme.eq_ignore_ascii_case("bearer"), "{text:?}");
            assert_eq!(credential, rest.trim(), "the credential is all of the rest");
        }
    }
});
