//! Feeds arbitrary text to the config parsers of every format, extracts keys
//! and references as each client would, and splices a new key over every
//! key found. Checks that nothing panics, that spans are in bounds, on
//! character boundaries and hold the key they describe, and that an edit
//! changes exactly the key's bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

use mcp_keys_core::{ApiKey, Environment, Fingerprint};
use mcp_keys_ide::edit::splice;
use mcp_keys_ide::{Found, extract, registry};

/// A valid key to splice in, generated once per run: keys are never committed.
static NEW_KEY: LazyLock<String> = LazyLock::new(|| {
    ApiKey::generate(Environment::Development)
        .expect("the OS random number generator works")
        .expose_secret()
        .to_owned()
});

fuzz_target!(|data: &[u8]| {
    // The first byte picks the client and location; the rest is the file.
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let clients = registry::clients();
    let spec = &clients[usize::from(choice) % clients.len()];
    let location = &spec.locations[usize::from(choice / 16) % spec.locations.len()];
    let env = std::collections::HashMap::new();
    let Ok(items) = extract(spec, location, &text, &env) else {
        return;
    };
    for item in &items {
        if let Found::Plaintext { key, span } = &item.found {
            let token = text.get(span.clone()).expect("span on character boundaries");
            assert_eq!(Fingerprint::of(token), key.fingerprint);
            let edited = splice(&text, std::slice::from_ref(span), &NEW_KEY);
            assert_eq!(&edited[..span.start], &text[..span.start]);
            assert_eq!(&edited[span.start + NEW_KEY.len()..], &text[span.end..]);
            // The edited text still parses in the same format: a key is
            // made of token characters only, so it cannot break a literal.
            assert!(
                extract(spec, location, &edited, &env).is_ok(),
                "an edit kept the file parseable"
            );
        }
    }
});
