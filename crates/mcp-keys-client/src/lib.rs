//! MCP Keys management API client (reqwest): typed calls for every endpoint
//! of DESIGN §3, against `mcp-keys serve`, the desktop app's embedded key
//! service, or Runtype's public API.
//!
//! - [`Client`] holds the base URL and a bearer token (never printed), with
//!   timeouts (connect 5 s, whole call 30 s) and a [`RetryPolicy`]:
//!   idempotent calls are retried with capped, jittered exponential backoff
//!   on connection failures, 502/503/504 and a short 429; creates and rolls
//!   never are.
//! - Lists come a page at a time (`list_…`) or whole (`list_…_all`, which
//!   follows `nextCursor`).
//! - Every failure is an [`Error`] that names its cause, with a stable
//!   [`Error::code`].
//! - Our extensions (key by id, key lists, roll, identify, verify, events)
//!   may be missing on Runtype: those calls answer [`Error::Unsupported`],
//!   and a roll degrades to create-now-revoke-later, which the caller is
//!   told through [`RollOutcome::Degraded`] and a [`PendingRevocation`].
//!   How a missing route is told from a missing key is documented in the
//!   `extension` module (and summarized on [`Client::roll_key`]).
//! - OAuth mode (DESIGN §9): pending authorizations to approve or deny, and
//!   the grants of a surface; [`Error::Unsupported`] on servers without it.
//!
//! A plaintext key exists only in [`CreatedKey::key`] (an [`mcp_keys_core::ApiKey`]),
//! which is neither `Serialize` nor printed by `Debug`.

#![deny(missing_docs)]

mod api;
/// A stdio MCP server forwarding to a surface's Streamable HTTP endpoint (`mcp-keys bridge`).
pub mod bridge;
mod client;
mod error;
mod events;
mod extension;
mod identity;
mod keys;
mod oauth;
mod pages;
mod products;
mod retry;
mod roll;
mod surfaces;
mod tokens;
mod transport;
mod verification;

pub use api::{
    AuthMode, CreatedKey, CreatedToken, Event, EventFilter, EventType, Grant, IdentifiedKey, Item,
    ItemKind, KeyMetadata, NewKey, NewSurface, OAuthRequest, Page, PageRequest, Pagination,
    Product, RolledKey, Surface, SurfaceFilter, SurfaceStatus, SurfaceUpdate, TokenMetadata,
    UnknownAuthMode, UpstreamState, UpstreamStatus, VerifyRequest, VerifyResult,
};
pub use client::{Client, ClientBuilder};
pub use error::Error;
pub use retry::RetryPolicy;
pub use roll::{DegradedRoll, PendingRevocation, RollOutcome};
