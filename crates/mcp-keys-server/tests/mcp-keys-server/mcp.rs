//! The MCP endpoint: a full session, and every refusal with its status,
//! code, reason and headers.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Server, initialize, refusal, rpc};

#[tokio::test]
async fn a_valid_key_initializes_lists_and_calls_the_surface_tools() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search", "fetch"]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "ide"})).await?;

    let response = server
        .mcp(&surface, Some(&key), &initialize("cursor"))
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let init: Value = response.json().await?;
    assert!(
        init["result"]["capabilities"]["tools"].is_object(),
        "{init}"
    );
    let notified = server
        .mcp(
            &surface,
            Some(&key),
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        )
        .await?;
    assert_eq!(notified.status(), StatusCode::ACCEPTED);

    // Capabilities added in the same millisecond list by name, so the
    // order is not asserted.
    let mut tools = server.tool_names(&surface, &key).await?;
    tools.sort();
    assert_eq!(
        tools,
        ["fetch", "search"],
        "a key without scopes sees every capability"
    );
    let call = rpc(
        "tools/call",
        json!({"name": "search", "arguments": {"q": "rust"}}),
    );
    let answer: Value = server
        .mcp(&surface, Some(&key), &call)
        .await?
        .json()
        .await?;
    assert_eq!(
        answer["result"]["structuredContent"],
        json!({"tool": "search", "arguments": {"q": "rust"}}),
        "the tool names itself and echoes its arguments"
    );

    let (_, shown) = server
        .get(&format!(
            "/v1/keys/{}",
            created["id"].as_str().unwrap_or_default()
        ))
        .await?;
    assert!(shown["lastUsedAt"].is_string());
    assert_eq!(
        shown["lastUsedClient"], "cursor",
        "initialize's clientInfo.name"
    );
    Ok(())
}

#[tokio::test]
async fn tools_list_shows_only_the_key_scopes_and_other_tools_are_403_scope() -> Result<()> {
    let server = Server::start().await?;
    let surface = server
        .surface("development", &["search", "fetch", "delete"])
        .await?;
    let (key, _) = server
        .key(&surface, &json!({"name": "ide", "scopes": ["fetch"]}))
        .await?;
    assert_eq!(server.tool_names(&surface, &key).await?, ["fetch"]);
    let call = rpc("tools/call", json!({"name": "delete", "arguments": {}}));
    let response = server.mcp(&surface, Some(&key), &call).await?;
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    let (status, code, reason) = refusal(response).await?;
    assert_eq!(
        (status, code.as_str(), reason.as_str()),
        (StatusCode::FORBIDDEN, "permission_denied", "scope")
    );
    Ok(())
}

#[tokio::test]
async fn every_invalid_key_is_401_with_its_reason_and_a_bearer_challenge() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("production", &["search"]).await?;
    let other = server.surface("production", &[]).await?;
    let (good, _) = server.key(&surface, &json!({"name": "g"})).await?;
    let (elsewhere, _) = server.key(&other, &json!({"name": "o"})).await?;
    let (development, _) = server
        .key(
            &surface,
            &json!({"name": "d", "environment": "development"}),
        )
        .await?;
    let typo = format!(
        "{}{}",
        &good[..good.len() - 1],
        if good.ends_with('A') { "B" } else { "A" }
    );
    let unknown = mcp_keys_core::ApiKey::generate(mcp_keys_core::Environment::Production)?;
    let list = rpc("tools/list", json!({}));
    for (key, reason) in [
        (None, "missing"),
        (Some("mgmt_whatever"), "malformed"),
        (Some(typo.as_str()), "checksum"),
        (Some(unknown.expose_secret()), "unknown"),
        (Some(elsewhere.as_str()), "wrong_surface"),
        (Some(development.as_str()), "environment_mismatch"),
    ] {
        let response = server.mcp(&surface, key, &list).await?;
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            challenge.starts_with("Bearer ") && challenge.contains(r#"error="invalid_token""#),
            "{challenge}"
        );
        let (status, code, got) = refusal(response).await?;
        assert_eq!(
            (status, code.as_str(), got.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_api_key", reason)
        );
    }
    let basic = server
        .client
        .post(format!("{}{}/mcp", server.base, surface.path()))
        .basic_auth("user", Some("pass"))
        .json(&list)
        .send()
        .await?;
    assert_eq!(
        refusal(basic).await?.2,
        "malformed",
        "another scheme is malformed"
    );
    Ok(())
}

