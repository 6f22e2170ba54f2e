//! The key format of DESIGN §2: `mcp_<env>_<id><secret><check>` for API keys
//! and `mgmt_<id><secret><check>` for management tokens.
//!
//! Both share the same body (8 id, 32 secret and 6 check characters, all
//! base62) and differ only in what comes before it. The check is the CRC32 of
//! all the text before it, so a typo is caught without asking a server.

mod api_key;
mod base62;
mod body;
mod checksum;
mod classify;
mod find;
mod management_token;
mod random;

pub use random::random_base62;

pub use api_key::ApiKey;
pub use classify::{KeyClass, classify};
pub use find::find_candidates;
pub use management_token::ManagementToken;
