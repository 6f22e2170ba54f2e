//! The proof a key service gives that it holds a management token's
//! fingerprint, before a client sends it the token (DESIGN §3).
//!
//! Over plain HTTP (the embedded service on 127.0.0.1, a local
//! `mcp-keys serve`) nothing proves who listens on the port: when the
//! service failed to bind, any other program there would receive the token.
//! The client sends a fresh nonce and the token's public id; the service
//! answers with an HMAC of the nonce keyed by the token's fingerprint, which
//! only a service that stored the token (and the client, which has the
//! token) can compute.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Error, Fingerprint};

/// What the HMAC covers before the nonce, so a proof cannot be replayed as
/// anything else.
const CONTEXT: &str = "mcp-keys-identity-v1:";

/// Random bytes in a nonce (64 hex characters).
const NONCE_BYTES: usize = 32;

/// A fresh nonce from the OS CSPRNG, as lowercase hex.
pub fn identity_nonce() -> Result<String, Error> {
    let mut bytes = [0u8; NONCE_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// Whether `nonce` is one this protocol accepts: 64 to 128 lowercase hex
/// characters.
pub fn is_identity_nonce(nonce: &str) -> bool {
    (2 * NONCE_BYTES..=4 * NONCE_BYTES).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

/// The proof for `nonce`: lowercase hex HMAC-SHA256, keyed by the ASCII
/// bytes of the fingerprint's lowercase hex, of `mcp-keys-identity-v1:`
/// followed by the nonce.
pub fn identity_proof(fingerprint: &Fingerprint, nonce: &str) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(fingerprint.to_string().as_bytes()) else {
        return String::new();
    };
    mac.update(CONTEXT.as_bytes());
    mac.update(nonce.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{identity_nonce, identity_proof, is_identity_nonce};
    use crate::{Error, Fingerprint};

    #[test]
    fn a_proof_depends_on_the_fingerprint_and_the_nonce() -> Result<(), Error> {
        let (one, two) = (Fingerprint::of("mgmt_a"), Fingerprint::of("mgmt_b"));
        let nonce = identity_nonce()?;
        assert!(is_identity_nonce(&nonce));
        assert_eq!(identity_proof(&one, &nonce), identity_proof(&one, &nonce));
        assert_ne!(identity_proof(&one, &nonce), identity_proof(&two, &nonce));
        assert_ne!(
            identity_proof(&one, &nonce),
            identity_proof(&one, &identity_nonce()?)
        );
        assert_eq!(identity_proof(&one, &nonce).len(), 64);
        Ok(())
    }

    #[test]
    fn only_long_lowercase_hex_is_a_nonce() {
        assert!(!is_identity_nonce("abc"));
        assert!(!is_identity_nonce(&"A".repeat(64)));
        assert!(is_identity_nonce(&"a".repeat(64)));
        assert!(!is_identity_nonce(&"a".repeat(129)));
    }
}
