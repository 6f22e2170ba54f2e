//! Why a call to a key service failed, in words a person can act on.

use std::time::Duration;

use mcp_keys_core::ErrorKind;

/// Why a call failed. Each variant names the cause; library errors are kept
/// as sources (for `{:#}` chains and logs), never as the whole message.
/// [`Error::kind`] classifies it for the CLI and the desktop app.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The base URL is not an `http(s)://` URL this client may use.
    #[error("`{url}` is not a usable key service URL: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The token cannot be sent in an HTTP header (it has control characters).
    #[error("the token contains characters that cannot be sent in an HTTP header")]
    InvalidToken,
    /// The HTTP client could not be set up (the TLS backend failed to start).
    #[error("the HTTP client could not be set up")]
    Setup(#[source] reqwest::Error),
    /// No answer: the connection was refused, the name did not resolve, TLS
    /// failed, or the server did not answer within the timeout.
    #[error("cannot reach the key service at {url}")]
    Unreachable {
        /// The URL that was asked.
        url: String,
        /// What the HTTP library saw.
        #[source]
        source: reqwest::Error,
    },
    /// Over plain HTTP, whatever answers at the URL did not prove that it is
    /// the MCP Keys service holding this token: another program may hold the
    /// port. The token was not sent.
    #[error(
        "the service at {url} did not prove it is MCP Keys; another program may be listening \
         on that port (the management token was not sent)"
    )]
    NotOurService {
        /// The URL that was asked.
        url: String,
    },
    /// 401 or 403 on the management API: the token is wrong, revoked, or not
    /// allowed to do this.
    #[error("the key service rejected the management token (HTTP {status})")]
    TokenRejected {
        /// 401 or 403.
        status: u16,
    },
    /// 404: no such product, surface or key.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, with its id.
        what: String,
    },
    /// 429: too many requests (or too many failed authentications from this
    /// address). Retry after `retry_after` when the server said.
    #[error("the key service is rate limiting requests{}", match retry_after {
        Some(wait) => format!("; retry in {} s", wait.as_secs().max(1)),
        None => String::new(),
    })]
    RateLimited {
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// 400, 409, 413 or 422: the server refused the request as it is; its
    /// message says why (`scope "x" is not a capability of this surface`).
    #[error("the key service refused the request: {message}")]
    InvalidRequest {
        /// The HTTP status.
        status: u16,
        /// The server's `error.message`.
        message: String,
    },
    /// 5xx: the server failed.
    #[error("the key service failed (HTTP {status}): {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's `error.message`, or the status's name.
        message: String,
    },
    /// The server lacks an extension of our service (Runtype's public API):
    /// key lookup by id, identify, or events.
    #[error("the key service does not support {feature}")]
    Unsupported {
        /// What is missing, in words.
        feature: &'static str,
    },
    /// The answer was not what the API promises: not JSON, a missing field,
    /// an unexpected status or a redirect.
    #[error("unexpected answer from the key service: {message}")]
    Protocol {
        /// What was unexpected.
        message: String,
    },
}

impl Error {
    /// What kind of failure this is. A 409 is a conflict with the current
    /// state (a name taken, a key already revoked), not bad input.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidUrl { .. } | Self::InvalidToken => ErrorKind::InvalidInput,
            Self::Setup(_) => ErrorKind::Internal,
            Self::Unreachable { .. } | Self::NotOurService { .. } => ErrorKind::Unreachable,
            Self::TokenRejected { .. } => ErrorKind::TokenRejected,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::InvalidRequest { status: 409, .. } => ErrorKind::Conflict,
            Self::InvalidRequest { .. } => ErrorKind::InvalidInput,
            Self::Server { .. } | Self::Protocol { .. } => ErrorKind::ServerError,
            Self::Unsupported { .. } => ErrorKind::Unsupported,
        }
    }

    /// How long the server asked to wait, for a rate limit that said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// A protocol error with `message`.
    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Self::Protocol {
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mcp_keys_core::ErrorKind;

    use super::Error;

    #[test]
    fn a_rate_limit_names_the_wait_in_seconds() {
        let error = Error::RateLimited {
            retry_after: Some(Duration::from_secs(42)),
        };
        assert_eq!(
            error.to_string(),
            "the key service is rate limiting requests; retry in 42 s"
        );
        assert_eq!(error.kind(), ErrorKind::RateLimited);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(42)));
    }

    #[test]
    fn a_409_is_a_conflict_and_other_refusals_are_bad_input() {
        let refused = |status| Error::InvalidRequest {
            status,
            message: "no".into(),
        };
        assert_eq!(refused(409).kind(), ErrorKind::Conflict);
        assert_eq!(refused(400).kind(), ErrorKind::InvalidInput);
        assert_eq!(refused(422).kind(), ErrorKind::InvalidInput);
    }
}
