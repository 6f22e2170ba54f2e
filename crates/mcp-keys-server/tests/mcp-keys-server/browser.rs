//! Web pages: another site's page must not reach the management API through
//! the user's browser, and a page on a rebound DNS name must not reach a
//! loopback service at all.

use anyhow::{Result, bail};
use mcp_keys_server::{Embedded, LocalToken};
use reqwest::StatusCode;
use reqwest::header::{HOST, ORIGIN};
use serde_json::Value;

use crate::support::Server;

#[tokio::test]
async fn cross_site_browser_requests_to_the_management_api_are_refused() -> Result<()> {
    let server = Server::start().await?;
    let products = format!("{}/v1/products", server.base);
    for (name, value) in [
        (ORIGIN.as_str(), "https://evil.example"),
        (ORIGIN.as_str(), "http://localhost:3000"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = server
            .client
            .get(&products)
            .bearer_auth(&server.token)
            .header(name, value)
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"]["code"], "forbidden_origin");
        assert!(
            response_has_no_cors(&server, &products, value).await?,
            "no CORS allowance is ever sent"
        );
    }
    let (status, _) = server.get("/v1/products").await?;
    assert_eq!(status, StatusCode::OK, "programs send no Origin and pass");
    Ok(())
}

async fn response_has_no_cors(server: &Server, url: &str, origin: &str) -> Result<bool> {
    let response = server
        .client
        .request(reqwest::Method::OPTIONS, url)
        .header(ORIGIN, origin)
        .header("access-control-request-method", "POST")
        .send()
        .await?;
    Ok(!response
        .headers()
        .contains_key("access-control-allow-origin"))
}

#[tokio::test]
async fn the_embedded_service_refuses_a_foreign_host_name() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let service = Embedded::start(&dir.path().join("keys.db"), "127.0.0.1:0".parse()?).await?;
    let LocalToken::Minted(token) = service.local_token(None).await? else {
        bail!("a first token is minted");
    };
    let port = service
        .url()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let client = reqwest::Client::new();
    let products = format!("{}/v1/products", service.url());
    let rebound = client
        .get(&products)
        .bearer_auth(token.expose_secret())
        .header(HOST, format!("evil.example:{port}"))
        .send()
        .await?;
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
    for host in ["127.0.0.1", "localhost"] {
        let response = client
            .get(&products)
            .bearer_auth(token.expose_secret())
            .header(HOST, format!("{host}:{port}"))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK, "{host}");
    }
    service.stop().await?;
    Ok(())
}
