//! OAuth mode (DESIGN §9) over real HTTP: discovery, registration, the
//! authorization waiting for the owner, codes with PKCE, rotating refresh
//! tokens, revocation, and every refusal the issue names. The third-party
//! clients (the TypeScript SDK, mcp-remote) run in the end-to-end suite.

use anyhow::{Context, Result, anyhow};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::{CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Server, Surface, into_json, refusal, rpc};

const REDIRECT: &str = "http://127.0.0.1/callback";

/// A client that shows redirects instead of following them.
fn browser() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// A surface with capabilities `search` and `fetch` in `mode`.
pub async fn surface(server: &Server, mode: &str) -> Result<Surface> {
    let surface = server.surface("development", &["search", "fetch"]).await?;
    let (status, body) = server
        .put(&surface.path(), &json!({"authMode": mode}))
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["authMode"], mode);
    Ok(surface)
}

fn resource(server: &Server, surface: &Surface) -> String {
    format!("{}{}/mcp", server.base, surface.path())
}

/// A public client registered with `redirect`: its id.
async fn register(server: &Server, redirect: &str) -> Result<String> {
    let response = server
        .client
        .post(format!("{}/oauth/register", server.base))
        .json(&json!({
            "client_name": "Test Client",
            "redirect_uris": [redirect],
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await?;
    let (status, body) = into_json(response).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body.get("client_secret").is_none(), "{body}");
    body["client_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no client_id in {body}"))
}

/// A PKCE verifier and its S256 challenge.
fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("{seed}-verifier-{}", "x".repeat(40));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// An authorization request's parameters: code flow with S256, plus `extra`.
fn parameters<'a>(
    client_id: &'a str,
    redirect_uri: &'a str,
    challenge: &'a str,
    resource: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut parameters = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("resource", resource),
    ];
    parameters.extend_from_slice(extra);
    parameters
}

/// `GET /oauth/authorize` with `parameters`.
async fn authorize(server: &Server, parameters: &[(&str, &str)]) -> Result<Response> {
    let url =
        reqwest::Url::parse_with_params(&format!("{}/oauth/authorize", server.base), parameters)?;
    Ok(browser()?.get(url).send().await?)
}

/// The request id in a consent page.
async fn request_id(response: Response) -> Result<String> {
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await?;
    let start = html
        .find("data-request-id=\"")
        .context("no request id in the consent page")?
        + "data-request-id=\"".len();
    let end = html[start..].find('"').context("unterminated id")? + start;
    Ok(html[start..end].to_owned())
}

/// The Location after the browser comes back to the consent page.
async fn come_back(server: &Server, request_id: &str) -> Result<reqwest::Url> {
    let response = browser()?
        .get(format!("{}/oauth/authorize/{request_id}", server.base))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response
        .headers()
        .get(LOCATION)
        .context("no Location")?
        .to_str()?;
    Ok(reqwest::Url::parse(location)?)
}

fn parameter(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A form POST to an OAuth endpoint.
async fn form(server: &Server, path: &str, fields: &[(&str, &str)]) -> Result<(StatusCode, Value)> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = server
        .client
        .post(format!("{}{path}", server.base))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    into_json(response).await
}

/// A client authorized on `surface` through the management API; its id,
/// the code's exchange answer and the verifier.
pub struct Authorized {
    pub client_id: String,
    pub access: String,
    pub refresh: String,
}

