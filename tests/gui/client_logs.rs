//! The clients' own logs (DESIGN §10) end to end: a key the app generated,
//! pasted into Claude Code's config in the app's private home, revoked in
//! the app; Claude Code's refusal, as it writes it to its MCP log, and a
//! real refused request to the surface (so the key service's audit holds
//! the `auth_failed` event). The app notices by itself: a desktop
//! notification naming Claude Code (captured over D-Bus), whose click opens
//! the IDEs page at the finding, with the reason and a one-click fix.
//!
//! The app reads the logs every 2 s here
//! (`MCP_KEYS_CLIENT_LOG_INTERVAL_SECONDS`) instead of every minute.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::{SecondsFormat, Utc};
use mcp_keys_e2e::{App, PROTOCOL_VERSION, testid};
use reqwest::StatusCode;
use serde_json::json;

use crate::flows::{close_reveal, first_surface, shot, show_key, text_content, wait_for_text_in};
use crate::reminders::Monitor;

/// The server's name in Claude Code's config, and so in its log folder's.
const SERVER: &str = "docs";

/// The key's name, as the app suggests it for Claude Code.
const KEY_NAME: &str = "MCP - Claude Code";

/// A folder of the app's private desktop, from the environment it runs in.
fn desktop_dir(app: &App, variable: &str) -> Result<PathBuf> {
    app.desktop()
        .env()
        .into_iter()
        .find(|(name, _)| *name == variable)
        .map(|(_, value)| PathBuf::from(value))
        .with_context(|| format!("the app's environment has {variable}"))
}

/// Claude Code's `~/.claude.json` with one HTTP server holding `key` in its
/// Authorization header, readable by its owner only (as Claude Code writes it).
fn write_claude_config(home: &Path, url: &str, key: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let config = home.join(".claude.json");
    let json = json!({
        "mcpServers": {
            SERVER: {
                "type": "http",
                "url": url,
                "headers": { "Authorization": format!("Bearer {key}") }
            }
        }
    });
    std::fs::write(&config, serde_json::to_string_pretty(&json)?)?;
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

/// The line Claude Code 2.1.332 writes when the server refuses its
/// configured header at connect, in the file it writes per connection
/// (`<cache>/claude-cli-nodejs/<cwd-slug>/mcp-logs-<server>/<ISO>.jsonl`,
/// crates/mcp-keys-ide/src/logs/claude_code.rs).
fn write_claude_log(cache: &Path, project: &Path) -> Result<PathBuf> {
    let now = Utc::now();
    let slug = project.display().to_string().replace('/', "-");
    let dir = cache
        .join("claude-cli-nodejs")
        .join(slug)
        .join(format!("mcp-logs-{SERVER}"));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("{}.jsonl", now.format("%Y-%m-%dT%H-%M-%S-%3fZ")));
    let line = json!({
        "error": "Server rejected the configured Authorization header (HTTP 401). Check that the token is valid for this MCP endpoint — OAuth fallback is disabled when headers.Authorization is set.",
        "timestamp": now.to_rfc3339_opts(SecondsFormat::Millis, true),
        "sessionId": "x",
        "cwd": project.display().to_string(),
    });
    std::fs::write(&file, format!("{line}\n"))?;
    Ok(file)
}

/// Connects to `url` with `key` the way Claude Code does (its User-Agent
/// and `clientInfo`), so the service's audit names the client; the status.
async fn connect_as_claude_code(url: &str, key: &str) -> Result<StatusCode> {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .header("User-Agent", "claude-code/2.1.332 (external, cli)")
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": { "name": "claude-code", "version": "2.1.332" }
            }
        }))
        .send()
        .await?;
    Ok(response.status())
}

/// The whole screen, the notification included, for people to look at.
fn screen_shot(app: &App, label: &str) -> Result<()> {
    let dir = mcp_keys_e2e::target_dir().join("screenshots");
    std::fs::create_dir_all(&dir)?;
    let status = Command::new("import")
        .args(["-display", app.desktop().display(), "-window", "root"])
        .arg(dir.join(format!("client-logs-{label}.png")))
        .status()?;
    if !status.success() {
        bail!("import could not capture the screen");
    }
    Ok(())
}

