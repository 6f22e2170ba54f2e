//! When to write a key's `lastUsedAt`, and which client to name: at most
//! once a minute per key (a busy key costs one database write a minute,
//! not one per request), sooner when another client uses the key.
//!
//! The MCP endpoint is stateless, so a client names itself (`clientInfo`)
//! only in its `initialize`; later requests carry only a User-Agent, which
//! for proxies such as `mcp-remote` is their HTTP library (`undici`). The
//! name given in `initialize` is remembered per key and User-Agent, so the
//! requests that follow are credited to the same client.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The shortest time between two recorded uses of one key by one client.
const INTERVAL: Duration = Duration::from_secs(60);

/// How many (key, User-Agent) pairs keep their client's name; past it the
/// memory starts again (a later request is then named by its User-Agent
/// until its client initializes again).
const MAX_REMEMBERED: usize = 10_000;

/// Remembers when each key's use was last written by this instance, and
/// the client names given in `initialize`.
#[derive(Debug, Default)]
pub struct UsageThrottle {
    last: Mutex<HashMap<String, (Instant, Option<String>)>>,
    names: Mutex<HashMap<(String, String), String>>,
}

impl UsageThrottle {
    /// The client to credit a request with key `key_id` to: the
    /// `clientInfo` name it gives (remembered), else the name given earlier
    /// with the same key and User-Agent, else the User-Agent.
    pub fn client(
        &self,
        key_id: &str,
        client_info: Option<&str>,
        user_agent: Option<&str>,
    ) -> Option<String> {
        let pair = (key_id.to_owned(), user_agent.unwrap_or_default().to_owned());
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(name) = client_info {
            if names.len() >= MAX_REMEMBERED && !names.contains_key(&pair) {
                names.clear();
            }
            names.insert(pair, name.to_owned());
            return Some(name.to_owned());
        }
        names
            .get(&pair)
            .cloned()
            .or_else(|| user_agent.map(str::to_owned))
    }

    /// Whether a use of `key_id` by `client` now should be written; if so,
    /// it counts as written from now on.
    pub fn should_record(&self, key_id: &str, client: Option<&str>) -> bool {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        match last.get(key_id) {
            Some((at, recorded))
                if now.duration_since(*at) < INTERVAL && recorded.as_deref() == client =>
            {
                false
            }
            _ => {
                last.insert(key_id.to_owned(), (now, client.map(str::to_owned)));
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
        assert!(throttle.should_record("a", Some("cursor")));
        assert!(!throttle.should_record("a", Some("cursor")));
        assert!(throttle.should_record("b", Some("cursor")));
    }

    #[test]
    fn another_client_of_the_same_key_is_recorded_at_once() {
        let throttle = UsageThrottle::default();
        assert!(throttle.should_record("a", Some("cursor")));
        assert!(throttle.should_record("a", Some("claude-code")));
    }

    #[test]
    fn requests_after_initialize_keep_the_client_name_not_the_http_library() {
        let throttle = UsageThrottle::default();
        assert_eq!(
            throttle.client("a", Some("Cursor (via mcp-remote)"), Some("undici")),
            Some("Cursor (via mcp-remote)".to_owned())
        );
        assert_eq!(
            throttle.client("a", None, Some("undici")),
            Some("Cursor (via mcp-remote)".to_owned())
        );
        // Another key, or another User-Agent, is another client.
        assert_eq!(
            throttle.client("b", None, Some("undici")),
            Some("undici".to_owned())
        );
        assert_eq!(
            throttle.client("a", None, Some("curl/8")),
            Some("curl/8".to_owned())
        );
        assert_eq!(throttle.client("a", None, None), None);
    }
}
