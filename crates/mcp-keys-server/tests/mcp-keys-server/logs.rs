//! The logs of a full scenario never contain a key or a management token.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Result;
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

use crate::support::{Server, initialize, rpc};

/// Collects everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_key_or_token_appears_in_the_logs_of_a_full_scenario() -> Result<()> {
    let captured = Captured::default();
    // The only test that installs a subscriber; every level is captured,
    // including the dependencies' trace output.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .try_init()
        .map_err(|error| anyhow::anyhow!("{error}"))?;

    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, created) = server
        .key(&surface, &json!({"name": "ide", "scopes": ["search"]}))
        .await?;
    let id = created["id"].as_str().unwrap_or_default();
    server
        .mcp(&surface, Some(&key), &initialize("cursor"))
        .await?;
    server
        .mcp(
            &surface,
            Some(&key),
            &rpc("tools/call", json!({"name": "search", "arguments": {}})),
        )
        .await?;
    server.post("/v1/keys/verify", &json!({"key": key})).await?;
    let (_, rolled) = server
        .post(&format!("{}/keys/{id}/roll", surface.path()), &json!({}))
        .await?;
    let rolled_key = rolled["key"].as_str().unwrap_or_default().to_owned();
    server
        .delete(&format!("{}/keys/{id}", surface.path()))
        .await?;
    server
        .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
        .await?;
    let in_query = format!("{}{}/mcp?key={rolled_key}", server.base, surface.path());
    server
        .client
        .post(in_query)
        .json(&initialize("x"))
        .send()
        .await?;

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(PoisonError::into_inner))
        .into_owned();
    assert!(
        logs.contains("MCP request refused"),
        "the capture works: {logs}"
    );
    for secret in [key.as_str(), rolled_key.as_str(), server.token.as_str()] {
        assert!(!logs.contains(secret), "a secret was logged");
    }
    // Nor anything shaped like one: a key (what the IDE scanner would find)
    // or `mgmt_` and a 46-character base62 body.
    let keys: Vec<&str> = mcp_keys_core::find_candidates(&logs)
        .map(|range| &logs[range])
        .collect();
    assert!(keys.is_empty(), "key-shaped text was logged");
    let token_shaped = logs.match_indices("mgmt_").any(|(at, prefix)| {
        let body = &logs.as_bytes()[at + prefix.len()..];
        body.len() >= 46 && body[..46].iter().all(u8::is_ascii_alphanumeric)
    });
    assert!(!token_shaped, "token-shaped text was logged");
    Ok(())
}
