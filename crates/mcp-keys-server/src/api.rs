//! The JSON shapes of the management API (DESIGN §3), camelCase on the wire.

mod event;
mod key;
mod oauth;
mod page;
mod product;
mod surface;
mod token;

pub use event::{Event, EventType};
pub use key::{CreatedKey, KeyMetadata, RolledKey};
pub use oauth::{Grant, OAuthRequest};
pub use page::{Page, PageRequest, Pagination};
pub use product::Product;
pub use surface::{AuthMode, Item, ItemKind, Surface, SurfaceStatus};
pub use token::{CreatedToken, TokenMetadata};
