//! When to write a key's `lastUsedAt`: at most once a minute per key, so a
//! busy key costs one database write a minute, not one per request.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The shortest time between two recorded uses of one key.
const INTERVAL: Duration = Duration::from_secs(60);

/// Remembers when each key's use was last written by this instance.
#[derive(Debug, Default)]
pub struct UsageThrottle {
    last: Mutex<HashMap<String, Instant>>,
}

impl UsageThrottle {
    /// Whether a use of `key_id` now should be written; if so, it counts as
    /// written from now on.
    pub fn should_record(&self, key_id: &str) -> bool {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        match last.get(key_id) {
            Some(at) if now.duration_since(*at) < INTERVAL => false,
            _ => {
                last.insert(key_id.to_owned(), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UsageThrottle;

    #[test]
    fn a_key_is_recorded_once_within_a_minute_and_keys_are_independent() {
        let throttle = UsageThrottle::default();
        assert!(throttle.should_record("a"));
        assert!(!throttle.should_record("a"));
        assert!(throttle.should_record("b"));
    }
}
