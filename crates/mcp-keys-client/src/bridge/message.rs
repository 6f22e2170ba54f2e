//! JSON-RPC as far as the transport needs it: what kind of message a line
//! holds and its id, the id of an answer, and the errors the bridge writes
//! itself. Bodies are forwarded as they came, never rebuilt.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};

/// JSON-RPC's "Parse error".
pub(crate) const PARSE_ERROR: i64 = -32700;

/// What one stdin line is.
#[derive(Debug)]
pub(crate) enum Line {
    /// Blank: ignored.
    Blank,
    /// A message to forward.
    Message(Message),
    /// Not JSON; the id it seems to carry, if one could be read.
    Invalid {
        /// The id, so the client can be answered with a parse error.
        id: Option<Value>,
    },
}

/// A JSON-RPC message from the client, as it came.
#[derive(Debug)]
pub(crate) struct Message {
    /// The line, without its line ending and surrounding blanks.
    pub body: Vec<u8>,
    /// What it is.
    pub kind: Kind,
    /// Its id, for requests (and for responses, where it names the server's
    /// request).
    pub id: Option<Value>,
}

/// The kinds of messages the transport treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `initialize`: answered before the next line is read, and its answer
    /// opens the session.
    Initialize,
    /// Any other request: answered by the server, or by the bridge with an
    /// error.
    Request,
    /// A notification, a response to the server's request, or anything else
    /// that gets no answer (a batch of the 2025-03-26 revision).
    Other,
}

impl Message {
    /// The id the server's answer will carry, for a request.
    pub(crate) fn request_id(&self) -> Option<&Value> {
        match self.kind {
            Kind::Initialize | Kind::Request => self.id.as_ref(),
            Kind::Other => None,
        }
    }
}

/// The parts of a message the bridge looks at; everything else is skipped
/// without being copied.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    method: Option<String>,
}

/// Reads one stdin line.
pub(crate) fn parse_line(line: &[u8]) -> Line {
    let body = line.trim_ascii();
    if body.is_empty() {
        return Line::Blank;
    }
    let (id, kind) = match serde_json::from_slice::<Head>(body) {
        Ok(Head {
            id,
            method: Some(method),
            ..
        }) => {
            let kind = match (&id, method.as_str()) {
                (None, _) => Kind::Other,
                (Some(_), "initialize") => Kind::Initialize,
                (Some(_), _) => Kind::Request,
            };
            (id, kind)
        }
        Ok(Head { id, .. }) => (id, Kind::Other),
        // Valid JSON that is not an object: forwarded for the server to judge.
        Err(_) if serde_json::from_slice::<IgnoredAny>(body).is_ok() => (None, Kind::Other),
        Err(_) => {
            return Line::Invalid {
                id: salvage_id(body),
            };
        }
    };
    Line::Message(Message {
        body: body.to_vec(),
        kind,
        id,
    })
}

/// The id of a line that is not JSON, when it plainly names one (a number or
/// a string after `"id":`).
fn salvage_id(line: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(line);
    text.match_indices("\"id\"").find_map(|(at, name)| {
        let value = text[at + name.len()..].trim_start().strip_prefix(':')?;
        let id = serde_json::Deserializer::from_str(value)
            .into_iter::<Value>()
            .next()?
            .ok()?;
        (id.is_number() || id.is_string()).then_some(id)
    })
}

/// A message from the server, made ready for the client: one line of JSON.
#[derive(Debug)]
pub(crate) struct Outgoing {
    /// The JSON text, on one line.
    pub line: String,
    /// The id of the request it answers (a response or an error carrying
    /// an id); `None` for the server's requests and notifications.
    pub answers: Option<Value>,
}

