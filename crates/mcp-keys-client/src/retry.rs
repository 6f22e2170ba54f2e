//! When and how long to wait before trying an idempotent call again.
//!
//! Only calls that can run twice without a second effect are retried: GET,
//! PUT, DELETE, and the read-only POSTs `identify` and `verify`. Creating a
//! product, surface, capability or key, and rolling a key, are never
//! retried: a lost answer would otherwise make two of them (and a key whose
//! plaintext nobody saw).

use std::time::Duration;

/// How an idempotent call is retried: on connection failures and timeouts,
/// 502, 503 and 504, and 429 when the server asks for a short wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles for each further one.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// The longest `Retry-After` of a 429 that is waited out; a longer one
    /// is returned as [`Error::RateLimited`](crate::Error::RateLimited) at
    /// once, so a person is told instead of left waiting.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait after failed attempt number `attempt` (1-based): exponential,
    /// capped, with "equal jitter" (half fixed, half random) so clients that
    /// failed together do not come back together.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let doubling = 2u32.saturating_pow(attempt.saturating_sub(1));
        let wait = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        let half = wait / 2;
        half + half.mul_f64(unit_random())
    }
}

/// A random number in `[0, 1)`; 0.5 if the OS generator fails, which only
/// makes the jitter less random.
fn unit_random() -> f64 {
    let bits = getrandom::u32().unwrap_or(u32::MAX / 2);
    f64::from(bits) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::RetryPolicy;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(1),
        };
        for (attempt, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (9, 1000)] {
            let wait = policy.backoff(attempt);
            let full = Duration::from_millis(full);
            assert!(
                wait >= full / 2 && wait <= full,
                "attempt {attempt}: {wait:?} is within half and all of {full:?}"
            );
        }
    }
}
