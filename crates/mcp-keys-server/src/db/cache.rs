//! A short-lived, bounded cache of verified keys, so a busy key does not
//! cost a database read on every request.
//!
//! The bound: an entry is trusted for at most [`TTL`] after the database
//! read that produced it began. Invalidation (a revocation, a roll, a
//! surface update; on PostgreSQL also the NOTIFY of another instance) drops
//! entries at once; the TTL is what remains if a notification is lost, so a
//! revoked key can pass on another instance for at most 3 seconds, and never
//! on the instance that revoked it.
//!
//! A read that began before an invalidation must not store what it read: it
//! may be the row as it was before the revocation committed. Every
//! invalidation bumps a generation, and a fill is stored only if the
//! generation is still the one it saw before reading.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::StoredKey;

/// How long a verified key is trusted without reading the database again.
pub const TTL: Duration = Duration::from_secs(3);

/// How many keys are kept; beyond it, the oldest entry makes room.
const CAPACITY: usize = 10_000;

/// How many invalidations a slow listener may fall behind by; one that
/// falls further hears that everything changed.
const INVALIDATIONS_BUFFER: usize = 256;

/// What an invalidation made stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalidated {
    /// One key (revoked, rolled, changed).
    Key(String),
    /// Every key (a surface changed, or notifications were lost).
    Every,
}

/// Verified keys by key id.
pub struct VerificationCache {
    inner: Mutex<Inner>,
    /// Told of every invalidation, for what else holds on to a key (the
    /// MCP sessions opened with it).
    invalidated: tokio::sync::broadcast::Sender<Invalidated>,
}

impl Default for VerificationCache {
    fn default() -> Self {
        Self {
            inner: Mutex::default(),
            invalidated: tokio::sync::broadcast::Sender::new(INVALIDATIONS_BUFFER),
        }
    }
}

#[derive(Default)]
struct Inner {
    generation: u64,
    entries: HashMap<String, (Instant, StoredKey)>,
    /// Key ids in the order they were filled, with their fill's time: the
    /// oldest go first, in constant time per fill (a scan of every entry
    /// on each fill made a cache under a stream of misses cost more than
    /// the database reads it saves). An id whose entry was filled again or
    /// dropped since is skipped when it comes up.
    order: VecDeque<(Instant, String)>,
}

impl Inner {
    /// Drops the entry `order` names at its front, if it is still that fill.
    fn pop_oldest(&mut self) {
        if let Some((read_at, key_id)) = self.order.pop_front()
            && self
                .entries
                .get(&key_id)
                .is_some_and(|(filled, _)| *filled == read_at)
        {
            self.entries.remove(&key_id);
        }
    }
}

/// Taken before a database read; allows storing its result only if nothing
/// was invalidated meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    generation: u64,
    read_at: Instant,
}

// Only the size: the entries are nothing a log needs.
impl fmt::Debug for VerificationCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationCache")
            .field("len", &self.lock().entries.len())
            .finish()
    }
}

impl VerificationCache {
    /// The key `key_id` if it was read less than [`TTL`] ago.
    pub fn get(&self, key_id: &str) -> Option<StoredKey> {
        let inner = self.lock();
        let (read_at, key) = inner.entries.get(key_id)?;
        (read_at.elapsed() < TTL).then(|| key.clone())
    }

    /// Call before reading a key from the database.
    pub fn ticket(&self) -> Ticket {
        Ticket {
            generation: self.lock().generation,
            read_at: Instant::now(),
        }
    }

    /// Stores `key`, read under `ticket`, unless an invalidation happened
    /// since the ticket was taken.
    pub fn insert(&self, ticket: Ticket, key: StoredKey) {
        let id = key.id.clone();
        self.insert_as(ticket, id, key);
    }

    /// Stores `key` under `cache_key` (an OAuth access token's, whose
    /// verification is its grant's), read under `ticket`, unless an
    /// invalidation happened since the ticket was taken.
    pub fn insert_as(&self, ticket: Ticket, cache_key: String, key: StoredKey) {
        let mut inner = self.lock();
        if inner.generation != ticket.generation {
            return;
        }
        while inner
            .order
            .front()
            .is_some_and(|(read_at, _)| read_at.elapsed() >= TTL)
        {
            inner.pop_oldest();
        }
        while (inner.entries.len() >= CAPACITY || inner.order.len() >= 2 * CAPACITY)
            && !inner.order.is_empty()
        {
            inner.pop_oldest();
        }
        inner.order.push_back((ticket.read_at, cache_key.clone()));
        inner.entries.insert(cache_key, (ticket.read_at, key));
    }