/// Checks that `text` is JSON and puts it on one line; `None` when it is not
/// JSON, which must never reach the client's stdin.
pub(crate) fn outgoing(text: &str) -> Option<Outgoing> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let answers = match serde_json::from_str::<Head>(text) {
        Ok(Head { id, method: None }) => id,
        Ok(Head {
            method: Some(_), ..
        }) => None,
        Err(_) => {
            serde_json::from_str::<IgnoredAny>(text).ok()?;
            None
        }
    };
    // JSON strings cannot hold a raw CR or LF, so every one is whitespace
    // between tokens (a pretty-printed body) and a space keeps the meaning.
    let line = if text.contains(['\n', '\r']) {
        text.replace(['\n', '\r'], " ")
    } else {
        text.to_owned()
    };
    Some(Outgoing { line, answers })
}

/// The `protocolVersion` of an `initialize` answer.
pub(crate) fn protocol_version(answer: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Answer {
        result: InitializeResult,
    }
    #[derive(Deserialize)]
    struct InitializeResult {
        #[serde(rename = "protocolVersion")]
        protocol_version: String,
    }
    serde_json::from_str::<Answer>(answer)
        .ok()
        .map(|answer| answer.result.protocol_version)
}

/// A JSON-RPC error response to request `id`, as one line.
pub(crate) fn error_line(id: &Value, code: i64, message: &str, data: Option<Value>) -> String {
    let mut error = json!({"code": code, "message": message});
    if let Some(data) = data {
        error["data"] = data;
    }
    json!({"jsonrpc": "2.0", "id": id, "error": error}).to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Kind, Line, outgoing, parse_line, protocol_version};

    fn kind_and_id(line: &str) -> Option<(Kind, Option<serde_json::Value>)> {
        match parse_line(line.as_bytes()) {
            Line::Message(message) => Some((message.kind, message.id)),
            Line::Blank | Line::Invalid { .. } => None,
        }
    }

    #[test]
    fn lines_are_told_apart_by_method_and_id() {
        let initialize = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#;
        assert_eq!(
            kind_and_id(initialize),
            Some((Kind::Initialize, Some(json!(0))))
        );
        let call = r#"{"jsonrpc":"2.0","id":"a","method":"tools/call"}"#;
        assert_eq!(kind_and_id(call), Some((Kind::Request, Some(json!("a")))));
        let notification = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        assert_eq!(kind_and_id(notification), Some((Kind::Other, None)));
        let response = r#"{"jsonrpc":"2.0","id":5,"result":{"roots":[]}}"#;
        assert_eq!(kind_and_id(response), Some((Kind::Other, Some(json!(5)))));
        assert_eq!(kind_and_id("[1,2]"), Some((Kind::Other, None)));
        assert!(matches!(parse_line(b" \r\n"), Line::Blank));
    }

    #[test]
    fn a_broken_line_keeps_the_id_it_plainly_names() {
        let id = |line: &str| match parse_line(line.as_bytes()) {
            Line::Invalid { id } => id,
            Line::Blank | Line::Message(_) => Some(json!("not invalid")),
        };
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id": 12,"method":"x""#),
            Some(json!(12))
        );
        assert_eq!(id(r#"{"id":"req-1", oops}"#), Some(json!("req-1")));
        assert_eq!(id(r#"{"id":{"nested":1}, oops}"#), None);
        assert_eq!(id("not json at all"), None);
    }

    #[test]
    fn answers_are_put_on_one_line_and_name_the_request_they_answer() {
        let answer = outgoing("{\n  \"jsonrpc\": \"2.0\",\r\n  \"id\": 3,\n  \"result\": {}\n}\n");
        let answer = answer.expect("JSON");
        assert!(!answer.line.contains(['\n', '\r']), "{}", answer.line);
        assert_eq!(answer.answers, Some(json!(3)));
        let request = outgoing(r#"{"jsonrpc":"2.0","id":3,"method":"roots/list"}"#);
        assert_eq!(request.expect("JSON").answers, None, "a server request");
        assert!(outgoing("not json").is_none());
        assert!(outgoing("  ").is_none());
        let initialized = r#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18"}}"#;
        assert_eq!(protocol_version(initialized).as_deref(), Some("2025-06-18"));
    }
}
