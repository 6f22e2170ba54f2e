//! One call: the URL, the attempts with their backoff, and how an HTTP
//! status becomes an [`Error`].

use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Client, Error};

/// Whether a call may be sent again after a failure: see [`crate::RetryPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// GET, PUT, DELETE, identify, verify.
    Idempotent,
    /// Every create, and roll.
    Never,
}

/// A whole answer: the body is small and read before it is looked at.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The longest part of a server's message kept in an error: enough for a
/// sentence, not a page of HTML.
const MAX_MESSAGE_CHARS: usize = 300;

impl Client {
    /// The URL of `segments` under the base URL, each one percent-encoded
    /// (an id cannot add a path segment), with `query`.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&'static str, String)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(name, value)| (*name, value.as_str())));
        }
        url
    }

    /// Sends a request, retrying as `retry` allows, and returns the answer
    /// whatever its status. Fails only when no answer came.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        retry: Retry,
    ) -> Result<Answer, Error> {
        self.prove_identity().await?;
        let attempts = match retry {
            Retry::Idempotent => self.retry.max_attempts.max(1),
            Retry::Never => 1,
        };
        let mut attempt = 1;
        loop {
            let last = attempt >= attempts;
            let wait = match self
                .attempt(method.clone(), url.clone(), body.clone())
                .await
            {
                Ok(answer) => match self.retry_wait(&answer, attempt) {
                    Some(wait) if !last => {
                        tracing::debug!(%method, path = url.path(), status = %answer.status, attempt, "retrying");
                        wait
                    }
                    _ => return Ok(answer),
                },
                Err(source) if !last && (source.is_connect() || source.is_timeout()) => {
                    tracing::debug!(%method, path = url.path(), attempt, "retrying after a connection failure");
                    self.retry.backoff(attempt)
                }
                Err(source) => {
                    return Err(Error::Unreachable {
                        url: self.base.to_string(),
                        source,
                    });
                }
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .request(method, url)
            .header(header::AUTHORIZATION, self.authorization.clone())
            .header(header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// How long to wait before trying again after `answer`, or `None` when
    /// it is final: 502, 503, 504 with backoff; 429 when the server asks
    /// for a wait short enough to sit out.
    fn retry_wait(&self, answer: &Answer, attempt: u32) -> Option<Duration> {
        match answer.status {
            StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT => Some(self.retry.backoff(attempt)),
            StatusCode::TOO_MANY_REQUESTS => {
                retry_after(&answer.headers).filter(|wait| *wait <= self.retry.max_retry_after)
            }
            _ => None,
        }
    }

    /// A JSON body for a request.
    pub(crate) fn body(value: &impl Serialize) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(value)
            .map_err(|error| Error::protocol(format!("the request could not be written: {error}")))
    }
}

/// The `error.code`s of a 403 that refuses the request itself rather than
/// the token (DESIGN §5: a stdio upstream on a service that starts no
/// commands).
const REQUEST_REFUSALS: [&str; 1] = ["upstream_commands_disabled"];

impl Answer {
    /// This answer if it is a success, else the error its status means.
    /// `what` names the thing asked for, for a 404.
    pub(crate) fn success(self, what: impl FnOnce() -> String) -> Result<Self, Error> {
        let status = self.status;
        if status.is_success() {
            return Ok(self);
        }
        let message = || self.message();
        Err(match status.as_u16() {
            // A 403 that refuses what was asked, not who asked: the token
            // is fine, the message says why.
            403 if REQUEST_REFUSALS.contains(&self.error_code().as_str()) => {
                Error::InvalidRequest {
                    status: 403,
                    message: message(),
                }
            }
            401 | 403 => Error::TokenRejected {
                status: status.as_u16(),
            },
            404 => Error::NotFound { what: what() },
            429 => Error::RateLimited {
                retry_after: retry_after(&self.headers),
            },
            400 | 409 | 413 | 422 => Error::InvalidRequest {
                status: status.as_u16(),
                message: message(),
            },
            500..=599 => Error::Server {
                status: status.as_u16(),
                message: message(),
            },
            300..=399 => Error::protocol(format!(
                "a redirect (HTTP {status}) to {}; use that address as the server URL",
                self.headers
                    .get(header::LOCATION)
                    .and_then(|location| location.to_str().ok())
                    .unwrap_or("an unnamed place")
            )),
            _ => Error::protocol(format!("HTTP {status}: {}", message())),
        })
    }

    /// The body as `T`, or a protocol error quoting serde's complaint.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|error| {
            Error::protocol(format!("the answer is not of the expected shape: {error}"))
        })
    }

    /// The body as `T` when it carries a plaintext key: serde's complaint
    /// can quote a value, so it is left out of the error.
    pub(crate) fn json_with_key<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|_| {
            Error::protocol("the answer with the new key is not of the expected shape")
        })
    }

    /// `error.code` of our envelope, or empty.
    fn error_code(&self) -> String {
        let value: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        value["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The server's message: `error.message` of our envelope, or the looser
    /// shapes other servers use, or the status's name.
    pub(crate) fn message(&self) -> String {
        let value: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        let text = [
            &value["error"]["message"],
            &value["error"],
            &value["message"],
        ]
        .into_iter()
        .find_map(|field| field.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            self.status
                .canonical_reason()
                .unwrap_or("no message")
                .to_owned()
        });
        let mut text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.chars().count() > MAX_MESSAGE_CHARS {
            text = text.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "…";
        }
        text
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by key services
/// and reads as absent).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
