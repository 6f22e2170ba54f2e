//! Against a stand-in for a third party's MCP server, which can show what
//! our own service does not do on demand: a stream of its own that carries
//! the server's requests and ends (to be resumed with `Last-Event-ID`), an
//! answer spread over an event's data lines after a notification, a session
//! that expires, a refused key answered with 403 (as Runtype does), the
//! `DELETE` that ends the session, and a client that went away.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use mcp_keys_client::bridge::{self, BridgeError, BridgeOptions};
use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, BufReader};

use super::harness::{Ide, Keyring};
use crate::support::serve_router;

const SESSION: &str = "session-1";
const VERSION: &str = "2025-11-25";

/// What the stand-in was sent, and the key it accepts.
#[derive(Debug, Default)]
struct Seen {
    accepted: String,
    /// Offer no stream of its own (405), so answers come in order.
    quiet: bool,
    /// Each POST's session and protocol headers, and its body.
    posts: Vec<(Option<String>, Option<String>, Value)>,
    /// Each GET's session and `Last-Event-ID`.
    gets: Vec<(Option<String>, Option<String>)>,
    /// Each DELETE's session.
    deletes: Vec<Option<String>>,
}

#[derive(Debug, Clone)]
struct Standin(Arc<Mutex<Seen>>);

impl Standin {
    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the request carries the accepted key.
    fn authorized(&self, headers: &HeaderMap) -> bool {
        let expected = format!("Bearer {}", self.seen().accepted);
        text(headers, header::AUTHORIZATION.as_str()).as_deref() == Some(expected.as_str())
    }
}

/// The stand-in's endpoint URL and what it sees; `quiet`, without a
/// stream of its own.
async fn standin(key: &str, quiet: bool) -> Result<(String, Standin)> {
    let standin = Standin(Arc::default());
    standin.seen().accepted = key.to_owned();
    standin.seen().quiet = quiet;
    let router = Router::new()
        .route("/mcp", post(message).get(stream).delete(close))
        .with_state(standin.clone());
    Ok((format!("{}/mcp", serve_router(router).await?), standin))
}

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

fn events(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
}

/// Runtype's answer to a refused key.
fn refused() -> Response {
    let body = json!({"error": {"code": "invalid_api_key", "message": "Invalid API key",
        "reason": "revoked"}});
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

async fn message(
    State(standin): State<Standin>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !standin.authorized(&headers) {
        return refused();
    }
    let session = text(&headers, "mcp-session-id");
    let version = text(&headers, "mcp-protocol-version");
    standin
        .seen()
        .posts
        .push((session.clone(), version, body.clone()));
    let id = body["id"].clone();
    let answer = |result: Value| json!({"jsonrpc": "2.0", "id": id, "result": result});
    match body["method"].as_str() {
        Some("initialize") => {
            let result = json!({"protocolVersion": VERSION, "capabilities": {"tools": {}},
                "serverInfo": {"name": "standin", "version": "1.0"}});
            ([("mcp-session-id", SESSION)], Json(answer(result))).into_response()
        }
        _ if session.as_deref() != Some(SESSION) => StatusCode::BAD_REQUEST.into_response(),
        _ if id.is_null() => StatusCode::ACCEPTED.into_response(),
        // As if the server had forgotten the session.
        Some("tools/list") => StatusCode::NOT_FOUND.into_response(),
        Some("tools/call") => {
            let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress",
                "params": {"progressToken": 1, "progress": 1}});
            // Pretty-printed: one data line per line of JSON, CRLF endings.
            let result = answer(json!({"content": [{"type": "text", "text": "called"}]}));
            let pretty = serde_json::to_string_pretty(&result).unwrap_or_default();
            let data: String = pretty
                .lines()
                .map(|line| format!("data: {line}\r\n"))
                .collect();
            events(format!(
                ": a comment\r\nevent: message\r\ndata: {progress}\r\n\r\n{data}\r\n"
            ))
        }
        Some(_) => Json(answer(json!({}))).into_response(),
        None => StatusCode::ACCEPTED.into_response(),
    }
}

