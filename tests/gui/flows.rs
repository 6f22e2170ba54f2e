//! Steps several GUI tests take the same way: the first surface, showing a
//! new key, closing its reveal, and reading what the page ellipsizes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{App, testid};

/// Creates the first surface from the welcome screen; returns its MCP URL.
pub async fn first_surface(app: &App) -> Result<String> {
    app.click("first-surface-submit").await?;
    app.find(&testid("surface-view")).await?;
    app.click("tab-connect").await?;
    let url = app.text(&testid("connect-url")).await?;
    app.click("tab-keys").await?;
    Ok(url.trim().to_owned())
}

/// Presses Show in the open reveal; returns the key text once it is shown.
pub async fn show_key(app: &App) -> Result<String> {
    app.click("reveal-show").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = app.text(&testid("reveal-key-text")).await?;
        if shown.starts_with("mcp_") && !shown.contains('•') {
            return Ok(shown.trim().to_owned());
        }
        if Instant::now() > deadline {
            bail!("Show did not display the key; it shows {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Closes the reveal, confirming that the key cannot be shown again.
pub async fn close_reveal(app: &App) -> Result<()> {
    app.click("reveal-close").await?;
    app.click("reveal-close-confirm").await?;
    Ok(())
}

/// The whole text of the first element matching `css`, once it is shown
/// (WebKitWebDriver's visible text leaves out what an ellipsis cuts short,
/// and the page ellipsizes long paths and names).
pub async fn text_content(app: &App, css: &str) -> Result<String> {
    app.find(css).await?;
    let script = format!(
        "return document.querySelector({})?.textContent ?? '';",
        serde_json::to_string(css)?
    );
    let text = app.eval(&script).await?;
    Ok(text.as_str().context("a string")?.to_owned())
}

/// Waits until the whole text of the element matching `css` contains `needle`.
pub async fn wait_for_text_in(app: &App, css: &str, needle: &str) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = text_content(app, css).await?;
        if text.contains(needle) {
            return Ok(text);
        }
        if Instant::now() > deadline {
            bail!("`{css}` never showed {needle:?}; it shows:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A screenshot for people to look at, once the window has repainted
/// (WebKitWebDriver may capture before the last change is painted).
pub async fn shot(app: &App, label: &str) -> Result<()> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot(label).await?;
    Ok(())
}
