//! The gateway over Streamable HTTP, on both databases: a surface whose
//! upstream is another surface of the same service (a real MCP server over
//! HTTP, reached with a key from the secrets source), its calls forwarded
//! within the caller's scopes and each one in the audit log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Result;
use mcp_keys_server::UpstreamSecrets;
use reqwest::StatusCode;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::support::{Server, initialize, jsonrpc_answer, rpc};

/// Secrets set by the test after the service started.
#[derive(Debug, Default)]
pub struct Vault(Mutex<HashMap<String, String>>);

impl Vault {
    pub fn set(&self, name: &str, value: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), value.to_owned());
    }
}

impl UpstreamSecrets for Vault {
    fn secret(&self, name: &str) -> Result<Zeroizing<String>, String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .map(|value| Zeroizing::new(value.clone()))
            .ok_or_else(|| format!("no secret {name:?}"))
    }
}

#[tokio::test]
async fn calls_through_an_http_upstream_are_forwarded_and_audited_on_sqlite() -> Result<()> {
    let vault = Arc::new(Vault::default());
    let secrets = Arc::clone(&vault);
    let server = Server::start_with(|config| config.upstream_secrets = secrets).await?;
    calls_are_forwarded_and_audited(&server, &vault).await
}

/// The scenario, on whatever database `server` runs on.
pub async fn calls_are_forwarded_and_audited(server: &Server, vault: &Vault) -> Result<()> {
    // The upstream: a surface whose tools answer with their arguments.
    let upstream = server.surface("production", &["search", "delete"]).await?;
    let (upstream_key, _) = server
        .key(&upstream, &json!({"name": "MCP - gateway"}))
        .await?;
    vault.set("upstream-key", &format!("Bearer {upstream_key}"));

    let gateway = server.surface("production", &[]).await?;
    let url = format!("{}{}/mcp", server.base, upstream.path());
    let (status, body) = server
        .put(
            &gateway.path(),
            &json!({"upstream": {"type": "http", "url": url,
                "headers": {"Authorization": {"secretRef": "upstream-key"}}}}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The surface's items are what the upstream offers, with kind and
    // description, once synced (here on request; also when it starts).
    let (status, synced) = server
        .post(&format!("{}/upstream/sync", gateway.path()), &json!({}))
        .await?;
    assert_eq!(status, StatusCode::OK, "{synced}");
    let items: Vec<(&str, &str)> = synced["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            (
                item["capabilityName"].as_str().unwrap_or_default(),
                item["kind"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(items, [("delete", "tool"), ("search", "tool")], "{synced}");
    assert!(synced["items"][0]["description"].is_string(), "{synced}");
    let (key, created) = server
        .key(
            &gateway,
            &json!({"name": "MCP - Cursor", "scopes": ["search"]}),
        )
        .await?;
    let key_id = created["id"].as_str().unwrap_or_default().to_owned();

    let answer = |message: Value| {
        let key = key.clone();
        let gateway = gateway.clone();
        async move {
            let response = server.mcp(&gateway, Some(&key), &message).await?;
            let status = response.status();
            let text = response.text().await?;
            // An `initialize` opens a session, answered on its event stream.
            let body = jsonrpc_answer(&text).unwrap_or(Value::Null);
            anyhow::Ok((status, body))
        }
    };
    let (status, body) = answer(initialize("cursor")).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = answer(rpc("tools/list", json!({}))).await?;
    let names: Vec<&str> = body["result"]["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    assert_eq!(names, ["search"], "{body}");
    for _ in 0..3 {
        let (status, body) = answer(rpc(
            "tools/call",
            json!({"name": "search", "arguments": {"q": "not in the audit"}}),
        ))
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.to_string().contains("not in the audit"), "{body}");
    }
    let (status, _) = answer(rpc("tools/call", json!({"name": "delete"}))).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "outside the key's scopes");

    // The three calls are one counted event, within a few seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    let call = loop {
        let (status, events) = server
            .get(&format!("/v1/events?surfaceId={}", gateway.id))
            .await?;
        assert_eq!(status, StatusCode::OK, "{events}");
        let call = events["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|event| event["type"] == "mcp_call" && event["count"] == 3)
            .cloned();
        if let Some(call) = call {
            break call;
        }
        assert!(Instant::now() < deadline, "no counted call event: {events}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(call["keyId"], key_id.as_str(), "{call}");
    assert_eq!(call["client"], "cursor", "{call}");
    assert_eq!(call["capability"], "search", "{call}");
    assert_eq!(call["outcome"], "ok", "{call}");
    assert!(call["durationMs"].is_u64(), "{call}");
    assert!(!call.to_string().contains("not in the audit"), "{call}");

    // The upstream revokes the gateway's key: calls now fail, and say so.
    let (status, _) = server
        .delete(&format!(
            "{}/keys/{}",
            upstream.path(),
            server_key_id(server, &upstream).await?
        ))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = answer(rpc("tools/call", json!({"name": "search"}))).await?;
    assert!(body["error"]["message"].is_string(), "{body}");
    let (status, body) = server
        .post(&format!("{}/upstream/sync", gateway.path()), &json!({}))
        .await?;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["code"], "upstream_unavailable", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("refused the gateway's credentials")),
        "the reason is given: {body}"
    );
    Ok(())
}

/// The id of the only key of `surface`.
async fn server_key_id(server: &Server, surface: &crate::support::Surface) -> Result<String> {
    let (_, keys) = server.get(&format!("{}/keys", surface.path())).await?;
    Ok(keys["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}
