//! The owner's OAuth actions (DESIGN §9) through the manager: approving a
//! client's request and revoking its grant are in the local audit log.

use anyhow::Context;
use chrono::Utc;
use mcp_keys_client::{AuthMode, SurfaceUpdate};
use serde_json::{Value, json};

use crate::ide::Fixture;

type Result<T = ()> = anyhow::Result<T>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_a_client_and_revoking_its_grant_are_in_the_local_audit_log() -> Result {
    let fixture = Fixture::start().await?;
    let client = fixture.session.client();
    let surface = client
        .update_surface(
            &fixture.product_id,
            &fixture.surface_id,
            &SurfaceUpdate {
                auth_mode: Some(AuthMode::Oauth),
                ..SurfaceUpdate::default()
            },
        )
        .await?;
    let resource = surface.url.context("the surface's URL")?;

    // A client registers and starts an authorization, as mcp-remote would.
    let base = fixture.service.url();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let registered: Value = http
        .post(format!("{base}/oauth/register"))
        .json(&json!({
            "client_name": "Test Client",
            "redirect_uris": ["http://127.0.0.1/callback"],
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await?
        .json()
        .await?;
    let client_id = registered["client_id"].as_str().context("client_id")?;
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let authorize = reqwest::Url::parse_with_params(
        &format!("{base}/oauth/authorize"),
        [
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://127.0.0.1/callback"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("resource", resource.as_str()),
        ],
    )?;
    let page = http.get(authorize).send().await?;
    assert_eq!(page.status(), reqwest::StatusCode::OK);

    let requests = client.list_oauth_requests().await?;
    let request = requests.first().context("a pending request")?;
    assert_eq!(request.client_name, "Test Client");
    let grant = fixture
        .session
        .approve_oauth_request(&request.id, None, Utc::now())
        .await?;
    fixture
        .session
        .revoke_grant(
            &fixture.product_id,
            &fixture.surface_id,
            &grant.id,
            Utc::now(),
        )
        .await?;

    let log = fixture.manager.audit_log(None).await?;
    let actions: Vec<&str> = log
        .entries
        .iter()
        .map(|entry| entry.action.as_str())
        .collect();
    assert!(actions.contains(&"oauth.approve"), "{actions:?}");
    assert!(actions.contains(&"grant.revoke"), "{actions:?}");
    let revoked = client
        .list_grants(&fixture.product_id, &fixture.surface_id)
        .await?;
    assert!(revoked.iter().all(|grant| !grant.is_active));
    Ok(())
}
