//! "Install into…" in the reveal of a new key (DESIGN §8): the app puts the
//! key into a keyring slot and Claude Code's config names the slot through
//! its headers helper, then the real Claude Code connects with it.

use anyhow::{Context, Result};
use mcp_keys_e2e::{App, ClientHome, testid};
use serde_json::Value;

use crate::flows::{first_surface, shot, show_key, wait_for_text_in};

/// The value of `name` in the app's environment (its private desktop's).
fn app_env(app: &App, name: &str) -> Result<String> {
    app.desktop()
        .env()
        .into_iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .with_context(|| format!("the app's environment has no {name}"))
}

#[tokio::test]
async fn a_new_key_installed_into_claude_code_connects_with_no_key_in_its_config() -> Result<()> {
    let app = App::launch("install-claude-code").await?;
    let url = first_surface(&app).await?;
    // Cursor's folder makes Cursor a client on this machine: listed first.
    let home = std::path::PathBuf::from(app_env(&app, "HOME")?);
    std::fs::create_dir_all(home.join(".cursor"))?;
    app.click("generate-key").await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    app.find(&testid("install-client-claude-code")).await?;
    let first = app
        .eval("return document.querySelector('[data-testid^=\"install-client-\"]').dataset.testid")
        .await?;
    assert_eq!(
        first, "install-client-cursor",
        "detected clients come first"
    );
    app.find(&testid("install-detected-cursor")).await?;
    shot(&app, "install-panel").await?;

    app.click("install-submit-claude-code").await?;
    let result = wait_for_text_in(
        &app,
        &testid("install-result-claude-code"),
        "Installed into Claude Code through helper: ~/.claude.json",
    )
    .await?;
    assert!(
        result.contains("the key is in keyring slot claude-code-"),
        "the result names the slot: {result}"
    );
    shot(&app, "installed").await?;
    let key = show_key(&app).await?;

    // The config names the helper and the surface, never the key.
    let text = std::fs::read_to_string(home.join(".claude.json"))?;
    assert!(!text.contains(&key), "no key in ~/.claude.json: {text}");
    assert!(
        !text.contains("mcp_dev_") && !text.contains("mcp_prod_"),
        "no key of any kind in ~/.claude.json: {text}"
    );
    let config: Value = serde_json::from_str(&text)?;
    let (server, entry) = config["mcpServers"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, entry)| entry["url"] == url.as_str())
        .with_context(|| format!("no server for {url} in ~/.claude.json: {text}"))?;
    let helper = entry["headersHelper"].as_str().unwrap_or_default();
    assert!(
        helper.contains("mcp-keys") && helper.contains("headers --slot claude-code-"),
        "Claude Code runs the mcp-keys beside the app for the headers: {entry}"
    );

    // The real Claude Code, in a project under the app's home, with the
    // app's keyring: `mcp list` connects to every server.
    let clients = ClientHome::new("install-claude-code-client")?;
    let project = home.join("project");
    std::fs::create_dir_all(&project)?;
    let status = std::process::Command::new("git")
        .args(["init", "--quiet"])
        .arg(&project)
        .status()?;
    anyhow::ensure!(status.success(), "git init {} failed", project.display());
    let mut command = clients.command("claude", &project);
    command
        .env("HOME", &home)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            app_env(&app, "DBUS_SESSION_BUS_ADDRESS")?,
        )
        .args(["mcp", "list"]);
    let listed = clients.run(&mut command)?.stdout;
    let line = listed
        .lines()
        .find(|line| line.contains(&format!("{server}:")))
        .with_context(|| format!("claude mcp list does not list {server}:\n{listed}"))?;
    assert!(
        line.contains("Connected") && !line.contains("Disconnected"),
        "Claude Code connects with the key from the keyring: {listed}"
    );
    app.close().await
}
