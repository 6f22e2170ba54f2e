//! The stdio bridge against a surface's real MCP endpoint: an IDE's
//! conversation through it, a key replaced in the keyring while it runs,
//! a revoked key reported to the IDE, and a session through a gateway;
//! and (`transport`) what only a server of our own making can show.

mod harness;
mod transport;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result, bail};
use mcp_keys_client::bridge::BridgeError;
use mcp_keys_client::{NewKey, NewSurface};
use mcp_keys_core::{Upstream, UpstreamSessions, UpstreamValue};
use mcp_keys_server::UpstreamSecrets;
use serde_json::json;
use zeroize::Zeroizing;

use crate::support::Service;
use harness::{Ide, Keyring};

/// A key of the surface, in plaintext, and its id.
async fn new_key(service: &Service, product: &str, surface: &str) -> Result<(String, String)> {
    let created = service
        .client()?
        .create_key(product, surface, &NewKey::named("MCP - bridge"))
        .await?;
    Ok((created.key.expose_secret().to_owned(), created.metadata.id))
}

#[tokio::test]
async fn an_ide_initializes_lists_calls_and_pings_through_the_bridge() -> Result<()> {
    let service = Service::start().await?;
    let (product, surface) = service.surface(&["search"]).await?;
    let (key, _) = new_key(&service, &product.id, &surface.id).await?;
    let url = surface.url.context("the surface's MCP endpoint")?;
    let mut ide = Ide::start(&url, &Keyring::holding(&key))?;

    let initialized = ide.initialize().await?;
    assert_eq!(
        initialized["result"]["protocolVersion"], "2025-06-18",
        "{initialized}"
    );
    assert!(
        initialized["result"]["capabilities"]["tools"].is_object(),
        "{initialized}"
    );

    let listed = ide.request(1, "tools/list", json!({})).await?;
    let names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    assert_eq!(names, ["search"], "{listed}");

    // Blank lines are skipped; a broken line naming an id is answered with
    // a parse error, one naming none only logged.
    ide.send_line("").await?;
    ide.send_line("not json").await?;
    ide.send_line(r#"{"jsonrpc":"2.0","id":41,"method":"#)
        .await?;
    let broken = ide.receive().await?;
    assert_eq!(
        (&broken["id"], &broken["error"]["code"]),
        (&json!(41), &json!(-32700)),
        "{broken}"
    );

    // Requests run side by side; each answer carries its id.
    let call = json!({"name": "search", "arguments": {"query": "bridges"}});
    ide.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call}))
        .await?;
    ide.send(&json!({"jsonrpc": "2.0", "id": "ping-1", "method": "ping"}))
        .await?;
    let mut answers = HashMap::new();
    for _ in 0..2 {
        let answer = ide.receive().await?;
        answers.insert(answer["id"].to_string(), answer);
    }
    let called = &answers["2"];
    assert!(
        called["result"]["content"].to_string().contains("bridges"),
        "{called}"
    );
    assert_eq!(answers["\"ping-1\""]["result"], json!({}), "{answers:?}");

    let (outcome, rest) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert!(rest.is_empty(), "nothing left unread: {rest:?}");
    Ok(())
}

