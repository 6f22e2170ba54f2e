//! A surface in front of a real MCP server (DESIGN §7): the official
//! filesystem server from npm (pinned in `tests/clients/package-lock.json`)
//! behind `mcp-keys serve --allow-upstream-commands`, reached over HTTP
//! with keys as an IDE sends them. `servers`: real servers behind a surface;
//! `failures`: servers that cannot start, stay silent or misbehave;
//! `sessions`: the server's requests and notifications reaching a client's
//! session, sessions and keys, many sessions at once.

mod failures;
mod servers;
mod sessions;

use std::path::Path;

use anyhow::{Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{Service, mcp_post, npm_bin};

/// One JSON-RPC request to the surface with `key`: the status and the body
/// (a refusal's `{"error":{...}}`, or the JSON-RPC answer, from a JSON body
/// or, for an `initialize` that opens a session, its event stream).
async fn rpc(url: &str, key: &str, method: &str, params: Value) -> Result<(StatusCode, Value)> {
    let message = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let answer = mcp_post(url, key, None, &message).await?;
    let body = answer
        .body
        .with_context(|| format!("not JSON: {}", answer.text))?;
    Ok((answer.status, body))
}

fn tool_names(answer: &Value) -> Vec<String> {
    answer["result"]["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
        .collect()
}

fn filesystem(notes: &Path) -> Result<Value> {
    Ok(json!({
        "type": "stdio",
        "command": npm_bin()?.join("mcp-server-filesystem").display().to_string(),
        "args": [notes.display().to_string()],
    }))
}

/// server-everything over stdio.
fn everything() -> Result<Value> {
    Ok(json!({
        "type": "stdio",
        "command": npm_bin()?.join("mcp-server-everything").display().to_string(),
        "args": ["stdio"],
    }))
}

/// The upstream's state, from `GET …/surfaces/{id}/upstream`.
async fn upstream_state(service: &Service, surface: &mcp_keys_e2e::Surface) -> Result<Value> {
    service
        .expect(
            StatusCode::OK,
            Method::GET,
            &format!("{}/upstream", surface.path),
            None,
        )
        .await
}
