//! The JSON shapes of the management API (DESIGN §3), as the client reads
//! and writes them: camelCase, `type` for a kind, RFC 3339 timestamps.
//!
//! Reading is lenient so the same types serve Runtype's public API: fields
//! that may be missing default, unknown fields are ignored, and enumerations
//! that may grow have an `Unknown` variant instead of failing the whole
//! answer. The types the desktop UI shows are exported to TypeScript.

mod event;
mod identify;
mod key;
mod oauth;
mod page;
mod product;
mod request;
mod surface;
mod token;
mod verify;

pub use event::{Event, EventFilter, EventType};
pub use identify::IdentifiedKey;
pub use key::{CreatedKey, KeyMetadata, RolledKey};
pub use oauth::{Grant, OAuthRequest};
pub use page::{Page, PageRequest, Pagination};
pub use product::Product;
pub use request::{NewKey, NewSurface, SurfaceFilter, SurfaceUpdate};
pub use surface::{
    AuthMode, Item, ItemKind, Surface, SurfaceStatus, UnknownAuthMode, UpstreamState,
    UpstreamStatus,
};
pub use token::{CreatedToken, TokenMetadata};
pub use verify::{VerifyRequest, VerifyResult};