    /// Drops key `key_id` and refuses every fill that began before now.
    pub fn forget(&self, key_id: &str) {
        {
            let mut inner = self.lock();
            inner.generation += 1;
            inner.entries.remove(key_id);
            // An OAuth grant's tokens are cached under their own ids.
            if crate::oauth::is_grant_id(key_id) {
                inner.entries.retain(|_, (_, key)| key.id != key_id);
            }
        }
        // Nobody listening is no error.
        let _ = self.invalidated.send(Invalidated::Key(key_id.to_owned()));
    }

    /// Drops every key and refuses every fill that began before now.
    pub fn clear(&self) {
        {
            let mut inner = self.lock();
            inner.generation += 1;
            inner.entries.clear();
            inner.order.clear();
        }
        let _ = self.invalidated.send(Invalidated::Every);
    }

    /// Hears of every invalidation from now on.
    pub fn invalidations(&self) -> tokio::sync::broadcast::Receiver<Invalidated> {
        self.invalidated.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The map stays consistent even if a holder panicked: every update
        // is a single insert or remove.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::{Environment, Fingerprint};

    use super::VerificationCache;
    use crate::api::SurfaceStatus;
    use crate::db::StoredKey;

    fn key(id: &str) -> StoredKey {
        StoredKey {
            id: id.into(),
            surface_id: "s1".into(),
            product_id: "p1".into(),
            fingerprint: Fingerprint::of("x"),
            environment: Environment::Development,
            scopes: Vec::new(),
            revoked_at: None,
            expires_at: None,
            surface_status: SurfaceStatus::Active,
            surface_environment: Environment::Development,
            surface_auth_mode: crate::api::AuthMode::ApiKey,
            rate_limit_per_minute: None,
            rate_limit_per_day: None,
        }
    }

    #[test]
    fn a_fill_is_served_until_it_is_forgotten() {
        let cache = VerificationCache::default();
        cache.insert(cache.ticket(), key("a"));
        assert!(cache.get("a").is_some());
        cache.forget("a");
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn a_read_that_began_before_an_invalidation_is_not_stored() {
        let cache = VerificationCache::default();
        let ticket = cache.ticket();
        // A revocation of any key commits while the read is in flight.
        cache.forget("other");
        cache.insert(ticket, key("a"));
        assert!(
            cache.get("a").is_none(),
            "the row read may predate the revocation"
        );
    }

    #[test]
    fn a_full_cache_makes_room_by_dropping_its_oldest_fill() {
        let cache = VerificationCache::default();
        for n in 0..=super::CAPACITY {
            cache.insert(cache.ticket(), key(&format!("k{n}")));
        }
        assert!(cache.get("k0").is_none(), "the oldest fill made room");
        assert!(cache.get("k1").is_some());
        assert!(cache.get(&format!("k{}", super::CAPACITY)).is_some());
    }

    #[test]
    fn a_key_filled_again_is_not_dropped_for_its_earlier_fill() {
        let cache = VerificationCache::default();
        cache.insert(cache.ticket(), key("again"));
        for n in 1..super::CAPACITY - 1 {
            cache.insert(cache.ticket(), key(&format!("k{n}")));
        }
        cache.insert(cache.ticket(), key("again"));
        cache.insert(cache.ticket(), key("full"));
        // Full: the oldest in line is the first fill of "again", which its
        // second replaced; the next oldest makes room.
        cache.insert(cache.ticket(), key("one more"));
        assert!(cache.get("again").is_some());
        assert!(cache.get("k1").is_none());
    }

    #[test]
    fn clearing_drops_every_key() {
        let cache = VerificationCache::default();
        cache.insert(cache.ticket(), key("a"));
        cache.insert(cache.ticket(), key("b"));
        cache.clear();
        assert!(cache.get("a").is_none() && cache.get("b").is_none());
    }
}