#[tokio::test]
async fn a_key_replaced_in_the_keyring_is_used_without_restarting_the_bridge() -> Result<()> {
    let service = Service::start().await?;
    let (product, surface) = service.surface(&["search"]).await?;
    let (first, first_id) = new_key(&service, &product.id, &surface.id).await?;
    let (second, _) = new_key(&service, &product.id, &surface.id).await?;
    let keyring = Keyring::holding(&first);
    let mut ide = Ide::start(&surface.url.context("url")?, &keyring)?;
    ide.initialize().await?;
    assert_eq!(keyring.reads.load(Ordering::SeqCst), 1);

    service
        .client()?
        .revoke_key(&product.id, &surface.id, &first_id)
        .await?;
    keyring.replace(&second);
    let listed = ide.request(1, "tools/list", json!({})).await?;
    assert!(listed["result"]["tools"].is_array(), "{listed}");
    // The cached key was refused, then the keyring read again.
    assert_eq!(keyring.reads.load(Ordering::SeqCst), 2);
    let pinged = ide.request(2, "ping", json!({})).await?;
    assert_eq!(pinged["result"], json!({}), "{pinged}");
    assert_eq!(
        keyring.reads.load(Ordering::SeqCst),
        2,
        "the new key is kept"
    );

    let (outcome, _) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn a_revoked_key_without_a_replacement_is_reported_to_the_ide() -> Result<()> {
    let service = Service::start().await?;
    let (product, surface) = service.surface(&["search"]).await?;
    let (key, key_id) = new_key(&service, &product.id, &surface.id).await?;
    let mut ide = Ide::start(&surface.url.context("url")?, &Keyring::holding(&key))?;
    ide.initialize().await?;
    service
        .client()?
        .revoke_key(&product.id, &surface.id, &key_id)
        .await?;

    let refused = ide.request(1, "tools/list", json!({})).await?;
    let error = &refused["error"];
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("Invalid API key"), "{refused}");
    assert!(message.contains("revoked"), "{refused}");
    assert_eq!(error["code"], -32001, "{refused}");
    assert_eq!(error["data"]["status"], 401, "{refused}");
    assert_eq!(error["data"]["code"], "invalid_api_key", "{refused}");
    assert_eq!(error["data"]["reason"], "revoked", "{refused}");
    assert!(
        !refused.to_string().contains(&key),
        "the key is never quoted"
    );

    let (outcome, _) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn a_server_that_cannot_be_reached_is_an_error_for_the_request() -> Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
    drop(listener);
    let mut ide = Ide::start(&url, &Keyring::holding("mcp_dev_whatever"))?;
    let answer = ide.request(7, "tools/list", json!({})).await?;
    assert_eq!(answer["error"]["code"], -32000, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("cannot reach the MCP server"), "{answer}");
    assert!(!message.contains("mcp_dev_whatever"), "{answer}");
    let (outcome, _) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_before_any_key_is_read() -> Result<()> {
    let keyring = Keyring::holding("mcp_dev_whatever");
    let ide = Ide::start("http://mcp.example.org/mcp", &keyring)?;
    let (outcome, _) = ide.finish().await?;
    match outcome {
        Err(BridgeError::InvalidUrl { reason, .. }) => {
            assert!(reason.contains("https"), "{reason}")
        }
        other => bail!("expected InvalidUrl, got {other:?}"),
    }
    assert_eq!(keyring.reads.load(Ordering::SeqCst), 0);
    Ok(())
}

/// The upstream's key, for the gateway to send.
#[derive(Debug, Default)]
struct Secrets(Mutex<Option<String>>);

impl UpstreamSecrets for Secrets {
    fn secret(&self, _name: &str) -> Result<Zeroizing<String>, String> {
        let secret = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        secret
            .clone()
            .map(Zeroizing::new)
            .ok_or_else(|| "not yet".into())
    }
}

#[tokio::test]
async fn a_session_through_a_gateway_is_answered_on_its_event_streams() -> Result<()> {
    let secrets = Arc::new(Secrets::default());
    let source = Arc::clone(&secrets);
    let service = Service::start_with(|config| config.upstream_secrets = source).await?;
    let client = service.client()?;
    // The upstream is another surface of the same service.
    let (product, upstream) = service.surface(&["search"]).await?;
    let (upstream_key, _) = new_key(&service, &product.id, &upstream.id).await?;
    *secrets.0.lock().unwrap_or_else(PoisonError::into_inner) =
        Some(format!("Bearer {upstream_key}"));
    let headers = BTreeMap::from([(
        "Authorization".to_owned(),
        UpstreamValue::Secret {
            secret_ref: "upstream-key".into(),
        },
    )]);
    let gateway = client
        .create_surface(
            &product.id,
            &NewSurface::mcp("Gateway").upstream(Upstream::Http {
                url: upstream.url.clone().context("url")?,
                headers,
                sessions: UpstreamSessions::Separate,
            }),
        )
        .await?;
    client.sync_upstream_items(&product.id, &gateway.id).await?;
    let (key, _) = new_key(&service, &product.id, &gateway.id).await?;
    let mut ide = Ide::start(&gateway.url.context("url")?, &Keyring::holding(&key))?;

    let initialized = ide.initialize().await?;
    assert!(
        initialized["result"]["serverInfo"].is_object(),
        "{initialized}"
    );
    let listed = ide.request(1, "tools/list", json!({})).await?;
    assert_eq!(listed["result"]["tools"][0]["name"], "search", "{listed}");
    let called = ide
        .request(
            2,
            "tools/call",
            json!({"name": "search", "arguments": {"q": "through"}}),
        )
        .await?;
    assert!(called["result"].to_string().contains("through"), "{called}");

    let (outcome, rest) = ide.finish().await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert!(rest.is_empty(), "{rest:?}");
    Ok(())
}
