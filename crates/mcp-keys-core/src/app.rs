//! Facts about the running app that every front end shows the same way.

use serde::Serialize;
use ts_rs::TS;

/// The loopback port of the embedded local key service (DESIGN §6). Fixed, so
/// IDE configs that point at it keep working across restarts.
pub const DEFAULT_LOCAL_PORT: u16 = 7410;

/// How long the key service keeps an idle keep-alive connection (and waits
/// for a request's head) by default.
pub const SERVICE_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a client keeps an idle connection to the key service for reuse:
/// well under [`SERVICE_IDLE_TIMEOUT`], so it never sends a request on a
/// connection the service is closing at that moment (which fails the
/// request with a reset).
pub const CLIENT_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The longest grace period of a roll, during which the old key still
/// works: the key service refuses more, and every front end offers at most this.
pub const MAX_GRACE: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// The loopback port of the embedded local key service:
/// `MCP_KEYS_LOCAL_PORT` when it is set to a valid port, else
/// [`DEFAULT_LOCAL_PORT`].
pub fn local_port() -> u16 {
    std::env::var("MCP_KEYS_LOCAL_PORT")
        .ok()
        .and_then(|value| value.parse::<u16>().ok())
        .unwrap_or(DEFAULT_LOCAL_PORT)
}

/// Name, version and where the local key service listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    /// The product name.
    pub name: String,
    /// The version of the front end that answers (app or CLI).
    pub version: String,
    /// Which build: the commit and its date, or `unknown`.
    pub build: String,
    /// Base URL of the embedded local key service.
    pub local_service_url: String,
}

impl AppInfo {
    /// Describes this build, with the local port taken from
    /// `MCP_KEYS_LOCAL_PORT` when it is set to a valid port.
    pub fn current(version: &str, build: &str) -> Self {
        let port = local_port();
        Self {
            name: "MCP Keys".to_owned(),
            version: version.to_owned(),
            build: build.to_owned(),
            local_service_url: format!("http://127.0.0.1:{port}"),
        }
    }
}
