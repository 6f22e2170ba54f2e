//! `surfaces create --upstream-*` and `surfaces set-upstream` against the
//! real `mcp-keys serve`: with and without `--allow-upstream-commands`.

use anyhow::Result;
use serde_json::json;

use crate::cli::{Cli, KeyService, text};

#[tokio::test]
async fn a_service_without_consent_refuses_commands_and_says_how_to_allow_them() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&[]).await?;
    let surface_id = text(&surface, "id")?;
    cli.run(&[
        "surfaces",
        "set-upstream",
        &surface_id,
        "--upstream-stdio",
        "uvx mcp-server-time",
    ])
    .await?
    .failure(1, &["--allow-upstream-commands"])?;

    // A remote server with its credential named, never given.
    let updated = cli
        .json(&[
            "surfaces",
            "set-upstream",
            &surface_id,
            "--upstream-url",
            "https://mcp.example.org/mcp",
            "--upstream-secret",
            "Authorization=example-token",
        ])
        .await?;
    assert_eq!(
        updated["upstream"],
        json!({"type": "http", "url": "https://mcp.example.org/mcp",
            "headers": {"Authorization": {"secretRef": "example-token"}}})
    );
    let cleared = cli
        .json(&["surfaces", "set-upstream", &surface_id, "--none"])
        .await?;
    assert!(
        cleared
            .get("upstream")
            .is_none_or(serde_json::Value::is_null)
    );
    Ok(())
}

#[tokio::test]
async fn with_consent_a_surface_is_created_in_front_of_a_command() -> Result<()> {
    let service = KeyService::start(&["--allow-upstream-commands"]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let product = cli.json(&["products", "create", "Acme"]).await?;
    let product_id = text(&product, "id")?;
    let created = cli
        .json(&[
            "surfaces",
            "create",
            "--product",
            &product_id,
            "--name",
            "Notes",
            "--upstream-stdio",
            "npx -y @modelcontextprotocol/server-filesystem '/srv/my notes'",
        ])
        .await?;
    assert_eq!(
        created["upstream"],
        json!({"type": "stdio", "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv/my notes"]})
    );
    // A credential in plain text is refused before anything is sent.
    cli.run(&[
        "surfaces",
        "create",
        "--product",
        &product_id,
        "--name",
        "Leaky",
        "--upstream-stdio",
        "uvx mcp-server-git",
        "--upstream-env",
        "GITHUB_TOKEN=ghp_secret",
    ])
    .await?
    .failure(2, &["secretRef"])?;
    Ok(())
}
