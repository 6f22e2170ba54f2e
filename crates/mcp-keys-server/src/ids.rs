//! Ids of products, surfaces and events.

/// A new UUIDv7 as text. Its leading bits are the creation time, so ids sort
/// (and index) in creation order, and pages of a list stay stable.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