/// The server's own stream: a request, then a notification, each on a
/// stream that ends after it; then none (405).
async fn stream(State(standin): State<Standin>, headers: HeaderMap) -> Response {
    if !standin.authorized(&headers) {
        return refused();
    }
    let session = text(&headers, "mcp-session-id");
    let resumed = text(&headers, "last-event-id");
    let mut seen = standin.seen();
    if seen.quiet {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    seen.gets.push((session, resumed));
    match seen.gets.len() {
        1 => {
            let ask = json!({"jsonrpc": "2.0", "id": "srv-1", "method": "roots/list"});
            events(format!("id: e1\ndata: {ask}\n\n"))
        }
        2 => {
            let changed = json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"});
            events(format!("id: e2\ndata: {changed}\n\n"))
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

async fn close(State(standin): State<Standin>, headers: HeaderMap) -> StatusCode {
    standin
        .seen()
        .deletes
        .push(text(&headers, "mcp-session-id"));
    StatusCode::OK
}

#[tokio::test]
async fn a_session_carries_its_headers_and_the_servers_own_stream_reaches_the_ide() -> Result<()> {
    let (url, standin) = standin("mcp_dev_standin", false).await?;
    let mut ide = Ide::start(&url, &Keyring::holding("mcp_dev_standin"))?;
    let initialized = ide.initialize().await?;
    assert_eq!(
        initialized["result"]["protocolVersion"], VERSION,
        "{initialized}"
    );

    // The server asks on its stream; the IDE answers through stdin.
    let asked = ide.receive().await?;
    assert_eq!(
        (&asked["id"], &asked["method"]),
        (&json!("srv-1"), &json!("roots/list"))
    );
    ide.send(&json!({"jsonrpc": "2.0", "id": "srv-1", "result": {"roots": []}}))
        .await?;
    // The resumed stream's notification.
    let changed = ide.receive().await?;
    assert_eq!(
        changed["method"], "notifications/tools/list_changed",
        "{changed}"
    );

    // A notification, then the answer, on the request's own stream.
    let call = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "x"}});
    ide.send(&call).await?;
    let progress = ide.receive().await?;
    assert_eq!(progress["method"], "notifications/progress", "{progress}");
    let called = ide.receive().await?;
    assert_eq!(called["result"]["content"][0]["text"], "called", "{called}");
    ide.request(6, "ping", json!({})).await?;

    // After the 405 the bridge stops asking for a stream.
    let deadline = Instant::now() + Duration::from_secs(10);
    while standin.seen().gets.len() < 3 {
        if Instant::now() > deadline {
            bail!("no third GET: {:?}", standin.seen().gets);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let (outcome, rest) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert!(rest.is_empty(), "{rest:?}");
    let seen = standin.seen();
    let session = Some(SESSION.to_owned());
    assert_eq!(
        seen.gets,
        [
            (session.clone(), None),
            (session.clone(), Some("e1".to_owned())),
            (session.clone(), Some("e2".to_owned())),
        ],
        "resumed after the last event it saw, and not asked again after the 405"
    );
    let Some((first, later)) = seen.posts.split_first() else {
        bail!("no POST");
    };
    assert_eq!(
        (&first.0, &first.1),
        (&None, &None),
        "initialize opens the session"
    );
    for (post_session, version, body) in later {
        assert_eq!(post_session, &session, "{body}");
        assert_eq!(version.as_deref(), Some(VERSION), "{body}");
    }
    let answered = later.iter().any(|(_, _, body)| body["id"] == "srv-1");
    assert!(
        answered,
        "the IDE's answer to the server's request was posted"
    );
    assert_eq!(seen.deletes, [session], "the session is ended at exit");
    Ok(())
}

#[tokio::test]
async fn an_expired_session_is_an_error_that_says_so() -> Result<()> {
    let (url, _standin) = standin("mcp_dev_standin", true).await?;
    let mut ide = Ide::start(&url, &Keyring::holding("mcp_dev_standin"))?;
    ide.initialize().await?;
    let expired = ide.request(3, "tools/list", json!({})).await?;
    assert_eq!(expired["error"]["code"], -32002, "{expired}");
    let message = expired["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("session has expired"), "{expired}");
    let (outcome, _) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn a_key_refused_with_403_invalid_api_key_is_read_again_from_the_keyring() -> Result<()> {
    let (url, standin) = standin("mcp_dev_old", true).await?;
    let keyring = Keyring::holding("mcp_dev_old");
    let mut ide = Ide::start(&url, &keyring)?;
    ide.initialize().await?;
    standin.seen().accepted = "mcp_dev_new".to_owned();

    let refused = ide.request(1, "ping", json!({})).await?;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert_eq!(
        message, "Invalid API key (HTTP 403, reason: revoked)",
        "{refused}"
    );
    assert_eq!(refused["error"]["data"]["reason"], "revoked", "{refused}");

    keyring.replace("mcp_dev_new");
    let pinged = ide.request(2, "ping", json!({})).await?;
    assert_eq!(pinged["result"], json!({}), "{pinged}");
    let (outcome, _) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn a_client_that_went_away_ends_the_bridge_with_an_output_error() -> Result<()> {
    let (url, _standin) = standin("mcp_dev_standin", true).await?;
    let (mut stdin, bridge_stdin) = tokio::io::duplex(1024);
    let (bridge_stdout, stdout) = tokio::io::duplex(1024);
    drop(stdout);
    let bridge = tokio::spawn(bridge::run(
        BridgeOptions::new(url.parse()?),
        Keyring::holding("mcp_dev_standin"),
        BufReader::new(bridge_stdin),
        bridge_stdout,
    ));
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    stdin.write_all(format!("{ping}\n").as_bytes()).await?;
    // stdin stays open: the failed write alone ends the bridge.
    let outcome = tokio::time::timeout(Duration::from_secs(10), bridge).await??;
    assert!(
        matches!(outcome, Err(BridgeError::Output(_))),
        "{outcome:?}"
    );
    Ok(())
}
