//! Why a message did not get through, and the JSON-RPC error that tells the
//! client, in words a person reading the IDE's log can act on.

use reqwest::header::RETRY_AFTER;
use reqwest::{Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::BridgeError;
use super::message::error_line;

/// The longest part of an error body read, and of a message kept from it.
const MAX_BODY_BYTES: usize = 64 * 1024;
const MAX_MESSAGE_CHARS: usize = 300;

/// Why one message failed. Each becomes a JSON-RPC error with its own code
/// in the range JSON-RPC leaves to servers (see the module docs of
/// [`crate::bridge`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// No answer: connection refused, name not resolved, TLS, or a stream
    /// cut off.
    #[error("cannot reach the MCP server at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    /// The service answered with an error status.
    #[error("{0}")]
    Status(Box<Refusal>),
    /// 404 to a request in a session: the server ended the session.
    #[error(
        "the MCP session has expired (HTTP 404); restart this MCP server in the IDE to open a \
         new one"
    )]
    SessionExpired,
    /// The key could not be read or sent.
    #[error(transparent)]
    Key(#[from] BridgeError),
    /// A 2xx answer that is not what the transport promises.
    #[error("unexpected answer from the MCP server: {0}")]
    Protocol(String),
}

impl Failure {
    /// A failure to get an answer from `url` at all.
    pub(crate) fn unreachable(url: &reqwest::Url, error: &reqwest::Error) -> Self {
        // reqwest's own message is "error sending request"; the cause is in
        // its sources (connection refused, timed out, certificate).
        let mut cause = String::new();
        let mut source = std::error::Error::source(error);
        while let Some(error) = source {
            cause = error.to_string();
            source = error.source();
        }
        if cause.is_empty() || error.is_timeout() {
            cause = if error.is_timeout() {
                "timed out"
            } else {
                "no answer"
            }
            .to_owned();
        }
        Self::Unreachable {
            url: url.to_string(),
            cause,
        }
    }

    /// The JSON-RPC error code.
    fn code(&self) -> i64 {
        match self {
            Self::Unreachable { .. } => -32000,
            Self::Status(_) => -32001,
            Self::SessionExpired => -32002,
            Self::Key(_) => -32003,
            Self::Protocol(_) => -32004,
        }
    }

    /// The JSON-RPC error response to request `id`, as one line. A service
    /// that answered with a JSON-RPC error of its own is quoted as it is.
    pub(crate) fn answer(&self, id: &Value) -> String {
        match self {
            Self::Status(refusal) if refusal.jsonrpc.is_some() => {
                let mut answer = refusal.jsonrpc.clone().unwrap_or_default();
                if answer.get("id").is_none_or(Value::is_null) {
                    answer["id"] = id.clone();
                }
                answer.to_string()
            }
            Self::Status(refusal) => {
                error_line(id, self.code(), &self.to_string(), Some(refusal.data()))
            }
            Self::SessionExpired => error_line(
                id,
                self.code(),
                &self.to_string(),
                Some(json!({"status": 404})),
            ),
            Self::Unreachable { .. } | Self::Key(_) | Self::Protocol(_) => {
                error_line(id, self.code(), &self.to_string(), None)
            }
        }
    }
}

/// An error status and what the service said about it: our service and
/// Runtype answer `{"error":{"code","reason","message"}}`; an MCP server may
/// answer with a JSON-RPC error; anything else is kept as a short text.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub retry_after: Option<String>,
    /// The body, when it is a JSON-RPC error response.
    pub jsonrpc: Option<Value>,
}

#[derive(Deserialize)]
struct ServiceError {
    error: ServiceErrorBody,
}

#[derive(Deserialize)]
struct ServiceErrorBody {
    code: Option<String>,
    reason: Option<String>,
    message: Option<String>,
}

