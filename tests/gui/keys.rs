//! The flows people open the app for: a first surface, a key generated and
//! copied once, revoked, rolled, each checked against the real embedded key
//! service with a real MCP request.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{App, mcp_tools_list, testid};
use reqwest::StatusCode;

use crate::flows::{close_reveal, first_surface, show_key};

/// The clipboard delay the app is started with, so the test need not wait 45 s.
const CLEAR_SECONDS: &str = "3";

/// Generates a key named `name` and opens its reveal; returns the key text
/// as the Show button displays it.
async fn generate(app: &App, name: &str) -> Result<String> {
    app.click("generate-key").await?;
    app.fill("generate-name", name).await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    let masked = app.text(&testid("reveal-key-text")).await?;
    assert!(
        !masked.contains(|c: char| c.is_ascii_alphanumeric()) || masked.contains('•'),
        "before Show the key is masked, got {masked:?}"
    );
    show_key(app).await
}

/// The key id: the 8 characters after `mcp_<env>_`.
fn key_id(key: &str) -> Result<String> {
    let rest = key
        .strip_prefix("mcp_dev_")
        .or_else(|| key.strip_prefix("mcp_prod_"))
        .context("not an mcp_ key")?;
    Ok(rest.chars().take(8).collect())
}

#[tokio::test]
async fn a_generated_key_is_copied_once_works_at_once_and_leaves_the_clipboard() -> Result<()> {
    let app = App::launch_with_env(
        "keys-generate-copy",
        &[("MCP_KEYS_CLIPBOARD_CLEAR_SECONDS", CLEAR_SECONDS)],
    )
    .await?;
    let url = first_surface(&app).await?;
    app.screenshot("surface").await?;
    let key = generate(&app, "MCP - Cursor").await?;
    app.screenshot("reveal").await?;

    app.click("reveal-copy").await?;
    app.find(&testid("reveal-copied")).await?;
    assert_eq!(
        app.clipboard()?.trim(),
        key,
        "Copy puts exactly the key on the system clipboard"
    );
    let (status, body) = mcp_tools_list(&url, &key).await?;
    assert_eq!(status, StatusCode::OK, "the new key works at once: {body}");

    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        app.clipboard()?.trim(),
        "",
        "after the delay the clipboard no longer holds the key"
    );
    close_reveal(&app).await?;
    let row = testid(&format!("key-row-{}", key_id(&key)?));
    app.find(&row).await?;
    // The row's whole text, also the cells scrolled out of the table's view.
    let row = app
        .eval(&format!(
            "return document.querySelector('{row}').textContent"
        ))
        .await?;
    assert!(
        row.as_str()
            .is_some_and(|text| text.contains("MCP - Cursor")),
        "the key is listed: {row}"
    );
    assert!(
        !app.page_text().await?.contains(&key),
        "after closing, the key text is nowhere on the page"
    );
    app.screenshot("listed").await?;

    // Rotation due as the reminders judge it: Settings' 180 days for a
    // development key, and Never for a key made with "Remind to rotate: Never".
    let due = rotation_due(&app, &key_id(&key)?).await?;
    assert!(
        !due.is_empty() && due != "Never" && due != "—",
        "a date: {due:?}"
    );
    app.click("generate-key").await?;
    app.fill("generate-name", "MCP - Zed").await?;
    app.find(&testid("generate-rotation"))
        .await?
        .select_by_value("never")
        .await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    let never = show_key(&app).await?;
    close_reveal(&app).await?;
    assert_eq!(rotation_due(&app, &key_id(&never)?).await?, "Never");
    app.close().await
}

/// The Keys table's "Rotation due" of a key, also when scrolled out of view.
async fn rotation_due(app: &App, key_id: &str) -> Result<String> {
    app.find(&testid(&format!("key-row-{key_id}"))).await?;
    let text = app
        .eval(&format!(
            "return document.querySelector('[data-testid=\"key-rotation-{key_id}\"]').textContent"
        ))
        .await?;
    Ok(text.as_str().unwrap_or_default().trim().to_owned())
}

