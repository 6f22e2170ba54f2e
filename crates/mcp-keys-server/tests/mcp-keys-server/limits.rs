//! Rate limits: failed attempts per address, a key's own limits.

use std::num::NonZeroU32;

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, refusal, rpc};

#[tokio::test]
async fn an_address_with_too_many_failures_gets_429_with_retry_after() -> Result<()> {
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
    // While blocked, even a good key is not looked at: no guess gets through.
    let (status, _, _) = refusal(server.mcp(&surface, Some(&key), &list).await?).await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Management tokens are guarded by the same limit.
    let (status, _) = server.get("/v1/products").await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
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