#[tokio::test]
async fn a_revoked_key_is_refused_on_the_very_next_request() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "ide"})).await?;
    assert_eq!(server.tool_names(&surface, &key).await?, ["search"]);
    let id = created["id"].as_str().unwrap_or_default();
    assert_eq!(
        server
            .delete(&format!("{}/keys/{id}", surface.path()))
            .await?
            .0,
        StatusCode::OK
    );
    let response = server
        .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
        .await?;
    let (status, code, reason) = refusal(response).await?;
    assert_eq!(
        (status, code.as_str(), reason.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_api_key", "revoked")
    );
    Ok(())
}

#[tokio::test]
async fn an_inactive_surface_is_403_surface_inactive() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, _) = server.key(&surface, &json!({"name": "ide"})).await?;
    server
        .put(&surface.path(), &json!({"status": "inactive"}))
        .await?;
    let (status, code, reason) =
        refusal(server.mcp(&surface, Some(&key), &initialize("x")).await?).await?;
    assert_eq!(
        (status, code.as_str(), reason.as_str()),
        (
            StatusCode::FORBIDDEN,
            "permission_denied",
            "surface_inactive"
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_key_in_the_query_string_is_refused_even_with_a_valid_header() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, _) = server.key(&surface, &json!({"name": "ide"})).await?;
    let response = server
        .client
        .post(format!(
            "{}{}/mcp?api_key={key}",
            server.base,
            surface.path()
        ))
        .bearer_auth(&key)
        .header("Accept", "application/json, text/event-stream")
        .json(&initialize("x"))
        .send()
        .await?;
    let (status, code, reason) = refusal(response).await?;
    assert_eq!(
        (status, code.as_str(), reason.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request", "key_in_query")
    );
    Ok(())
}

#[tokio::test]
async fn a_foreign_browser_origin_is_refused_and_loopback_origins_are_not() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, _) = server.key(&surface, &json!({"name": "ide"})).await?;
    let send = |origin: &'static str| {
        server
            .client
            .post(format!("{}{}/mcp", server.base, surface.path()))
            .bearer_auth(&key)
            .header("Origin", origin)
            .header("Accept", "application/json, text/event-stream")
            .json(&initialize("x"))
            .send()
    };
    let (status, _, reason) = refusal(send("https://evil.example").await?).await?;
    assert_eq!((status, reason.as_str()), (StatusCode::FORBIDDEN, "origin"));
    assert_eq!(
        send("http://localhost:3000").await?.status(),
        StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_surface_is_404() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (key, _) = server.key(&surface, &json!({"name": "ide"})).await?;
    let missing = crate::support::Surface {
        product: surface.product.clone(),
        id: "nope".into(),
    };
    let response = server.mcp(&missing, Some(&key), &initialize("x")).await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let wrong_product = crate::support::Surface {
        product: "nope".into(),
        id: surface.id.clone(),
    };
    let response = server
        .mcp(&wrong_product, Some(&key), &initialize("x"))
        .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn info_is_public_and_the_server_card_lists_tools_only_to_a_key_holder() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("production", &["search", "fetch"]).await?;
    let (key, _) = server
        .key(&surface, &json!({"name": "ide", "scopes": ["fetch"]}))
        .await?;
    let url = format!("{}{}/mcp", server.base, surface.path());
    let info: Value = server
        .client
        .get(format!("{url}/info"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(info["authentication"]["type"], "bearer");
    assert_eq!(info["authentication"]["keyPrefix"], "mcp_prod_");
    assert_eq!(info["url"], url);
    let card: Value = server
        .client
        .get(format!("{url}/.well-known/mcp.json"))
        .send()
        .await?
        .json()
        .await?;
    assert!(
        card.get("tools").is_none(),
        "no tools for an anonymous caller: {card}"
    );
    let card: Value = server
        .client
        .get(format!("{url}/.well-known/mcp.json"))
        .bearer_auth(&key)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(card["tools"], json!([{"name": "fetch"}]));
    Ok(())
}
