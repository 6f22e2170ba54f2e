//! OAuth mode through the CLI (DESIGN §9): a surface switched to `oauth`, a
//! client that registers and asks in a (scripted) browser, and the owner
//! who approves, lists, revokes and denies from the terminal.

use anyhow::{Context, Result};
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::cli::{Cli, KeyService, text};

/// An S256 challenge (RFC 7636's example); no token is redeemed here.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// What an OAuth client does before the owner is asked: registers, then
/// sends the user's browser to the authorization endpoint for `surface`.
async fn ask_for(service: &KeyService, surface: &Value, scope: &str) -> Result<()> {
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()?;
    let registered: Value = http
        .post(format!("{}/oauth/register", service.url()))
        .json(&json!({
            "client_name": "Test client",
            "redirect_uris": [REDIRECT_URI],
            "token_endpoint_auth_method": "none"
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let client_id = text(&registered, "client_id")?;
    let resource = text(surface, "url")?;
    let authorize = reqwest::Url::parse_with_params(
        &format!("{}/oauth/authorize", service.url()),
        [
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("resource", resource.as_str()),
            ("scope", scope),
            ("state", "xyz"),
        ],
    )?;
    let consent = http.get(authorize).send().await?;
    anyhow::ensure!(
        consent.status().is_success(),
        "the consent page is shown: {}",
        consent.status()
    );
    Ok(())
}

#[tokio::test]
async fn an_owner_approves_lists_and_revokes_an_oauth_client_from_the_terminal() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&["search", "fetch"]).await?;
    let surface_id = text(&surface, "id")?;
    let switched = cli
        .json(&["surfaces", "set-auth-mode", &surface_id, "oauth"])
        .await?;
    assert_eq!(switched["authMode"], "oauth");

    ask_for(&service, &surface, "search fetch").await?;
    let requests = cli.json(&["oauth", "requests"]).await?;
    let request = requests
        .as_array()
        .and_then(|requests| requests.first())
        .context("one pending request")?;
    assert_eq!(request["clientName"], "Test client");
    assert_eq!(request["surfaceId"], surface_id.as_str());
    let table = cli.ok(&["oauth", "requests"]).await?;
    assert!(
        table.contains("Test client") && table.contains("Docs"),
        "{table}"
    );

    let request_id = text(request, "id")?;
    let approved = cli
        .ok(&["oauth", "approve", &request_id, "--scope", "search"])
        .await?;
    assert!(
        approved.starts_with("Approved: Test client may use Docs (scopes search); grant "),
        "{approved}"
    );
    assert_eq!(cli.json(&["oauth", "requests"]).await?, json!([]));

    let grants = cli.json(&["oauth", "grants", &surface_id]).await?;
    let grant = grants
        .as_array()
        .and_then(|grants| grants.first())
        .context("one grant")?;
    assert_eq!(grant["scopes"], json!(["search"]), "narrower than asked");
    assert_eq!(grant["isActive"], true);
    let grant_id = text(grant, "id")?;

    // Not on a terminal and without --yes: refused, nothing revoked.
    cli.run(&["oauth", "revoke", &grant_id])
        .await?
        .failure(9, &["--yes"])?;
    let revoked = cli.json(&["oauth", "revoke", &grant_id, "--yes"]).await?;
    assert_eq!(revoked["id"], grant_id.as_str());
    assert_eq!(revoked["isActive"], false, "{revoked}");
    let table = cli.ok(&["oauth", "grants", &surface_id]).await?;
    assert!(table.contains("revoked"), "{table}");
    Ok(())
}

#[tokio::test]
async fn a_denied_request_is_gone_and_unknown_ids_are_not_found() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let product = cli.json(&["products", "create", "Acme"]).await?;
    let product_id = text(&product, "id")?;
    let surface = cli
        .json(&[
            "surfaces",
            "create",
            "--product",
            &product_id,
            "--name",
            "Docs",
            "--capability",
            "search",
            "--auth-mode",
            "both",
        ])
        .await?;
    assert_eq!(surface["authMode"], "both");

    ask_for(&service, &surface, "search").await?;
    let requests = cli.json(&["oauth", "requests"]).await?;
    let request_id = text(&requests[0], "id")?;
    cli.ok(&["oauth", "deny", &request_id]).await?;
    assert_eq!(cli.json(&["oauth", "requests"]).await?, json!([]));

    cli.run(&["oauth", "approve", "nope"])
        .await?
        .failure(3, &["oauth request nope"])?;
    cli.run(&["oauth", "revoke", "nope", "--yes"])
        .await?
        .failure(3, &["grant nope"])?;
    Ok(())
}
