//! A key shown, copied and closed leaves no trace: not in the app's log
//! (at debug level), not in the WebView's storage (localStorage,
//! IndexedDB, caches), not in any file the app or WebKit wrote.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{App, testid};

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                // Sockets, pipes and the like are not storage.
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                if bytes.windows(needle.len()).any(|window| window == needle) {
                    found.push(entry.path().display().to_string());
                }
            }
        }
    }
    Ok(found)
}

/// The key once Show has displayed it.
async fn shown_key(app: &App) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = app.text(&testid("reveal-key-text")).await?;
        if shown.starts_with("mcp_dev_") && !shown.contains('•') {
            return Ok(shown.trim().to_owned());
        }
        if Instant::now() > deadline {
            bail!("Show did not display the key; it shows {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_revealed_key_is_in_no_log_and_no_webview_storage() -> Result<()> {
    let app = App::launch_with_env(
        "secrets-storage",
        &[
            ("RUST_LOG", "debug"),
            ("MCP_KEYS_CLIPBOARD_CLEAR_SECONDS", "2"),
        ],
    )
    .await?;
    app.click("first-surface-submit").await?;
    app.find(&testid("surface-view")).await?;
    app.find(&testid("keys-empty")).await?;
    app.click("generate-key").await?;
    app.fill("generate-name", "MCP - Cursor").await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    app.click("reveal-show").await?;
    let key = shown_key(&app).await?;
    app.click("reveal-copy").await?;
    // Whatever the page might keep, it keeps by now.
    let stored = app
        .eval(
            "return JSON.stringify([Object.entries(localStorage), \
             Object.entries(sessionStorage), document.cookie])",
        )
        .await?;
    assert!(
        !stored.to_string().contains(&key),
        "the key is in the page's storage: {stored}"
    );
    app.click("reveal-close").await?;
    app.click("reveal-close-confirm").await?;
    app.find(&testid("keys-table")).await?;

    let log = app.log_path();
    let home = app.desktop().home().to_path_buf();
    // Ending the session quits the app, so WebKit flushes its storage.
    app.close().await?;
    let log = std::fs::read_to_string(&log)?;
    assert!(
        log.contains("DEBUG") || log.contains("debug"),
        "the log was written at debug level"
    );
    assert!(!log.contains(&key), "the key is in the app's log");
    let body = &key["mcp_dev_".len()..];
    let found = files_containing(&home, body.as_bytes())?;
    assert!(
        found.is_empty(),
        "the key is in files the app or WebKit wrote: {found:?}"
    );
    Ok(())
}
