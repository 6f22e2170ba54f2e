//! Saved connections with the real OS keyring: login, default, list,
//! remove, and MCP_KEYS_TOKEN in place of the keyring's token.

use anyhow::{Context, Result};
use serde_json::Value;

use crate::cli::{Cli, KeyService, NO_BUS, keyring_available, skip_without_keyring, text};

#[tokio::test]
async fn login_saves_a_connection_that_later_commands_use_until_it_is_removed() -> Result<()> {
    if !keyring_available() {
        skip_without_keyring("login_saves_a_connection…");
        return Ok(());
    }
    let first = KeyService::start(&[]).await?;
    let second = KeyService::start(&[]).await?;
    let cli = Cli::saved()?;

    let saved = cli.login(first.url(), &first.token, &["--json"]).await?;
    let saved: Value = serde_json::from_str(&saved.success(&["login"])?.stdout)?;
    assert_eq!(
        saved["isDefault"], true,
        "the first connection is the default"
    );
    let first_name = text(&saved, "name")?;
    assert_eq!(
        first_name,
        first.url().trim_start_matches("http://"),
        "named after the server's host and port"
    );

    // The saved default needs neither --server nor MCP_KEYS_TOKEN.
    cli.json(&["products", "create", "On the first"]).await?;

    let human = cli
        .login(second.url(), &second.token, &["--name", "second"])
        .await?
        .success(&["login"])?;
    assert!(
        human.stdout.contains("Saved connection \"second\""),
        "{}",
        human.stdout
    );
    let connections = cli.json(&["connections", "list"]).await?;
    let names: Vec<&str> = connections
        .as_array()
        .context("connections list --json is an array")?
        .iter()
        .filter_map(|connection| connection["name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{connections}");
    assert!(names.contains(&"second") && names.contains(&first_name.as_str()));
    assert!(
        !connections.to_string().contains(&first.token),
        "the list never shows a token"
    );

    let default = cli.json(&["connections", "default", "second"]).await?;
    assert_eq!(default["isDefault"], true);
    let on_second = cli.json(&["products", "list"]).await?;
    assert_eq!(on_second, serde_json::json!([]), "the default moved");
    let on_first = cli
        .json(&["--connection", &first_name, "products", "list"])
        .await?;
    assert_eq!(on_first[0]["name"], "On the first");

    // Removed: the keyring entry goes with it, and the name is unknown.
    cli.json(&["connections", "remove", &first_name]).await?;
    cli.run(&["--connection", &first_name, "products", "list"])
        .await?
        .failure(3, &["no saved connection is named"])?;
    cli.ok(&["connections", "remove", "second"]).await?;
    cli.run(&["products", "list"])
        .await?
        .failure(1, &["no connection", "mcp-keys login"])?;
    Ok(())
}

#[tokio::test]
async fn a_wrong_token_is_not_saved_at_login() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    // Whether or not a keyring exists: the token is checked first.
    let cli = Cli::saved()?;
    let run = cli
        .login(
            service.url(),
            "mgmt_0000000000000000000000000000000000000000000000",
            &[],
        )
        .await?;
    run.failure(4, &["rejected the management token"])?;
    assert_eq!(
        cli.json(&["connections", "list"]).await?,
        serde_json::json!([])
    );
    let empty = cli.login(service.url(), "", &[]).await?;
    empty.failure(2, &["no token on stdin"])?;
    Ok(())
}

#[tokio::test]
async fn the_token_variable_stands_in_for_the_keyring_of_a_saved_connection() -> Result<()> {
    if !keyring_available() {
        skip_without_keyring("the_token_variable_stands_in…");
        return Ok(());
    }
    let service = KeyService::start(&[]).await?;
    let cli = Cli::saved()?;
    cli.login(service.url(), &service.token, &["--name", "mine"])
        .await?
        .success(&["login"])?;
    // With the session bus gone, the keyring cannot answer: the saved
    // connection still works with MCP_KEYS_TOKEN.
    let args = ["products", "list", "--json"];
    let without = cli.run_with(&args, None, &[NO_BUS]).await?;
    without.failure(7, &["keyring", "MCP_KEYS_TOKEN"])?;
    let with = cli
        .run_with(&args, None, &[NO_BUS, ("MCP_KEYS_TOKEN", &service.token)])
        .await?
        .success(&args)?;
    assert_eq!(with.stdout.trim(), "[]");
    cli.ok(&["connections", "remove", "mine"]).await?;
    Ok(())
}

#[tokio::test]
async fn an_upstream_secret_is_read_from_stdin_into_the_keyring_and_deleted() -> Result<()> {
    use mcp_keys_store::{KeyringSecrets, SecretStore as _, UPSTREAM_SECRETS_SERVICE};
    if !keyring_available() {
        skip_without_keyring("an_upstream_secret_is_read_from_stdin…");
        return Ok(());
    }
    let cli = Cli::saved()?;
    let name = format!("cli-test-{}", std::process::id());
    let saved = cli
        .run_with_stdin(&["secrets", "set", &name], Some("ghp_from_stdin\n"))
        .await?
        .success(&["secrets", "set"])?;
    assert!(saved.stdout.contains("Saved secret"), "{}", saved.stdout);
    assert!(!saved.stdout.contains("ghp_from_stdin"));
    let keyring = KeyringSecrets::with_service(UPSTREAM_SECRETS_SERVICE)?;
    assert_eq!(
        keyring.get(&name)?.map(|secret| secret.expose().clone()),
        Some("ghp_from_stdin".to_owned()),
        "where the app's embedded service reads it"
    );
    cli.run(&["secrets", "delete", &name])
        .await?
        .success(&["secrets", "delete"])?;
    assert!(keyring.get(&name)?.is_none());

    let refused = cli
        .run_with_stdin(&["secrets", "set", "no spaces"], Some("x\n"))
        .await?;
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("not a secret name"),
        "{}",
        refused.stderr
    );
    Ok(())
}
