//! OAuth mode end to end (DESIGN §9): a surface switched to OAuth in the
//! app, a client registered and sent to the authorization endpoint of the
//! app's embedded key service by a plain HTTP client (a browser stand-in
//! that follows no redirect), the app's notification and consent dialog,
//! Approve, the code and the token it buys, then the grant revoked in the
//! Keys tab and the token refused.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{App, mcp_tools_list, testid};
use reqwest::header::LOCATION;
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};

use crate::flows::{first_surface, shot, wait_for_text_in};
use crate::reminders::Monitor;

/// Where the client wants the browser back: a loopback port nothing
/// listens on, never followed.
const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";

/// RFC 7636 appendix B's verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The whole screen, notification included (the window's own capture
/// leaves the notification's area black), for people to look at.
fn screen_shot(app: &App, label: &str) -> Result<()> {
    let dir = mcp_keys_e2e::target_dir().join("screenshots");
    std::fs::create_dir_all(&dir)?;
    let status = std::process::Command::new("import")
        .args(["-display", app.desktop().display(), "-window", "root"])
        .arg(dir.join(format!("oauth-consent-{label}.png")))
        .status()?;
    if !status.success() {
        bail!("import could not capture the screen");
    }
    Ok(())
}

/// An HTTP client that, like a test's browser stand-in, follows nothing.
fn browser() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// `pairs` as an `application/x-www-form-urlencoded` string.
fn form(pairs: &[(&str, &str)]) -> Result<String> {
    let mut url = Url::parse("http://form.invalid/")?;
    url.query_pairs_mut().extend_pairs(pairs);
    Ok(url.query().unwrap_or_default().to_owned())
}

/// Registers a public client (RFC 7591); its `client_id`.
async fn register(base: &str) -> Result<String> {
    let response = reqwest::Client::new()
        .post(format!("{base}/oauth/register"))
        .json(&json!({
            "client_name": "Test Client",
            "redirect_uris": [REDIRECT_URI],
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await?;
    assert_eq!(status, StatusCode::CREATED, "registration: {body}");
    Ok(body["client_id"]
        .as_str()
        .context("a client_id")?
        .to_owned())
}

/// Opens the authorization endpoint; the pending request's id, read from
/// where the consent page lives (a redirect to it, or its form's action).
async fn authorize(base: &str, client_id: &str, resource: &str) -> Result<String> {
    let url = Url::parse_with_params(
        &format!("{base}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT_URI),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("resource", resource),
            ("state", "xyz"),
        ],
    )?;
    let response = browser()?.get(url).send().await?;
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let page = response.text().await?;
    assert!(
        status.is_success() || status.is_redirection(),
        "a valid request is a consent page, not an error: {status} {page}"
    );
    let text = location.unwrap_or_default() + &page;
    let marker = "/oauth/authorize/";
    let start = text
        .find(marker)
        .map(|at| at + marker.len())
        .with_context(|| format!("no consent page address in {text}"))?;
    let id: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if id.is_empty() {
        bail!("an empty request id in {text}");
    }
    Ok(id)
}

/// Waits until the consent page redirects (the request was decided); the
/// redirect's target.
async fn decided(base: &str, request_id: &str) -> Result<Url> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = browser()?
            .get(format!("{base}/oauth/authorize/{request_id}"))
            .send()
            .await?;
        if response.status() == StatusCode::SEE_OTHER {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .context("a 303 names where to go")?;
            return Ok(Url::parse(location)?);
        }
        if Instant::now() > deadline {
            bail!(
                "the consent page never redirected; it answers {}",
                response.status()
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Trades the code for tokens; the access token.
async fn token(base: &str, client_id: &str, code: &str, resource: &str) -> Result<String> {
    let response = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
            ("client_id", client_id),
            ("resource", resource),
        ])?)
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await?;
    assert_eq!(status, StatusCode::OK, "token: {body}");
    Ok(body["access_token"]
        .as_str()
        .context("an access_token")?
        .to_owned())
}

#[tokio::test]
async fn a_client_approved_in_the_app_gets_a_code_and_loses_its_token_when_the_grant_is_revoked()
-> Result<()> {
    let app = App::launch("oauth-consent").await?;
    let base = app.local_url();
    let resource = first_surface(&app).await?;

    // OAuth mode, chosen where the surface's settings are.
    app.click("tab-server").await?;
    app.click("auth-mode-oauth").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while app
        .eval("return document.querySelector('[data-testid=\"auth-mode\"]').getAttribute('aria-busy') === 'false' && document.querySelector('[data-testid=\"auth-mode-oauth\"]').checked")
        .await?
        != Value::Bool(true)
    {
        if Instant::now() > deadline {
            bail!("OAuth mode was never saved");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(&app, "auth-mode").await?;

    let logs = tempfile::tempdir()?;
    let monitor = Monitor::start(&app, logs.path(), "oauth")?;
    let client_id = register(&base).await?;
    let request_id = authorize(&base, &client_id, &resource).await?;

    // The app learns of the request by itself: a notification, and the dialog.
    monitor
        .wait_for(&["Test Client asks to use"], Duration::from_secs(20))
        .await?;
    let dialog = wait_for_text_in(&app, &testid("authorization-dialog"), "Test Client").await?;
    assert!(
        dialog.contains("127.0.0.1"),
        "the dialog names where the browser returns: {dialog}"
    );
    shot(&app, "consent-dialog").await?;
    screen_shot(&app, "screen-with-notification")?;
    app.click("authorization-approve").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.find(&testid("authorization-dialog")).await.is_ok() {
        if Instant::now() > deadline {
            bail!("the dialog stayed after Approve");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The browser stand-in is sent back with a code, the state and the issuer.
    let back = decided(&base, &request_id).await?;
    assert!(
        back.as_str().starts_with(&format!("{REDIRECT_URI}?")),
        "{back}"
    );
    let query = |name: &str| {
        back.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    assert_eq!(query("state").as_deref(), Some("xyz"), "{back}");
    assert!(query("iss").is_some(), "RFC 9207's iss is sent: {back}");
    let code = query("code").context("a code")?;
    let access = token(&base, &client_id, &code, &resource).await?;
    let (status, body) = mcp_tools_list(&resource, &access).await?;
    assert_eq!(status, StatusCode::OK, "the token works: {body}");

    // The grant is in the Keys tab; Revoke it there.
    app.click("tab-keys").await?;
    wait_for_text_in(&app, &testid("grants-table"), "Test Client").await?;
    shot(&app, "grants").await?;
    app.click_css("[data-testid^=\"grant-row-\"] [data-testid^=\"grant-revoke-\"]")
        .await?;
    let confirm = app.text(&testid("grant-revoke-dialog")).await?;
    assert!(
        confirm.contains("Test Client"),
        "the confirm names the client: {confirm}"
    );
    app.click("grant-revoke-submit").await?;
    wait_for_text_in(&app, &testid("grants-table"), "Revoked").await?;
    shot(&app, "grant-revoked").await?;
    let (status, body) = mcp_tools_list(&resource, &access).await?;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked grant's token is refused on the next request: {body}"
    );
    app.close().await
}
