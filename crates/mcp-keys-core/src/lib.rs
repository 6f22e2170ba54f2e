//! MCP Keys core: the key format of DESIGN §2 and the domain types shared by
//! the desktop app, the CLI and the key service. No I/O beyond the OS CSPRNG,
//! and no dependency on Tauri.
//!
//! A key is `mcp_<env>_<id><secret><check>`: a public prefix, 32 random base62
//! characters and a CRC32 check that catches typos offline. [`ApiKey`] and
//! [`ManagementToken`] only exist in checked form, always hold their text in a
//! [`Sensitive`] buffer, and are compared in constant time.
//!
//! ```
//! use mcp_keys_core::{ApiKey, Environment, KeyClass, classify};
//!
//! let key = ApiKey::generate(Environment::Production)?;
//! assert!(key.key_prefix().starts_with("mcp_prod_"));
//!
//! // What a server keeps instead of the key.
//! let fingerprint = key.fingerprint();
//! assert_eq!(fingerprint.to_string().len(), 64);
//!
//! // The key text itself is only reachable on purpose.
//! let parsed: ApiKey = key.expose_secret().parse()?;
//! assert_eq!(parsed, key);
//! assert!(matches!(classify(key.expose_secret()), KeyClass::Valid(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod app;
mod constant_time;
mod control;
mod environment;
mod error;
mod error_kind;
mod fingerprint;
mod identity;
mod key;
mod parse_error;
mod sensitive;
mod upstream;

pub use app::{
    AppInfo, CLIENT_IDLE_TIMEOUT, DEFAULT_LOCAL_PORT, MAX_GRACE, SERVICE_IDLE_TIMEOUT, local_port,
};
pub use constant_time::constant_time_eq;
pub use control::is_control_or_bidi;
pub use environment::Environment;
pub use error::Error;
pub use error_kind::ErrorKind;
pub use fingerprint::Fingerprint;
pub use identity::{identity_nonce, identity_proof, is_identity_nonce};
pub use key::{ApiKey, KeyClass, ManagementToken, classify, find_candidates, random_base62};
pub use parse_error::ParseError;
pub use sensitive::Sensitive;
pub use upstream::{
    FILESYSTEM_SERVER_PACKAGE, MAX_SECRET_NAME, MAX_UPSTREAM_ENTRIES, MAX_UPSTREAM_TEXT,
    NamedSecret, Upstream, UpstreamChoice, UpstreamSecretChoice, UpstreamSessions, UpstreamValue,
    is_secret_name, names_a_credential, split_command_line,
};
