//! User preferences the backend applies.

use std::time::Duration;

/// How long a copied key stays on the clipboard when nothing says otherwise.
const DEFAULT_CLIPBOARD_CLEAR: Duration = Duration::from_secs(45);

/// Preferences read at startup.
#[derive(Debug, Clone)]
pub struct Settings {
    /// After this long a copied key is cleared from the clipboard, if the
    /// clipboard still holds it.
    pub clipboard_clear_after: Duration,
}

impl Settings {
    /// The defaults, with `MCP_KEYS_CLIPBOARD_CLEAR_SECONDS` (1 to 600)
    /// overriding the clipboard delay.
    pub fn from_env() -> Self {
        let clipboard_clear_after = std::env::var("MCP_KEYS_CLIPBOARD_CLEAR_SECONDS")
            .ok()
            .and_then(|value| value.parse::<u64>().ok())
            .filter(|seconds| (1..=600).contains(seconds))
            .map_or(DEFAULT_CLIPBOARD_CLEAR, Duration::from_secs);
        Self {
            clipboard_clear_after,
        }
    }
}