impl Refusal {
    /// Reads the answer's body (up to a limit) and what it says.
    pub(crate) async fn read(mut response: Response) -> Self {
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() >= MAX_BODY_BYTES {
                body.truncate(MAX_BODY_BYTES);
                break;
            }
        }
        let mut refusal = Self {
            status,
            code: None,
            reason: None,
            message: None,
            retry_after,
            jsonrpc: None,
        };
        if let Ok(ServiceError { error }) = serde_json::from_slice(&body) {
            refusal.code = error.code;
            refusal.reason = error.reason;
            refusal.message = error.message.map(|message| short(&message));
        } else if let Ok(value) = serde_json::from_slice::<Value>(&body)
            && value.get("jsonrpc").is_some()
            && value.get("error").is_some()
        {
            refusal.jsonrpc = Some(value);
        } else {
            let text = short(String::from_utf8_lossy(&body).trim());
            refusal.message = (!text.is_empty()).then_some(text);
        }
        refusal
    }

    /// Whether the service refused the key itself, so that another key may
    /// pass: any 401, and a 403 that says the key is invalid (services that
    /// answer a bad key with 403).
    pub(crate) fn is_invalid_key(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
            || (self.status == StatusCode::FORBIDDEN
                && self.code.as_deref() == Some("invalid_api_key"))
    }

    /// The `data` of the JSON-RPC error: the status and the service's own
    /// fields.
    fn data(&self) -> Value {
        let mut data = json!({"status": self.status.as_u16()});
        for (name, value) in [
            ("code", &self.code),
            ("reason", &self.reason),
            ("message", &self.message),
            ("retryAfter", &self.retry_after),
        ] {
            if let Some(value) = value {
                data[name] = Value::from(value.as_str());
            }
        }
        data
    }
}

impl std::fmt::Display for Refusal {
    /// `Invalid API key: the API key has been revoked (HTTP 401, reason: revoked)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let title = match self.code.as_deref() {
            Some("invalid_api_key") => "Invalid API key".to_owned(),
            Some("permission_denied") => "Permission denied".to_owned(),
            Some("rate_limited") => "Rate limited".to_owned(),
            Some(code) => sentence(code),
            None => format!(
                "The MCP server answered {}",
                self.status.canonical_reason().unwrap_or("an error")
            ),
        };
        f.write_str(&title)?;
        if let Some(message) = &self.message
            && !message.eq_ignore_ascii_case(&title)
        {
            write!(f, ": {message}")?;
        }
        write!(f, " (HTTP {}", self.status.as_u16())?;
        if let Some(reason) = &self.reason {
            write!(f, ", reason: {reason}")?;
        }
        if let Some(wait) = &self.retry_after {
            write!(f, ", retry after {wait} s")?;
        }
        f.write_str(")")
    }
}

/// `upstream_unavailable` → `Upstream unavailable`.
fn sentence(code: &str) -> String {
    let mut text = code.replace('_', " ");
    if let Some(first) = text.get(..1) {
        let upper = first.to_ascii_uppercase();
        text.replace_range(..1, &upper);
    }
    text
}

/// At most [`MAX_MESSAGE_CHARS`] characters, control characters as spaces
/// (the text ends up in a log line).
fn short(text: &str) -> String {
    text.chars()
        .take(MAX_MESSAGE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;
    use serde_json::json;

    use super::{Failure, Refusal};

    fn refusal(status: u16, code: Option<&str>, reason: Option<&str>, message: &str) -> Refusal {
        Refusal {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            code: code.map(str::to_owned),
            reason: reason.map(str::to_owned),
            message: Some(message.to_owned()),
            retry_after: None,
            jsonrpc: None,
        }
    }

    #[test]
    fn a_refused_key_reads_as_the_service_said_it() {
        let ours = refusal(
            401,
            Some("invalid_api_key"),
            Some("revoked"),
            "the API key has been revoked",
        );
        assert!(ours.is_invalid_key());
        assert_eq!(
            ours.to_string(),
            "Invalid API key: the API key has been revoked (HTTP 401, reason: revoked)"
        );
        // Runtype's message is the title itself: said once.
        let runtype = refusal(
            403,
            Some("invalid_api_key"),
            Some("revoked"),
            "Invalid API key",
        );
        assert!(
            runtype.is_invalid_key(),
            "a 403 that says the key is invalid"
        );
        assert_eq!(
            runtype.to_string(),
            "Invalid API key (HTTP 403, reason: revoked)"
        );
        let scope = refusal(403, Some("permission_denied"), Some("scope"), "not allowed");
        assert!(!scope.is_invalid_key(), "another key would not help");
        let answer = Failure::Status(Box::new(ours)).answer(&json!(4));
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
        assert_eq!(answer["id"], 4);
        assert_eq!(answer["error"]["code"], -32001);
        assert_eq!(answer["error"]["data"]["reason"], "revoked");
        assert_eq!(answer["error"]["data"]["status"], 401);
    }

    #[test]
    fn a_jsonrpc_error_body_is_passed_on_with_the_request_id() {
        let mut bad = refusal(400, None, None, "");
        bad.jsonrpc = Some(
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "bad"}}),
        );
        let answer = Failure::Status(Box::new(bad)).answer(&json!("x"));
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
        assert_eq!(
            answer,
            json!({"jsonrpc": "2.0", "id": "x", "error": {"code": -32600, "message": "bad"}})
        );
    }
}