#[tokio::test]
async fn a_revoked_key_is_refused_on_the_next_request() -> Result<()> {
    let app = App::launch("keys-revoke").await?;
    let url = first_surface(&app).await?;
    let key = generate(&app, "MCP - Zed").await?;
    close_reveal(&app).await?;
    let id = key_id(&key)?;
    assert_eq!(mcp_tools_list(&url, &key).await?.0, StatusCode::OK);

    app.click(&format!("key-revoke-{id}")).await?;
    let dialog = app.text(&testid("revoke-dialog")).await?;
    assert!(
        dialog.contains("MCP - Zed"),
        "the dialog names the key: {dialog}"
    );
    app.screenshot("revoke-dialog").await?;
    app.click("revoke-submit").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !app
        .text(&testid(&format!("key-status-{id}")))
        .await?
        .contains("Revoked")
    {
        if Instant::now() > deadline {
            bail!("the row never showed Revoked");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = mcp_tools_list(&url, &key).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["reason"], "revoked", "{body}");
    app.screenshot("revoked").await?;
    app.close().await
}

#[tokio::test]
async fn rolling_a_key_reveals_a_new_one_and_ends_the_old_one() -> Result<()> {
    let app = App::launch("keys-roll").await?;
    let url = first_surface(&app).await?;
    let old = generate(&app, "MCP - VS Code").await?;
    close_reveal(&app).await?;

    app.click(&format!("key-roll-{}", key_id(&old)?)).await?;
    app.click("roll-grace-0").await?;
    app.screenshot("roll-dialog").await?;
    app.click("roll-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    app.click("reveal-show").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let new = loop {
        let shown = app.text(&testid("reveal-key-text")).await?;
        if shown.starts_with("mcp_") && !shown.contains('•') {
            break shown.trim().to_owned();
        }
        if Instant::now() > deadline {
            bail!("Show did not display the new key");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_ne!(new, old, "a roll makes a new key");
    close_reveal(&app).await?;
    assert_eq!(mcp_tools_list(&url, &new).await?.0, StatusCode::OK);
    let (status, body) = mcp_tools_list(&url, &old).await?;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "with no grace period the old key stops at once: {body}"
    );
    app.close().await
}

#[tokio::test]
async fn a_copied_key_is_kept_out_of_clipboard_history_and_cleared_when_the_app_quits() -> Result<()>
{
    let app = App::launch_with_env(
        "keys-copy-secret",
        &[
            // Long enough that only quitting can clear it during the test.
            ("MCP_KEYS_CLIPBOARD_CLEAR_SECONDS", "600"),
            // Closing the window quits the app instead of hiding it.
            ("MCP_KEYS_CLOSE_TO_TRAY", "0"),
        ],
    )
    .await?;
    first_surface(&app).await?;
    let key = generate(&app, "MCP - Zed").await?;
    app.click("reveal-copy").await?;
    app.find(&testid("reveal-copied")).await?;
    assert_eq!(app.clipboard()?.trim(), key);
    let targets = app.clipboard_target("TARGETS")?;
    assert!(
        targets.contains("x-kde-passwordManagerHint"),
        "clipboard managers are told the copy is a secret: {targets}"
    );
    assert_eq!(
        app.clipboard_target("x-kde-passwordManagerHint")?.trim(),
        "secret"
    );

    // The app quits with its last window; WebDriver may not answer then.
    let _ =
        tokio::time::timeout(Duration::from_secs(10), app.client().clone().close_window()).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    // An owner busy quitting may not answer: ask again.
    while !app.clipboard().is_ok_and(|text| text.trim().is_empty()) {
        if Instant::now() > deadline {
            bail!("the key stayed on the clipboard after the app quit");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}
