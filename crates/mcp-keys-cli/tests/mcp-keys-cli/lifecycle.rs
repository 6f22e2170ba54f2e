//! The whole life of a key through the CLI, checked where it matters: at
//! the surface's MCP endpoint.

use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;

use crate::cli::{Cli, KeyService, mcp_tools_list, text};

#[tokio::test]
async fn a_key_is_created_used_rolled_with_grace_and_revoked() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&["search"]).await?;
    let surface_id = text(&surface, "id")?;

    // Created: stdout is the key and nothing else.
    let stdout = cli
        .ok(&["keys", "create", &surface_id, "--name", "MCP - Cursor"])
        .await?;
    let first = stdout.trim_end_matches('\n');
    assert!(
        first.starts_with("mcp_dev_") && first.len() == "mcp_dev_".len() + 46,
        "stdout holds only the key"
    );
    assert_eq!(
        mcp_tools_list(&surface, first).await?,
        (StatusCode::OK, String::new()),
        "the new key opens the MCP endpoint"
    );

    // Rolled with a grace period: both keys work for now.
    let keys = cli.json(&["keys", "list", &surface_id]).await?;
    let first_id = text(&keys[0], "id")?;
    let rolled = cli
        .json(&["keys", "roll", &first_id, "--grace", "3s"])
        .await?;
    let second = text(&rolled, "key")?;
    let second_id = text(&rolled, "id")?;
    assert_ne!(second, first);
    assert_eq!(rolled["oldKey"]["id"], first_id.as_str());
    assert_eq!(rolled["degraded"], false, "our service rolls keys itself");
    let grace_end: DateTime<Utc> = text(&rolled["oldKey"], "expiresAt")?
        .parse()
        .context("oldKey.expiresAt")?;
    assert_eq!(mcp_tools_list(&surface, &second).await?.0, StatusCode::OK);
    assert_eq!(
        mcp_tools_list(&surface, first).await?.0,
        StatusCode::OK,
        "the old key works during the grace period"
    );

    // The grace period ends: the old key is refused, the new one is not.
    let wait = (grace_end - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(1200)).await;
    assert_eq!(
        mcp_tools_list(&surface, first).await?,
        (StatusCode::UNAUTHORIZED, "expired".to_owned()),
        "the old key is refused once the grace period is over"
    );
    assert_eq!(mcp_tools_list(&surface, &second).await?.0, StatusCode::OK);

    // Revoked: refused at once.
    let revoked = cli.json(&["keys", "revoke", &second_id, "--yes"]).await?;
    assert_eq!(revoked["id"], second_id.as_str());
    assert!(revoked["revokedAt"].is_string(), "{revoked}");
    assert_eq!(
        mcp_tools_list(&surface, &second).await?,
        (StatusCode::UNAUTHORIZED, "revoked".to_owned()),
        "a revoked key is refused on the next request"
    );

    // The list says so too.
    let keys = cli.json(&["keys", "list", &surface_id]).await?;
    let listed = keys.as_array().context("keys list --json is an array")?;
    assert_eq!(listed.len(), 2);
    assert!(
        listed.iter().all(|key| key.get("key").is_none()),
        "a key list never holds a key"
    );
    Ok(())
}

#[tokio::test]
async fn keys_create_with_json_prints_the_key_with_its_metadata() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&["search", "fetch"]).await?;
    let surface_id = text(&surface, "id")?;
    let created = cli
        .json(&[
            "keys",
            "create",
            &surface_id,
            "--name",
            "CI",
            "--scope",
            "search",
            "--environment",
            "production",
            "--expires-in",
            "30",
        ])
        .await?;
    let key = text(&created, "key")?;
    assert!(key.starts_with("mcp_prod_"), "a production key");
    assert_eq!(created["name"], "CI");
    assert_eq!(created["surfaceId"], surface_id.as_str());
    assert_eq!(created["scopes"], serde_json::json!(["search"]));
    assert!(created["expiresAt"].is_string());
    assert!(
        key.starts_with(&text(&created, "keyPrefix")?),
        "the metadata describes this key"
    );
    Ok(())
}
