//! Rotating in one step: Roll, with "Update these IDE
//! configs" checked, writes the new key into Cursor's config in place (only
//! the key's bytes change), checks it on the surface and says to restart
//! Cursor; with no grace period the old key is refused at once.
//!
//! The app reads `HOME` for the clients' global configs, so the test gives it
//! a temporary one.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use anyhow::{Context, Result};
use mcp_keys_e2e::{App, mcp_tools_list, testid};
use reqwest::StatusCode;

use crate::flows::{close_reveal, first_surface, shot, show_key, text_content, wait_for_text_in};

/// The key id: the 8 characters after `mcp_dev_`.
fn key_id(key: &str) -> Result<String> {
    let rest = key.strip_prefix("mcp_dev_").context("a development key")?;
    Ok(rest.chars().take(8).collect())
}

/// Cursor's `mcp.json` as a person might have written it: tabs, a stdio
/// server before ours, one-line objects, a second header after the key. Any
/// of it changing would show in a byte comparison.
fn cursor_config(url: &str, key: &str) -> String {
    format!(
        "{{\n\t\"mcpServers\": {{\n\
         \t\t\"git\": {{ \"command\": \"uvx\", \"args\": [\"mcp-server-git\"] }},\n\
         \t\t\"docs\": {{\n\
         \t\t\t\"url\": \"{url}\",\n\
         \t\t\t\"headers\": {{ \"Authorization\": \"Bearer {key}\",  \"X-Team\": \"platform\" }}\n\
         \t\t}}\n\t}}\n}}\n"
    )
}

fn mode(path: &Path) -> Result<u32> {
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[tokio::test]
async fn rolling_a_key_cursor_uses_updates_its_config_in_place_and_ends_the_old_key() -> Result<()>
{
    let home = tempfile::tempdir()?;
    let home_path = home.path().to_str().context("a UTF-8 temp path")?;
    // The folder exists before the app starts, so it watches it and sees the
    // config appear (it watches existing folders only).
    let cursor_dir = home.path().join(".cursor");
    std::fs::create_dir_all(&cursor_dir)?;
    let config = cursor_dir.join("mcp.json");
    let app = App::launch_with_env("rotate-cursor", &[("HOME", home_path)]).await?;

    let url = first_surface(&app).await?;
    app.click("generate-key").await?;
    app.fill("generate-name", "MCP - Cursor").await?;
    app.click("generate-submit").await?;
    let old = show_key(&app).await?;
    close_reveal(&app).await?;
    let old_id = key_id(&old)?;

    let before = cursor_config(&url, &old);
    std::fs::write(&config, &before)?;
    // Doctor wants a file holding a plaintext key readable by its owner only.
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600))?;
    assert_eq!(
        mcp_tools_list(&url, &old).await?.0,
        StatusCode::OK,
        "the old key works before the roll"
    );
    wait_for_text_in(&app, &testid(&format!("key-used-by-{old_id}")), "Cursor")
        .await
        .context("the Keys tab sees Cursor's new config without a manual scan")?;
    shot(&app, "used-by-cursor").await?;
    // Gemini CLI reaches the same surface through a variable that the shell
    // profile sets: a roll cannot change it, so the report must say where.
    let gemini = home.path().join(".gemini/settings.json");
    std::fs::create_dir_all(gemini.parent().context("folder")?)?;
    std::fs::write(
        &gemini,
        serde_json::json!({"mcpServers": {"docs": {"url": url, "type": "http",
            "headers": {"Authorization": "Bearer ${MK_DOCS}"}}}})
        .to_string(),
    )?;
    let bashrc = home.path().join(".bashrc");
    std::fs::write(&bashrc, "# keys\nexport MK_DOCS=set-by-the-user\n")?;

    app.click(&format!("key-roll-{old_id}")).await?;
    let affected = text_content(&app, &testid("roll-affected-configs")).await?;
    assert!(
        affected.contains(&config.display().to_string()),
        "the dialog lists Cursor's config: {affected}"
    );
    assert!(
        app.find(&testid("roll-update-configs"))
            .await?
            .is_selected()
            .await?,
        "updating the configs is the default"
    );
    // As it opens (WebKitWebDriver may paint a radio's change late).
    shot(&app, "roll-dialog").await?;
    app.click("roll-grace-0").await?;
    assert!(
        app.find(&testid("roll-grace-0"))
            .await?
            .is_selected()
            .await?,
        "no grace period: the old key ends with the roll"
    );
    app.click("roll-submit").await?;

    let report = testid("roll-config-report");
    let updated = text_content(&app, &testid("roll-config-updated-0")).await?;
    assert!(
        updated.contains("Cursor") && updated.contains(&config.display().to_string()),
        "the report says Cursor's config was updated: {updated}"
    );
    let restart = text_content(&app, &testid("roll-config-restart")).await?;
    assert!(
        restart.contains("Restart Cursor") && restart.contains("already stopped working"),
        "the report says to restart Cursor, and that the old key has stopped: {restart}"
    );
    let verified = app
        .find(&testid("roll-config-verified"))
        .await?
        .attr("data-verified")
        .await?;
    assert_eq!(
        verified.as_deref(),
        Some("true"),
        "the surface accepts the new key: {}",
        text_content(&app, &report).await?
    );
    let failed = app
        .eval(&format!(
            "return document.querySelectorAll({}).length;",
            serde_json::to_string(&format!("{report} [data-testid^=roll-config-failed-]"))?
        ))
        .await?;
    assert_eq!(failed.as_u64(), Some(0), "no config failed");
    let variable = text_content(&app, &testid("roll-config-variable-MK_DOCS")).await?;
    assert!(
        variable.contains("may still hold the old key")
            && variable.contains("Gemini CLI")
            && variable.contains(&format!("{}:2", bashrc.display())),
        "the report names the variable and the line that sets it: {variable}"
    );
    let new = show_key(&app).await?;
    assert_ne!(new, old, "a roll makes a new key");
    shot(&app, "roll-report").await?;

    let after = std::fs::read_to_string(&config)?;
    assert!(
        after.contains(&new) && !after.contains(&old),
        "Cursor's config holds the new key, not the old:\n{after}"
    );
    assert_eq!(
        after,
        before.replace(&old, &new),
        "only the key's bytes changed in Cursor's config"
    );
    assert_eq!(
        mode(&config)?,
        0o600,
        "the rewritten config keeps its permissions"
    );
    close_reveal(&app).await?;

    let (status, body) = mcp_tools_list(&url, &new).await?;
    assert_eq!(status, StatusCode::OK, "the new key works at once: {body}");
    let (status, body) = mcp_tools_list(&url, &old).await?;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "with no grace period the old key is refused at once: {body}"
    );
    // The shared scan ran again: Cursor now uses the new key.
    wait_for_text_in(
        &app,
        &testid(&format!("key-used-by-{}", key_id(&new)?)),
        "Cursor",
    )
    .await?;
    shot(&app, "rolled").await?;
    app.close().await
}
