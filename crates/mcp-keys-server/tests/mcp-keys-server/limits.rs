//! Rate limits: failed attempts per address, a key's own limits.

use std::num::NonZeroU32;

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, refusal, rpc};

#[tokio::test]
async fn failures_get_429_while_valid_credentials_from_the_same_address_still_work() -> Result<()> {
    let server = Server::start_with(|config| {
        config.failed_auth_per_minute = NonZeroU32::MIN.saturating_add(2);
    })
    .await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, _) = server.key(&surface, &json!({"name": "ide"})).await?;
    let list = rpc("tools/list", json!({}));
    for _ in 0..3 {
        let (status, _, _) = refusal(server.mcp(&surface, Some("wrong"), &list).await?).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let response = server.mcp(&surface, Some("wrong"), &list).await?;
    assert!(response.headers().contains_key("retry-after"));
    let (status, code, reason) = refusal(response).await?;
    assert_eq!(
        (status, code.as_str(), reason.as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too_many_failures"
        )
    );
    // 127.0.0.1 is shared by the app, the CLI, every IDE and any web page's
    // requests: valid credentials are never refused for others' failures.
    let (status, _, _) = refusal(server.mcp(&surface, Some(&key), &list).await?).await?;
    assert_eq!(
        status,
        StatusCode::OK,
        "a valid key still works while blocked"
    );
    let (status, _) = server.get("/v1/products").await?;
    assert_eq!(
        status,
        StatusCode::OK,
        "a valid token still works while blocked"
    );
    // A failing management request from the blocked address gets 429.
    let response = server
        .client
        .get(format!("{}/v1/products", server.base))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let response = server
        .client
        .get(format!("{}/v1/products", server.base))
        .bearer_auth("mgmt_wrong")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    Ok(())
}

#[tokio::test]
async fn a_key_s_own_per_minute_limit_is_enforced() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, _) = server
        .key(&surface, &json!({"name": "ide", "rateLimitPerMinute": 2}))
        .await?;
    let list = rpc("tools/list", json!({}));
    for _ in 0..2 {
        assert_eq!(
            server.mcp(&surface, Some(&key), &list).await?.status(),
            StatusCode::OK
        );
    }
    let response = server.mcp(&surface, Some(&key), &list).await?;
    assert!(response.headers().contains_key("retry-after"));
    let (status, _, reason) = refusal(response).await?;
    assert_eq!(
        (status, reason.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limit_per_minute")
    );
    Ok(())
}
