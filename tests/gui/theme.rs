//! The app follows the desktop's light or dark preference.

use anyhow::{Context, Result};
use mcp_keys_e2e::App;

/// Relative luminance (0 black … 1 white) of the page background.
async fn background_luminance(app: &App) -> Result<f64> {
    app.find("[data-testid=app-shell]").await?;
    let color = app
        .eval("return getComputedStyle(document.body).backgroundColor")
        .await?;
    let color = color.as_str().context("a CSS color string")?;
    let channels: Vec<f64> = color
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|part| part.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("parsing {color}"))?;
    Ok((0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]) / 255.0)
}

#[tokio::test]
async fn a_light_desktop_gets_the_light_theme() -> Result<()> {
    let app = App::launch_with_env("theme-light", &[("GTK_THEME", "Adwaita")]).await?;
    let luminance = background_luminance(&app).await?;
    assert!(
        luminance > 0.8,
        "a light background, got luminance {luminance:.2}"
    );
    app.screenshot("window").await?;
    app.close().await
}

#[tokio::test]
async fn a_dark_desktop_gets_the_dark_theme() -> Result<()> {
    let app = App::launch_with_env("theme-dark", &[("GTK_THEME", "Adwaita:dark")]).await?;
    let luminance = background_luminance(&app).await?;
    assert!(
        luminance < 0.2,
        "a dark background, got luminance {luminance:.2}"
    );
    app.screenshot("window").await?;
    app.close().await
}
