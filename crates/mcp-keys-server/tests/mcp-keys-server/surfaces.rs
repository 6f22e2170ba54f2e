//! Surfaces and their capabilities.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, id};

#[tokio::test]
async fn a_surface_is_created_with_defaults_and_shown_with_items_and_keys() -> Result<()> {
    let server = Server::start().await?;
    let product = server.product().await?;
    let (status, created) = server
        .post(
            &format!("/v1/products/{product}/surfaces"),
            &json!({"name": "S", "type": "mcp"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["status"], "active");
    assert_eq!(created["environment"], "development");
    let surface = id(&created)?;
    assert_eq!(
        created["url"],
        format!(
            "{}/v1/products/{product}/surfaces/{surface}/mcp",
            server.base
        )
    );
    let path = format!("/v1/products/{product}/surfaces/{surface}");
    server
        .post(
            &format!("{path}/items"),
            &json!({"capabilityName": "search"}),
        )
        .await?;
    server
        .post(&format!("{path}/keys"), &json!({"name": "cursor"}))
        .await?;
    let (status, shown) = server.get(&path).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["items"][0]["capabilityName"], "search");
    assert_eq!(shown["keys"][0]["name"], "cursor");
    assert!(
        shown["keys"][0].get("key").is_none(),
        "a surface never shows a key"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_products_and_surfaces_are_404() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (status, body) = server
        .post(
            "/v1/products/nope/surfaces",
            &json!({"name": "S", "type": "mcp"}),
        )
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let elsewhere = format!("/v1/products/{}/surfaces/nope", surface.product);
    assert_eq!(server.get(&elsewhere).await?.0, StatusCode::NOT_FOUND);
    assert_eq!(
        server.put(&elsewhere, &json!({"name": "x"})).await?.0,
        StatusCode::NOT_FOUND
    );
    let items = format!("{elsewhere}/items");
    let (status, _) = server.post(&items, &json!({"capabilityName": "a"})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let wrong_product = format!("/v1/products/nope/surfaces/{}", surface.id);
    assert_eq!(server.get(&wrong_product).await?.0, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn only_mcp_surfaces_with_known_statuses_can_be_created() -> Result<()> {
    let server = Server::start().await?;
    let product = server.product().await?;
    let path = format!("/v1/products/{product}/surfaces");
    let (status, _) = server
        .post(&path, &json!({"name": "S", "type": "rest"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            &path,
            &json!({"name": "S", "type": "mcp", "status": "paused"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn an_update_changes_only_the_fields_it_names() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (status, updated) = server
        .put(
            &surface.path(),
            &json!({"status": "inactive", "environment": "production"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["status"], "inactive");
    assert_eq!(updated["environment"], "production");
    assert_eq!(
        updated["name"], "Docs MCP",
        "the name was not named, so it stays"
    );
    let (status, _) = server
        .put(&surface.path(), &json!({"status": "paused"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn capabilities_are_unique_and_must_be_valid_tool_names() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let items = format!("{}/items", surface.path());
    let (status, body) = server
        .post(&items, &json!({"capabilityName": "search"}))
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, _) = server
        .post(&items, &json!({"capabilityName": "no spaces"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn surfaces_are_listed_across_products_with_filters_and_pages() -> Result<()> {
    let server = Server::start().await?;
    let first = server.surface("development", &[]).await?;
    let second = server.surface("production", &[]).await?;
    let third = server.surface("production", &[]).await?;
    server
        .put(&third.path(), &json!({"status": "inactive"}))
        .await?;

    let (_, all) = server.get("/v1/surfaces?type=mcp").await?;
    assert_eq!(all["pagination"]["totalCount"], 3);
    let (_, production) = server
        .get("/v1/surfaces?environment=production&status=active")
        .await?;
    assert_eq!(production["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(production["data"][0]["id"], second.id.as_str());

    let (_, page) = server.get("/v1/surfaces?limit=1").await?;
    assert_eq!(page["data"][0]["id"], first.id.as_str());
    let cursor = page["pagination"]["nextCursor"]
        .as_str()
        .unwrap_or_default();
    let (_, next) = server
        .get(&format!("/v1/surfaces?limit=1&cursor={cursor}"))
        .await?;
    assert_eq!(next["data"][0]["id"], second.id.as_str());

    let (status, _) = server.get("/v1/surfaces?environment=staging").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}

/// A surface's upstream (DESIGN §7) is set on create, changed, removed with
/// `null`, and kept as given; a command needs the operator's consent, a
/// malformed upstream is refused with the reason, and a credential never
/// enters the database as plain text.
pub(crate) async fn upstream_lifecycle(server: &Server, commands_allowed: bool) -> Result<()> {
    let product = server.product().await?;
    let surfaces = format!("/v1/products/{product}/surfaces");
    let remote = json!({"type": "http", "url": "https://mcp.example.org/mcp",
        "headers": {"Authorization": {"secretRef": "example-token"}, "X-Team": "platform"}});
    let (status, created) = server
        .post(
            &surfaces,
            &json!({"name": "Remote", "type": "mcp", "upstream": remote}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["upstream"], remote);
    let path = format!("{surfaces}/{}", id(&created)?);
    let (_, shown) = server.get(&path).await?;
    assert_eq!(shown["upstream"], remote, "stored as given");

    // Renaming leaves the upstream alone; `null` removes it.
    let (status, renamed) = server.put(&path, &json!({"name": "Remote 2"})).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["upstream"], remote);
    let (_, removed) = server.put(&path, &json!({"upstream": null})).await?;
    assert!(removed["upstream"].is_null(), "{removed}");

    // Malformed: refused with the reason, nothing changed.
    for (upstream, reason) in [
        (
            json!({"type": "http", "url": "ftp://example.org"}),
            "not an http",
        ),
        (
            json!({"type": "http", "url": "https://user:pw@example.org/mcp"}),
            "user name or password",
        ),
        (
            json!({"type": "http", "url": "https://example.org/mcp",
                "headers": {"Authorization": "Bearer sk-live-123"}}),
            "secretRef",
        ),
        (json!({"type": "stdio", "command": ""}), "empty"),
        (json!({"type": "ws", "url": "wss://example.org"}), ""),
    ] {
        let (status, body) = server.put(&path, &json!({"upstream": upstream})).await?;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST,
            "{upstream} answered {status}: {body}"
        );
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{upstream}: {message}");
        assert!(
            !message.contains("sk-live-123"),
            "a refused secret is not echoed"
        );
    }
    let (_, shown) = server.get(&path).await?;
    assert!(shown["upstream"].is_null());

    // A command runs programs on the host: only with the operator's consent.
    let local = json!({"type": "stdio", "command": "uvx", "args": ["mcp-server-time"],
        "env": {"TZ": "UTC"}});
    let (status, body) = server.put(&path, &json!({"upstream": local})).await?;
    if commands_allowed {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["upstream"], local);
    } else {
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "upstream_commands_disabled");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|message| message.contains("--allow-upstream-commands")),
            "{body}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_upstream_is_set_changed_and_removed_and_commands_need_consent() -> Result<()> {
    upstream_lifecycle(&Server::start().await?, false).await?;
    let allowing = Server::start_with(|config| config.allow_upstream_commands = true).await?;
    upstream_lifecycle(&allowing, true).await
}
