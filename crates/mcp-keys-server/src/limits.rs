//! Rate limits: failed authentications per client address, and each key's
//! own requests per minute and per day (governor, GCRA).
//!
//! The counters live in this instance's memory. Behind a load balancer each
//! instance counts on its own, so the effective limit is at most the
//! configured one times the number of instances.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::db::StoredKey;

/// Past this many tracked addresses, entries that no longer limit anything
/// are dropped, so a scan from many addresses cannot grow memory for ever.
const PRUNE_ABOVE: usize = 4096;

/// Which of a key's own limits was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLimit {
    /// `rateLimitPerMinute`.
    PerMinute,
    /// `rateLimitPerDay`.
    PerDay,
}

impl KeyLimit {
    /// The `reason` of the 429 body.
    pub fn reason(self) -> &'static str {
        match self {
            Self::PerMinute => "rate_limit_per_minute",
            Self::PerDay => "rate_limit_per_day",
        }
    }
}

/// The rate limiters of one instance.
#[derive(Debug)]
pub struct Limits {
    failures: DefaultKeyedRateLimiter<IpAddr>,
    /// Addresses over their failure quota, until when. While blocked, an
    /// address's failing requests are answered 429 (not 401), so a guesser
    /// learns nothing more; a request with valid credentials still passes,
    /// since the address may be shared (127.0.0.1 is every local program).
    blocked: Mutex<HashMap<IpAddr, Instant>>,
    keys: Mutex<HashMap<String, Arc<KeyLimiter>>>,
}

#[derive(Debug)]
struct KeyLimiter {
    quotas: (Option<u32>, Option<u32>),
    per_minute: Option<DefaultDirectRateLimiter>,
    per_day: Option<DefaultDirectRateLimiter>,
}

impl Limits {
    /// Limits that allow `failures_per_minute` failed authentications per
    /// address and minute (all at once at most, then one per interval).
    pub fn new(failures_per_minute: NonZeroU32) -> Self {
        Self {
            failures: RateLimiter::keyed(Quota::per_minute(failures_per_minute)),
            blocked: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` while `address` is blocked for too many failures.
    pub fn check_address(&self, address: IpAddr) -> Result<(), Duration> {
        let blocked = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        match blocked.get(&address) {
            Some(until) => {
                let wait = until.saturating_duration_since(Instant::now());
                if wait.is_zero() { Ok(()) } else { Err(wait) }
            }
            None => Ok(()),
        }
    }

    /// Counts a failed authentication from `address`; `Err(wait)` when it
    /// is one too many, and the address is then blocked for `wait`.
    pub fn record_failure(&self, address: IpAddr) -> Result<(), Duration> {
        let Err(not_until) = self.failures.check_key(&address) else {
            return Ok(());
        };
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let now = Instant::now();
        let mut blocked = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        if blocked.len() > PRUNE_ABOVE {
            blocked.retain(|_, until| *until > now);
            self.failures.retain_recent();
        }
        blocked.insert(address, now + wait);
        Err(wait)
    }

    /// Counts one request with `key` against its own limits.
    pub fn check_key(&self, key: &StoredKey) -> Result<(), (KeyLimit, Duration)> {
        let quotas = (key.rate_limit_per_minute, key.rate_limit_per_day);
        if quotas == (None, None) {
            return Ok(());
        }
        let limiter = {
            let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
            let limiter = keys
                .entry(key.id.clone())
                .or_insert_with(|| Arc::new(KeyLimiter::new(quotas)));
            if limiter.quotas != quotas {
                *limiter = Arc::new(KeyLimiter::new(quotas));
            }
            Arc::clone(limiter)
        };
        let now = DefaultClock::default().now();
        for (which, limiter) in [
            (KeyLimit::PerMinute, &limiter.per_minute),
            (KeyLimit::PerDay, &limiter.per_day),
        ] {
            if let Some(Err(not_until)) = limiter.as_ref().map(RateLimiter::check) {
                return Err((which, not_until.wait_time_from(now)));
            }
        }
        Ok(())
    }
}

impl KeyLimiter {
    fn new(quotas: (Option<u32>, Option<u32>)) -> Self {
        let direct = |quota: Option<Quota>| quota.map(RateLimiter::direct);
        Self {
            quotas,
            per_minute: direct(quotas.0.and_then(NonZeroU32::new).map(Quota::per_minute)),
            per_day: direct(quotas.1.and_then(NonZeroU32::new).and_then(per_day)),
        }
    }
}

/// `count` requests a day, all of them usable at once.
fn per_day(count: NonZeroU32) -> Option<Quota> {
    Quota::with_period(Duration::from_secs(86_400) / count.get())
        .map(|quota| quota.allow_burst(count))
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};
    use std::num::NonZeroU32;

    use super::Limits;

    #[test]
    fn an_address_is_blocked_after_its_quota_of_failures() {
        let limits = Limits::new(NonZeroU32::MIN.saturating_add(2));
        let address = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..3 {
            assert_eq!(limits.check_address(address), Ok(()));
            assert_eq!(limits.record_failure(address), Ok(()));
        }
        let wait = limits.record_failure(address).err();
        assert!(wait.is_some_and(|wait| !wait.is_zero()), "{wait:?}");
        assert!(limits.check_address(address).is_err());
        // Another address is not affected.
        assert_eq!(
            limits.check_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2))),
            Ok(())
        );
    }
}