/// Everything up to the code: register, authorize, approve, come back.
async fn code(
    server: &Server,
    surface: &Surface,
    client_id: &str,
    challenge: &str,
) -> Result<String> {
    let resource = resource(server, surface);
    let page = authorize(
        server,
        &parameters(
            client_id,
            "http://127.0.0.1:48123/callback",
            challenge,
            &resource,
            &[("state", "xyz")],
        ),
    )
    .await?;
    let id = request_id(page).await?;
    let (status, pending) = server.get("/v1/oauth/requests").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending["data"][0]["id"], id, "{pending}");
    assert_eq!(pending["data"][0]["clientName"], "Test Client");
    assert_eq!(pending["data"][0]["redirectHost"], "127.0.0.1:48123");
    let (status, grant) = server
        .post(&format!("/v1/oauth/requests/{id}/approve"), &json!({}))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    let back = come_back(server, &id).await?;
    assert_eq!(back.port(), Some(48123), "{back}");
    assert_eq!(parameter(&back, "state").as_deref(), Some("xyz"));
    assert_eq!(
        parameter(&back, "iss").as_deref(),
        Some(server.base.as_str())
    );
    parameter(&back, "code").context("no code")
}

pub async fn authorized(server: &Server, surface: &Surface) -> Result<Authorized> {
    let client_id = register(server, REDIRECT).await?;
    let (verifier, challenge) = pkce("a");
    let code = code(server, surface, &client_id, &challenge).await?;
    let (status, tokens) = form(
        server,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
            ("client_id", &client_id),
            ("redirect_uri", "http://127.0.0.1:48123/callback"),
            ("resource", &resource(server, surface)),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let text = |name: &str| {
        tokens[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no {name} in {tokens}"))
    };
    Ok(Authorized {
        client_id,
        access: text("access_token")?,
        refresh: text("refresh_token")?,
    })
}

#[tokio::test]
async fn an_api_key_surface_advertises_nothing_of_oauth() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let metadata = server
        .client
        .get(format!(
            "{}/.well-known/oauth-protected-resource{}/mcp",
            server.base,
            surface.path()
        ))
        .send()
        .await?;
    assert_eq!(metadata.status(), StatusCode::NOT_FOUND);
    let response = server
        .mcp(&surface, None, &rpc("tools/list", json!({})))
        .await?;
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .context("no challenge")?
        .to_str()?
        .to_owned();
    assert!(!challenge.contains("resource_metadata"), "{challenge}");
    Ok(())
}

#[tokio::test]
async fn an_oauth_surface_points_clients_to_its_metadata() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let response = server
        .mcp(&surface, None, &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .context("no challenge")?
        .to_str()?
        .to_owned();
    let metadata_url = format!(
        "{}/.well-known/oauth-protected-resource{}/mcp",
        server.base,
        surface.path()
    );
    assert!(
        challenge.contains(&format!(r#"resource_metadata="{metadata_url}""#)),
        "{challenge}"
    );
    let (status, metadata) = into_json(server.client.get(&metadata_url).send().await?).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(metadata["resource"], resource(&server, &surface));
    assert_eq!(metadata["authorization_servers"], json!([server.base]));
    let (status, issuer) = into_json(
        server
            .client
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                server.base
            ))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(issuer["issuer"], server.base);
    assert_eq!(issuer["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(issuer["client_id_metadata_document_supported"], true);

    // A key is not what this surface takes.
    let (key, _) = server.key(&surface, &json!({"name": "k"})).await?;
    let refused = server
        .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(
        refusal(refused).await?,
        (
            StatusCode::UNAUTHORIZED,
            "invalid_api_key".into(),
            "auth_mode".into()
        )
    );
    Ok(())
}

#[tokio::test]
async fn an_authorized_client_calls_tools_refreshes_and_stops_when_its_grant_is_revoked()
-> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "both").await?;
    let authorized = authorized(&server, &surface).await?;
    let mut tools = server.tool_names(&surface, &authorized.access).await?;
    tools.sort();
    assert_eq!(tools, ["fetch", "search"]);

    // Refresh: a new pair; the old refresh token is spent.
    let (status, refreshed) = form(
        &server,
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &authorized.refresh),
            ("client_id", &authorized.client_id),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let access = refreshed["access_token"].as_str().context("access")?;
    assert_ne!(refreshed["refresh_token"], authorized.refresh);
    assert_eq!(server.tool_names(&surface, access).await?.len(), 2);

    let (status, grants) = server.get(&format!("{}/grants", surface.path())).await?;
    assert_eq!(status, StatusCode::OK);
    let grant = &grants["data"][0];
    assert_eq!(grant["clientName"], "Test Client");
    assert_eq!(grant["isActive"], true);
    assert_eq!(grant["approvedBy"], "management_token");
    assert!(grant["lastUsedAt"].is_string(), "{grant}");
    let grant_id = grant["id"].as_str().context("grant id")?;

    let (status, revoked) = server
        .delete(&format!("{}/grants/{grant_id}", surface.path()))
        .await?;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["isActive"], false);
    // At once, like a key's revocation.
    let refused = server
        .mcp(&surface, Some(access), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(
        refusal(refused).await?,
        (
            StatusCode::UNAUTHORIZED,
            "invalid_api_key".into(),
            "revoked".into()
        )
    );
    let (_, events) = server
        .get(&format!("/v1/events?surfaceId={}", surface.id))
        .await?;
    let kinds: Vec<&str> = events["data"]
        .as_array()
        .context("events")?
        .iter()
        .filter_map(|event| event["type"].as_str())
        .collect();
    for kind in [
        "oauth_requested",
        "grant_created",
        "grant_revoked",
        "auth_failed",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_grant() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let authorized = authorized(&server, &surface).await?;
    let refresh = |token: String| {
        let server = &server;
        let client_id = authorized.client_id.clone();
        async move {
            form(
                server,
                "/oauth/token",
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                    ("client_id", &client_id),
                ],
            )
            .await
        }
    };
    let (status, first) = refresh(authorized.refresh.clone()).await?;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, again) = refresh(authorized.refresh.clone()).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(again["error"], "invalid_grant", "{again}");
    // The whole grant went: the new tokens too.
    let access = first["access_token"].as_str().context("access")?;
    let refused = server
        .mcp(&surface, Some(access), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = refresh(
        first["refresh_token"]
            .as_str()
            .context("refresh")?
            .to_owned(),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn codes_need_their_verifier_and_work_once() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let client_id = register(&server, REDIRECT).await?;
    let (verifier, challenge) = pkce("b");
    let code = code(&server, &surface, &client_id, &challenge).await?;
    let exchange = |verifier: String| {
        let (server, code, client_id) = (&server, code.clone(), client_id.clone());
        async move {
            form(
                server,
                "/oauth/token",
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("code_verifier", &verifier),
                    ("client_id", &client_id),
                ],
            )
            .await
        }
    };
    let (wrong, _) = pkce("other");
    let (status, body) = exchange(wrong).await?;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    // The failed attempt spent the code: a replay now revokes the grant.
    let (status, body) = exchange(verifier).await?;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (_, grants) = server.get(&format!("{}/grants", surface.path())).await?;
    assert_eq!(grants["data"][0]["isActive"], false, "{grants}");
    Ok(())
}

#[tokio::test]
async fn a_replayed_code_revokes_the_tokens_it_gave() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let client_id = register(&server, REDIRECT).await?;
    let (verifier, challenge) = pkce("c");
    let code = code(&server, &surface, &client_id, &challenge).await?;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("code_verifier", verifier.as_str()),
        ("client_id", client_id.as_str()),
    ];
    let (status, tokens) = form(&server, "/oauth/token", &fields).await?;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().context("access")?;
    assert_eq!(server.tool_names(&surface, access).await?.len(), 2);
    let (status, replay) = form(&server, "/oauth/token", &fields).await?;
    assert_eq!(
        (status, replay["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let refused = server
        .mcp(&surface, Some(access), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn an_unregistered_redirect_uri_gets_no_redirect() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let client_id = register(&server, REDIRECT).await?;
    let (_, challenge) = pkce("d");
    let resource = resource(&server, &surface);
    for redirect in ["https://evil.example/callback", "http://127.0.0.1:9/other"] {
        let response = authorize(
            &server,
            &parameters(&client_id, redirect, &challenge, &resource, &[]),
        )
        .await?;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect}");
        assert!(response.headers().get(LOCATION).is_none(), "{redirect}");
    }
    // Known redirect, bad PKCE method: the error goes back to the client.
    let response = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "plain"),
            ("resource", &resource),
            ("state", "s1"),
        ],
    )
    .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = reqwest::Url::parse(
        response
            .headers()
            .get(LOCATION)
            .context("Location")?
            .to_str()?,
    )?;
    assert_eq!(
        parameter(&location, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(parameter(&location, "state").as_deref(), Some("s1"));
    assert_eq!(
        parameter(&location, "iss").as_deref(),
        Some(server.base.as_str())
    );
    Ok(())
}

#[tokio::test]
async fn a_token_is_refused_on_another_surface_in_the_query_and_once_expired() -> Result<()> {
    let server = Server::start_with(|config| {
        config.access_token_lifetime = std::time::Duration::from_secs(2);
    })
    .await?;
    let surface_a = surface(&server, "oauth").await?;
    let surface_b = surface(&server, "oauth").await?;
    let authorized = authorized(&server, &surface_a).await?;
    let refused = server
        .mcp(
            &surface_b,
            Some(&authorized.access),
            &rpc("tools/list", json!({})),
        )
        .await?;
    assert_eq!(
        refusal(refused).await?,
        (
            StatusCode::UNAUTHORIZED,
            "invalid_api_key".into(),
            "wrong_surface".into()
        )
    );
    let in_query = server
        .client
        .post(format!(
            "{}{}/mcp?access_token={}",
            server.base,
            surface_a.path(),
            authorized.access
        ))
        .json(&rpc("tools/list", json!({})))
        .send()
        .await?;
    assert_eq!(in_query.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        server
            .tool_names(&surface_a, &authorized.access)
            .await?
            .len(),
        2
    );
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let expired = server
        .mcp(
            &surface_a,
            Some(&authorized.access),
            &rpc("tools/list", json!({})),
        )
        .await?;
    assert_eq!(
        refusal(expired).await?,
        (
            StatusCode::UNAUTHORIZED,
            "invalid_api_key".into(),
            "expired".into()
        )
    );
    Ok(())
}

#[tokio::test]
async fn the_owner_approves_on_the_page_with_a_key_of_the_surface() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let (key, _) = server
        .key(&surface, &json!({"name": "owner", "scopes": ["search"]}))
        .await?;
    let client_id = register(&server, REDIRECT).await?;
    let (_, challenge) = pkce("e");
    let resource = resource(&server, &surface);
    let page = authorize(
        &server,
        &parameters(&client_id, REDIRECT, &challenge, &resource, &[]),
    )
    .await?;
    let id = request_id(page).await?;
    let post = |key: &str| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("decision", "approve"), ("key", key)])
            .finish();
        let url = format!("{}/oauth/authorize/{id}", server.base);
        async move {
            Ok::<_, anyhow::Error>(
                browser()?
                    .post(url)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await?,
            )
        }
    };
    let wrong = post("mcp_dev_notakey").await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let approved = post(&key).await?;
    assert_eq!(approved.status(), StatusCode::OK);
    let back = come_back(&server, &id).await?;
    assert!(parameter(&back, "code").is_some(), "{back}");
    let (_, grants) = server.get(&format!("{}/grants", surface.path())).await?;
    let grant = &grants["data"][0];
    assert_eq!(
        grant["scopes"],
        json!(["search"]),
        "within the key's scopes"
    );
    assert!(
        grant["approvedBy"]
            .as_str()
            .is_some_and(|by| by.starts_with("key:")),
        "{grant}"
    );
    Ok(())
}

