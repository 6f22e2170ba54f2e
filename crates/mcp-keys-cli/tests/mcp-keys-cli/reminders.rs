//! `mcp-keys reminders`: what needs attention across the saved connections,
//! on the same logic as the app.

use anyhow::Result;
use serde_json::Value;

use crate::cli::{Cli, KeyService, skip_without_keyring, text};

#[tokio::test]
async fn a_key_expiring_within_a_week_is_listed_and_a_fresh_one_is_not() -> Result<()> {
    if !crate::cli::keyring_available() {
        skip_without_keyring("a_key_expiring_within_a_week…");
        return Ok(());
    }
    let service = KeyService::start(&[]).await?;
    let cli = Cli::saved()?;
    cli.login(service.url(), &service.token, &["--name", "work"])
        .await?
        .success(&["login"])?;
    let surface = cli.surface(&["search"]).await?;
    let surface_id = text(&surface, "id")?;
    let home = tempfile::tempdir()?;
    let home = home.path().to_str().unwrap_or_default().to_owned();

    let nothing = cli.json(&["reminders", "--home", &home]).await?;
    assert_eq!(nothing, Value::Array(Vec::new()), "no key, nothing due");

    cli.ok(&["keys", "create", &surface_id, "--name", "fresh"])
        .await?;
    cli.ok(&[
        "keys",
        "create",
        &surface_id,
        "--name",
        "short-lived",
        "--expires-in",
        "3",
    ])
    .await?;
    let due = cli.json(&["reminders", "--home", &home]).await?;
    let rows = due.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "only the expiring key: {due}");
    assert_eq!(rows[0]["name"], "short-lived");
    assert_eq!(rows[0]["reason"], "expiring");
    assert_eq!(rows[0]["surfaceId"], surface_id.as_str());

    let table = cli.ok(&["reminders", "--home", &home]).await?;
    assert!(
        table.contains("short-lived") && table.contains("expiring") && !table.contains("fresh"),
        "{table}"
    );
    Ok(())
}
