//! The Settings page: what is saved there is what the app does.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use mcp_keys_e2e::{App, testid};

/// The text of the `.desktop` entry in `dir` once there is one (`present`),
/// or once there is none.
async fn wait_for_entry(dir: &std::path::Path, present: bool) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let entry = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .find(|entry| entry.path().extension().is_some_and(|ext| ext == "desktop"));
        match (entry, present) {
            (Some(entry), true) => return Ok(std::fs::read_to_string(entry.path())?),
            (None, false) => return Ok(String::new()),
            _ if Instant::now() > deadline => {
                bail!(
                    "the autostart entry in {} did not follow the checkbox",
                    dir.display()
                )
            }
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

#[tokio::test]
async fn the_clipboard_delay_set_in_settings_clears_a_copied_key() -> Result<()> {
    let app = App::launch("settings-clipboard").await?;
    app.click("first-surface-submit").await?;
    app.find(&testid("keys-empty")).await?;

    app.click("nav-settings").await?;
    app.find(&testid("settings-page")).await?;
    app.fill("settings-clipboard-seconds", "2").await?;
    app.fill("settings-rotation-production", "30").await?;
    app.click("settings-save").await?;
    app.find(&testid("settings-saved")).await?;
    app.screenshot("saved").await?;

    app.click_css("[data-testid=\"sidebar\"] [data-testid^=\"surface-\"]")
        .await?;
    app.find(&testid("keys-empty")).await?;
    app.click("generate-key").await?;
    app.fill("generate-name", "MCP - Zed").await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    app.click("reveal-copy").await?;
    app.find(&testid("reveal-copied")).await?;
    let copied = app.clipboard()?;
    assert!(copied.trim().starts_with("mcp_dev_"), "the key was copied");

    // Two seconds, not the default 45: the saved delay is applied.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app.clipboard()?.trim().is_empty() {
        if Instant::now() > deadline {
            bail!("the clipboard still holds the key 10 s after a 2 s delay");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.click("reveal-close").await?;
    app.click("reveal-close-confirm").await?;

    // The page shows what was stored.
    app.click("nav-settings").await?;
    let seconds = app
        .find(&testid("settings-clipboard-seconds"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(seconds.as_deref(), Some("2"));
    let production = app
        .find(&testid("settings-rotation-production"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(production.as_deref(), Some("30"));

    // What was done from here, the first run's product included.
    app.wait_for_text("Key generated").await?;
    let history = app.text(&testid("settings-audit")).await?;
    for done in ["Product created", "Surface created", "Key generated"] {
        assert!(
            history.contains(done),
            "{done:?} is in the history: {history}"
        );
    }
    assert!(
        !history.contains(copied.trim()),
        "the history never shows a key"
    );

    // Start at login: an XDG autostart entry that starts the app hidden in
    // the tray, and none once unticked.
    let autostart = app.desktop().home().join("home/.config/autostart");
    app.click("settings-autostart").await?;
    let entry = wait_for_entry(&autostart, true).await?;
    assert!(entry.contains("--hidden"), "starts hidden: {entry}");
    app.click("settings-autostart").await?;
    wait_for_entry(&autostart, false).await?;
    app.close().await
}
