//! A key's own per-day limit (`rateLimitPerDay`), over real HTTP.
//!
//! The per-day quota allows the whole day's count at once and then one
//! request per 86 400 / count seconds (`limits::per_day`), so a small limit
//! is reached within a few requests and the test never waits for a window.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, refusal, rpc};

#[tokio::test]
async fn a_key_s_own_per_day_limit_is_enforced_with_retry_after() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, _) = server
        .key(&surface, &json!({"name": "ide", "rateLimitPerDay": 3}))
        .await?;
    let list = rpc("tools/list", json!({}));
    for _ in 0..3 {
        assert_eq!(
            server.mcp(&surface, Some(&key), &list).await?.status(),
            StatusCode::OK
        );
    }
    let response = server.mcp(&surface, Some(&key), &list).await?;
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or_default();
    // The next request is allowed once a third of the day has passed
    // (86 400 s / 3), not after a minute: the day's window answers.
    assert!(
        (60..=28_800).contains(&retry_after),
        "Retry-After {retry_after} s is the per-day interval"
    );
    let (status, code, reason) = refusal(response).await?;
    assert_eq!(
        (status, code.as_str(), reason.as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "rate_limit_per_day"
        )
    );
    Ok(())
}

#[tokio::test]
async fn the_per_day_limit_counts_each_key_on_its_own() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (limited, _) = server
        .key(&surface, &json!({"name": "a", "rateLimitPerDay": 1}))
        .await?;
    let (other, _) = server
        .key(&surface, &json!({"name": "b", "rateLimitPerDay": 1}))
        .await?;
    let list = rpc("tools/list", json!({}));
    assert_eq!(
        server.mcp(&surface, Some(&limited), &list).await?.status(),
        StatusCode::OK
    );
    let (status, _, reason) = refusal(server.mcp(&surface, Some(&limited), &list).await?).await?;
    assert_eq!(
        (status, reason.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limit_per_day")
    );
    // Another key of the same surface has its own day.
    assert_eq!(
        server.mcp(&surface, Some(&other), &list).await?.status(),
        StatusCode::OK,
        "one key's spent day does not limit another key"
    );
    Ok(())
}
