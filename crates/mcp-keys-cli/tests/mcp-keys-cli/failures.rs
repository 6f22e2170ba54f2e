//! Bad inputs and failures: each names its cause on stderr as
//! `error: …` and exits with the code `mcp-keys --help` documents.

use anyhow::Result;

use crate::cli::{Cli, KeyService, NO_BUS, text};
use crate::support::free_address;

/// A well-formed management token the service never issued.
const FOREIGN_TOKEN: &str = "mgmt_0000000000000000000000000000000000000000000000";

#[tokio::test]
async fn an_unknown_surface_is_not_found_with_exit_code_3() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    cli.run(&["keys", "list", "srf_nosuchsurface"])
        .await?
        .failure(3, &["surface srf_nosuchsurface not found"])?;
    cli.run(&["keys", "create", "srf_nosuchsurface", "--name", "x"])
        .await?
        .failure(3, &["srf_nosuchsurface"])?;
    cli.run(&["surfaces", "set-status", "srf_nosuchsurface", "inactive"])
        .await?
        .failure(3, &["not found"])?;
    cli.run(&["keys", "revoke", "NoSuchK3", "--yes"])
        .await?
        .failure(3, &["not found"])?;
    Ok(())
}

#[tokio::test]
async fn a_rejected_token_exits_with_4_and_never_prints_the_token() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc_with(service.url(), FOREIGN_TOKEN)?;
    let run = cli.run(&["products", "list"]).await?;
    run.failure(4, &["rejected the management token"])?;
    assert!(!run.stderr.contains(FOREIGN_TOKEN));
    Ok(())
}

#[tokio::test]
async fn a_server_that_is_down_is_unreachable_with_exit_code_5() -> Result<()> {
    let url = format!("http://{}", free_address()?);
    let cli = Cli::ad_hoc_with(&url, FOREIGN_TOKEN)?;
    cli.run(&["surfaces", "list"])
        .await?
        .failure(5, &["cannot reach the key service at", &url])?;
    Ok(())
}

#[tokio::test]
async fn a_rate_limit_exits_with_6_and_says_when_to_retry() -> Result<()> {
    // One failed authentication a minute per address: the second attempt
    // with a bad token is rate limited.
    let service = KeyService::start(&["--failed-auth-per-minute", "1"]).await?;
    let cli = Cli::ad_hoc_with(service.url(), FOREIGN_TOKEN)?;
    cli.run(&["products", "list"]).await?.failure(4, &[])?;
    let run = cli.run(&["products", "list"]).await?;
    run.failure(6, &["rate limiting", "retry in"])?;
    Ok(())
}

#[tokio::test]
async fn without_a_keyring_login_fails_clearly_offers_the_variable_and_saves_nothing() -> Result<()>
{
    let service = KeyService::start(&[]).await?;
    let cli = Cli::saved()?.env(NO_BUS.0, NO_BUS.1);
    let run = cli.login(service.url(), &service.token, &[]).await?;
    run.failure(7, &["keyring", "MCP_KEYS_TOKEN"])?;
    assert!(!run.stderr.contains(&service.token));
    let saved = cli.json(&["connections", "list"]).await?;
    assert_eq!(
        saved,
        serde_json::json!([]),
        "a connection without its token is not kept"
    );
    // The way out the message offers works, keyring or not.
    let adhoc = cli.run_with_stdin(&["products", "list"], None).await?;
    adhoc.failure(1, &["no connection", "MCP_KEYS_TOKEN"])?;
    let products = Cli::ad_hoc(&service)?
        .env(NO_BUS.0, NO_BUS.1)
        .json(&["products", "list"])
        .await?;
    assert!(products.is_array());
    Ok(())
}

#[tokio::test]
async fn server_without_a_token_in_the_environment_is_a_usage_error() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::saved()?;
    cli.run(&["--server", service.url(), "products", "list"])
        .await?
        .failure(
            2,
            &["--server needs the management token in MCP_KEYS_TOKEN"],
        )?;
    Ok(())
}

#[tokio::test]
async fn revoking_without_yes_and_without_a_terminal_is_refused_with_9() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&[]).await?;
    let created = cli
        .json(&["keys", "create", &text(&surface, "id")?, "--name", "k"])
        .await?;
    let key_id = text(&created, "id")?;
    cli.run(&["keys", "revoke", &key_id])
        .await?
        .failure(9, &["--yes"])?;
    let keys = cli.json(&["keys", "list", &text(&surface, "id")?]).await?;
    assert!(keys[0]["revokedAt"].is_null(), "the key was not revoked");
    Ok(())
}

#[tokio::test]
async fn a_roll_with_update_configs_rewrites_the_ide_config_in_place() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&[]).await?;
    let surface_id = text(&surface, "id")?;
    let created = cli
        .json(&["keys", "create", &surface_id, "--name", "MCP - Cursor"])
        .await?;
    let (old_key, key_id) = (text(&created, "key")?, text(&created, "id")?);
    let home = tempfile::tempdir()?;
    let config = home.path().join(".cursor/mcp.json");
    std::fs::create_dir_all(home.path().join(".cursor"))?;
    let before = format!(
        "{{\n  \"mcpServers\": {{\n    \"keys\": {{\n      \"url\": \"{}\",\n      \"headers\": {{ \"Authorization\": \"Bearer {old_key}\" }}\n    }}\n  }}\n}}\n",
        text(&surface, "url")?
    );
    std::fs::write(&config, &before)?;
    let home_arg = home.path().display().to_string();
    let rolled = cli
        .json(&[
            "keys",
            "roll",
            &key_id,
            "--grace",
            "0",
            "--update-configs",
            "--home",
            &home_arg,
        ])
        .await?;
    let new_key = text(&rolled, "key")?;
    let after = std::fs::read_to_string(&config)?;
    assert_eq!(
        after,
        before.replace(&old_key, &new_key),
        "only the key's bytes changed in the config"
    );
    assert_eq!(rolled["configs"]["verified"], true, "{rolled}");
    Ok(())
}

#[tokio::test]
async fn a_bad_value_is_a_usage_error_from_the_parser() -> Result<()> {
    let cli = Cli::saved()?;
    let run = cli.run(&["keys", "roll", "k", "--grace", "1w"]).await?;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("unknown unit"), "{}", run.stderr);
    let run = cli.run(&["surfaces", "set-status", "s", "paused"]).await?;
    assert_eq!(run.code, 2, "{}", run.stderr);
    Ok(())
}

#[tokio::test]
async fn a_scope_outside_the_surface_is_refused_with_the_servers_reason() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&["search"]).await?;
    let run = cli
        .run(&[
            "keys",
            "create",
            &text(&surface, "id")?,
            "--name",
            "k",
            "--scope",
            "delete_everything",
        ])
        .await?;
    run.failure(1, &["refused the request", "delete_everything"])?;
    assert!(run.stdout.is_empty(), "no key was printed");
    Ok(())
}
