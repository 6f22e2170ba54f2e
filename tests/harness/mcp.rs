//! MCP over Streamable HTTP as an IDE speaks it, for tests that look at
//! the wire: one POST, its status, the session it opened or named, and
//! the JSON-RPC answer whether it came as a JSON body or on an event stream.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The MCP protocol version the requests of these tests speak.
pub const PROTOCOL_VERSION: &str = "2025-06-18";

/// What one POST to an MCP endpoint got back.
#[derive(Debug)]
pub struct McpAnswer {
    pub status: StatusCode,
    /// The `Mcp-Session-Id` of the answer (an `initialize` that opened one).
    pub session: Option<String>,
    /// The JSON-RPC answer, or a refusal's `{"error":{...}}`; `None` for an
    /// answer with neither (a 202 to a notification).
    pub body: Option<Value>,
    /// The body as it came.
    pub text: String,
}

/// One JSON-RPC message to `url` with `key` as the bearer token, in
/// `session` when given.
pub async fn mcp_post(
    url: &str,
    key: &str,
    session: Option<&str>,
    message: &Value,
) -> Result<McpAnswer> {
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .json(message);
    if let Some(session) = session {
        request = request.header("Mcp-Session-Id", session);
    }
    let response = request.send().await?;
    let status = response.status();
    let session = response
        .headers()
        .get("mcp-session-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await?;
    Ok(McpAnswer {
        status,
        session,
        body: jsonrpc_answer(&text),
        text,
    })
}

/// The answer in a body: the body itself when it is JSON, else the first
/// `data:` line of an event stream that carries an `id` (the answer, not a
/// notification sent before it).
pub fn jsonrpc_answer(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok().or_else(|| {
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .find(|message| message.get("id").is_some())
    })
}

/// An MCP `tools/list` to a surface's endpoint with `key` as the bearer
/// token, as an IDE sends it: the status and the JSON body (a refusal's
/// `{"error":{...}}`, or the JSON-RPC answer; the text as a JSON string
/// when it is neither).
pub async fn mcp_tools_list(url: &str, key: &str) -> Result<(StatusCode, Value)> {
    let answer = mcp_post(
        url,
        key,
        None,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}),
    )
    .await?;
    let body = answer.body.unwrap_or(Value::String(answer.text));
    Ok((answer.status, body))
}