#[tokio::test]
async fn a_revoked_key_refused_in_claude_codes_log_is_notified_and_shown_with_its_fix() -> Result<()>
{
    let app = App::launch_with_env(
        "client-logs",
        &[("MCP_KEYS_CLIENT_LOG_INTERVAL_SECONDS", "2")],
    )
    .await?;
    let home = desktop_dir(&app, "HOME")?;
    let cache = desktop_dir(&app, "XDG_CACHE_HOME")?;
    let url = first_surface(&app).await?;
    app.click("generate-key").await?;
    app.fill("generate-name", KEY_NAME).await?;
    app.click("generate-submit").await?;
    let key = show_key(&app).await?;
    close_reveal(&app).await?;
    let id: String = key
        .strip_prefix("mcp_dev_")
        .context("a development key")?
        .chars()
        .take(8)
        .collect();
    write_claude_config(&home, &url, &key)?;

    let logs = tempfile::tempdir()?;
    let monitor = Monitor::start(&app, logs.path(), "client-logs")?;

    // Revoked in the app, then refused: at the service, and in Claude Code's log.
    app.click(&format!("key-revoke-{id}")).await?;
    app.click("revoke-submit").await?;
    wait_for_text_in(&app, &testid(&format!("key-status-{id}")), "Revoked").await?;
    assert_eq!(
        connect_as_claude_code(&url, &key).await?,
        StatusCode::UNAUTHORIZED,
        "the revoked key is refused"
    );
    let log = write_claude_log(&cache, &home)?;

    let captured = monitor
        .wait_for(&["Claude Code"], Duration::from_secs(40))
        .await
        .context("a notification names the refused client")?;
    assert!(
        !captured.contains(&key),
        "the notification never holds the key"
    );
    screen_shot(&app, "notified")?;

    // A click on it (its default action, as dunst invokes it) opens the
    // IDEs page at the finding.
    let clicked = Command::new("dunstctl")
        .args(["action", "0"])
        .envs(app.desktop().env())
        .status()
        .context("running dunstctl (Debian package dunst)")?;
    assert!(clicked.success(), "dunstctl action: {clicked}");
    app.find(&testid("ides-page")).await?;
    let finding = "[data-testid^=\"ide-log-finding-claude-code-\"][data-highlighted]";
    let text = text_content(&app, finding).await?;
    assert!(
        text.contains("Claude Code") && text.contains("revoked"),
        "the finding says Claude Code was refused a revoked key: {text}"
    );
    assert!(
        text.contains(&log.display().to_string()),
        "the finding names the log it was read from: {text}"
    );
    let reason = app
        .eval(&format!(
            "return document.querySelector({})?.dataset.reason ?? null",
            serde_json::to_string(finding)?
        ))
        .await?;
    assert_eq!(reason.as_str(), Some("revoked"), "the service's reason");
    let fix = app
        .find(&format!("{finding} [data-testid$=\"-fix\"]"))
        .await?;
    let action = fix.attr("data-action").await?;
    assert!(
        matches!(action.as_deref(), Some("roll" | "install")),
        "a revoked key is fixed by a roll or a new install: {action:?}"
    );
    assert!(
        !text_content(&app, "body").await?.contains(&key),
        "the IDEs page never holds the key itself"
    );
    shot(&app, "finding").await?;
    screen_shot(&app, "ides-page")?;

    // The button opens the app's own flow for the surface.
    fix.click().await?;
    let dialog = if action.as_deref() == Some("roll") {
        "roll-dialog"
    } else {
        "generate-dialog"
    };
    let flow = app.text(&testid(dialog)).await?;
    assert!(
        flow.contains("Local tools") || flow.contains(KEY_NAME),
        "the fix opens on the key's surface: {flow}"
    );
    shot(&app, "fix").await?;
    drop(monitor);
    app.close().await
}