#[tokio::test]
async fn a_denied_request_sends_access_denied_back() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let client_id = register(&server, REDIRECT).await?;
    let (_, challenge) = pkce("f");
    let resource = resource(&server, &surface);
    let page = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("resource", &resource),
        ],
    )
    .await?;
    let id = request_id(page).await?;
    let (status, _) = server
        .post(&format!("/v1/oauth/requests/{id}/deny"), &json!({}))
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let back = come_back(&server, &id).await?;
    assert_eq!(parameter(&back, "error").as_deref(), Some("access_denied"));
    let (status, _) = server
        .post(&format!("/v1/oauth/requests/{id}/approve"), &json!({}))
        .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    Ok(())
}

#[tokio::test]
async fn rfc_7009_revocation_of_a_refresh_token_ends_the_grant() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let authorized = authorized(&server, &surface).await?;
    let (status, _) = form(
        &server,
        "/oauth/revoke",
        &[
            ("token", &authorized.refresh),
            ("token_type_hint", "refresh_token"),
            ("client_id", &authorized.client_id),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let refused = server
        .mcp(
            &surface,
            Some(&authorized.access),
            &rpc("tools/list", json!({})),
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    // Unknown tokens are 200 too: revocation tells nothing.
    let (status, _) = form(
        &server,
        "/oauth/revoke",
        &[("token", "whatever"), ("client_id", &authorized.client_id)],
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn a_client_id_metadata_document_on_loopback_is_used_by_a_local_service() -> Result<()> {
    let server = Server::start().await?;
    let surface = surface(&server, "oauth").await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let document_url = format!("http://{}/client.json", listener.local_addr()?);
    let document = json!({
        "client_id": document_url,
        "client_name": "Document Client",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "none",
    });
    let app = axum::Router::new().route(
        "/client.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move { axum::Json(document) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (_, challenge) = pkce("g");
    let page = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", &document_url),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("resource", &resource(&server, &surface)),
        ],
    )
    .await?;
    let id = request_id(page).await?;
    let (_, pending) = server.get("/v1/oauth/requests").await?;
    let request = pending["data"]
        .as_array()
        .context("requests")?
        .iter()
        .find(|request| request["id"] == id)
        .context("the request is pending")?;
    assert_eq!(request["clientName"], "Document Client");
    assert_eq!(request["clientId"], document_url);
    Ok(())
}

#[tokio::test]
async fn a_token_calls_the_tools_of_a_real_upstream_and_its_calls_are_its_grants() -> Result<()> {
    let vault = std::sync::Arc::new(crate::gateway::Vault::default());
    let secrets = std::sync::Arc::clone(&vault);
    let server = Server::start_with(|config| config.upstream_secrets = secrets).await?;
    // The upstream: another surface of this service, reached with a key.
    let upstream = server.surface("development", &["search"]).await?;
    let (upstream_key, _) = server.key(&upstream, &json!({"name": "gateway"})).await?;
    vault.set("upstream-key", &format!("Bearer {upstream_key}"));
    let gateway = surface(&server, "oauth").await?;
    let url = format!("{}{}/mcp", server.base, upstream.path());
    let (status, body) = server
        .put(
            &gateway.path(),
            &json!({"upstream": {"type": "http", "url": url,
                "headers": {"Authorization": {"secretRef": "upstream-key"}}}}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let authorized = authorized(&server, &gateway).await?;
    let call = rpc(
        "tools/call",
        json!({"name": "search", "arguments": {"q": "oauth"}}),
    );
    let response = server
        .mcp(&gateway, Some(&authorized.access), &call)
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await?;
    let answer = crate::support::jsonrpc_answer(&text).context("an answer")?;
    assert_eq!(
        answer["result"]["structuredContent"]["arguments"],
        json!({"q": "oauth"}),
        "{answer}"
    );
    // The call is audited as the grant's, not as a key's.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, events) = server
            .get(&format!("/v1/events?surfaceId={}", gateway.id))
            .await?;
        let call = events["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|event| event["type"] == "mcp_call");
        if let Some(call) = call {
            assert!(
                call["grantId"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("grt_")),
                "{call}"
            );
            assert!(call["keyId"].is_null(), "{call}");
            return Ok(());
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mcp_call event: {events}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
