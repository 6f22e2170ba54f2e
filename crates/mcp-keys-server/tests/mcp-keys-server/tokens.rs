//! Management tokens: listed, minted and revoked through the API; the last
//! one cannot be revoked; the embedded service leaves no lost token alive.

use anyhow::{Result, bail};
use mcp_keys_core::ManagementToken;
use mcp_keys_server::{Embedded, LocalToken};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Server, into_json};

async fn as_token(
    server: &Server,
    token: &str,
    method: Method,
    path: &str,
) -> Result<(StatusCode, Value)> {
    into_json(
        server
            .client
            .request(method, format!("{}{path}", server.base))
            .bearer_auth(token)
            .send()
            .await?,
    )
    .await
}

#[tokio::test]
async fn tokens_are_listed_minted_and_revoked_but_never_the_last() -> Result<()> {
    token_lifecycle(&Server::start().await?).await
}

/// The whole life of management tokens on `server` (SQLite or PostgreSQL).
pub async fn token_lifecycle(server: &Server) -> Result<()> {
    let first = ManagementToken::parse(&server.token)?;
    let (status, list) = server.get("/v1/tokens").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["data"][0]["id"], first.id());
    assert_eq!(list["data"][0]["current"], true);
    assert!(list["data"][0]["lastUsedAt"].is_string(), "{list}");
    assert!(!list.to_string().contains(&server.token), "never the token");

    let response = server
        .request(Method::POST, "/v1/tokens")
        .json(&json!({"name": "laptop"}))
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let (status, created) = into_json(response).await?;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let second = created["token"].as_str().unwrap_or_default().to_owned();
    assert!(second.starts_with("mgmt_"));
    assert_eq!(created["name"], "laptop");
    assert_eq!(created["current"], false);

    let (status, list) = as_token(server, &second, Method::GET, "/v1/tokens").await?;
    assert_eq!(status, StatusCode::OK, "the new token works");
    assert_eq!(list["data"].as_array().map(Vec::len), Some(2));

    let (status, revoked) = as_token(
        server,
        &second,
        Method::DELETE,
        &format!("/v1/tokens/{}", first.id()),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revokedAt"].is_string());
    let (status, _) = server.get("/v1/products").await?;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the revoked token stops working"
    );

    let second_id = ManagementToken::parse(&second)?.id().to_owned();
    let (status, body) = as_token(
        server,
        &second,
        Method::DELETE,
        &format!("/v1/tokens/{second_id}"),
    )
    .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "last_token");
    let (status, _) = as_token(server, &second, Method::DELETE, "/v1/tokens/NoSuch00").await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn an_embedded_service_that_mints_a_replacement_revokes_the_token_it_replaces() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let service = Embedded::start(&dir.path().join("keys.db"), "127.0.0.1:0".parse()?).await?;
    let LocalToken::Minted(lost) = service.local_token(None).await? else {
        bail!("a first token is minted");
    };
    // The keyring lost the token: the app asks again with none.
    let LocalToken::Minted(replacement) = service.local_token(None).await? else {
        bail!("a replacement is minted");
    };
    let client = reqwest::Client::new();
    let status = |token: ManagementToken| {
        let request = client
            .get(format!("{}/v1/products", service.url()))
            .bearer_auth(token.expose_secret().to_owned());
        async move { Ok::<_, reqwest::Error>(request.send().await?.status()) }
    };
    assert_eq!(status(replacement).await?, StatusCode::OK);
    assert_eq!(
        status(lost).await?,
        StatusCode::UNAUTHORIZED,
        "the token the keyring lost no longer works"
    );
    service.stop().await?;
    Ok(())
}
