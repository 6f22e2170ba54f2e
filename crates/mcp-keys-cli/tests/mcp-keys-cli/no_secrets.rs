//! After every CLI command has run, the data folder holds no key and no
//! management token: they live in the keyring, or nowhere.

use anyhow::Result;
use mcp_keys_store::test_support::{assert_no_secrets_in, assert_none_of_in};

use crate::cli::{Cli, KeyService, keyring_available, text};

#[tokio::test]
async fn every_command_leaves_no_key_or_token_in_the_data_folder() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    // Saved connections cache what the server says, so they are the case
    // that matters; without a keyring, `--server` runs everything else.
    let saved = keyring_available();
    let cli = if saved {
        let cli = Cli::saved()?;
        cli.login(service.url(), &service.token, &["--name", "main"])
            .await?
            .success(&["login"])?;
        cli.login(service.url(), &service.token, &["--name", "spare"])
            .await?
            .success(&["login"])?;
        cli.ok(&["connections", "list"]).await?;
        cli.ok(&["connections", "default", "spare"]).await?;
        cli.ok(&["connections", "remove", "spare"]).await?;
        cli.ok(&["connections", "default", "main"]).await?;
        cli
    } else {
        eprintln!("note: no keyring in this session; saved connections are not covered here");
        Cli::ad_hoc(&service)?
    };
    let mut keys = Vec::new();
    let surface = cli.surface(&["search"]).await?;
    let surface_id = text(&surface, "id")?;
    let product_id = text(&surface, "productId")?;
    cli.ok(&["products", "list"]).await?;
    cli.ok(&["products", "list", "--json"]).await?;
    cli.ok(&["surfaces", "list"]).await?;
    cli.ok(&["surfaces", "list", "--json"]).await?;
    cli.ok(&[
        "surfaces",
        "create",
        "--product",
        &product_id,
        "--name",
        "Other",
        "--environment",
        "production",
    ])
    .await?;
    cli.ok(&["surfaces", "set-status", &surface_id, "inactive"])
        .await?;
    cli.ok(&["surfaces", "set-status", &surface_id, "active"])
        .await?;
    cli.ok(&["surfaces", "set-environment", &surface_id, "production"])
        .await?;
    let plain = cli
        .ok(&[
            "keys",
            "create",
            &surface_id,
            "--name",
            "plain",
            "--rotate-every",
            "30",
        ])
        .await?;
    keys.push(plain.trim().to_owned());
    let created = cli
        .json(&[
            "keys",
            "create",
            &surface_id,
            "--name",
            "json",
            "--expires-in",
            "7",
        ])
        .await?;
    keys.push(text(&created, "key")?);
    let key_id = text(&created, "id")?;
    cli.ok(&["keys", "list", &surface_id]).await?;
    cli.ok(&["keys", "list", &surface_id, "--json"]).await?;
    let rolled = cli
        .json(&["keys", "roll", &key_id, "--grace", "1h"])
        .await?;
    keys.push(text(&rolled, "key")?);
    let rolled_plain = cli
        .ok(&["keys", "roll", &text(&rolled, "id")?, "--grace", "0"])
        .await?;
    keys.push(rolled_plain.trim().to_owned());
    cli.ok(&["keys", "revoke", &key_id, "--yes"]).await?;
    cli.ok(&["keys", "list", &surface_id]).await?;
    cli.ok(&["completions", "bash"]).await?;

    assert!(cli.db_path().exists(), "the commands used the store");
    assert_no_secrets_in(cli.data_dir());
    let mut secrets: Vec<&str> = keys.iter().map(String::as_str).collect();
    secrets.push(&service.token);
    assert_none_of_in(cli.data_dir(), &secrets);
    if saved {
        cli.ok(&["connections", "remove", "main"]).await?;
    }
    Ok(())
}
