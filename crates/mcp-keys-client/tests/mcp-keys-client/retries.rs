//! Retries: idempotent calls try again after 503 and a short 429; creates
//! never do.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use mcp_keys_client::{Client, Error, PageRequest};
use mcp_keys_core::Sensitive;
use serde_json::json;

use crate::support::{fast, serve_router};

/// How many requests each route saw.
#[derive(Default)]
struct Counts {
    get: AtomicUsize,
    post: AtomicUsize,
}

/// A management API whose product list fails `failures` times with
/// `status` (and `Retry-After: 1` on a 429) before it answers, and whose
/// product creation always fails with 503.
async fn flaky(status: StatusCode, failures: usize) -> Result<(Client, Arc<Counts>)> {
    let counts = Arc::new(Counts::default());
    let (on_get, on_post) = (Arc::clone(&counts), Arc::clone(&counts));
    let router = Router::new().route(
        "/v1/products",
        get(move || async move {
            if on_get.get.fetch_add(1, Ordering::SeqCst) < failures {
                let body =
                    axum::Json(json!({"error": {"code": "unavailable", "message": "try later"}}));
                return (status, [("retry-after", "1")], body).into_response();
            }
            axum::Json(json!({"data": [], "pagination": {"nextCursor": null, "hasMore": false}}))
                .into_response()
        })
        .post(move || async move {
            on_post.post.fetch_add(1, Ordering::SeqCst);
            StatusCode::SERVICE_UNAVAILABLE
        }),
    );
    let base = serve_router(router).await?;
    let client = fast(Client::builder(&base, Sensitive::new("mgmt_x".to_owned()))).build()?;
    Ok((client, counts))
}

#[tokio::test]
async fn a_read_is_retried_after_503_until_it_succeeds() -> Result<()> {
    let (client, counts) = flaky(StatusCode::SERVICE_UNAVAILABLE, 2).await?;
    let page = client.list_products(&PageRequest::default()).await?;
    assert!(page.data.is_empty());
    assert_eq!(
        counts.get.load(Ordering::SeqCst),
        3,
        "two failures, then the answer"
    );
    Ok(())
}

#[tokio::test]
async fn a_read_gives_up_after_the_last_attempt_with_the_server_s_error() -> Result<()> {
    let (client, counts) = flaky(StatusCode::BAD_GATEWAY, 10).await?;
    let error = client.list_products(&PageRequest::default()).await.err();
    assert!(
        matches!(&error, Some(Error::Server { status: 502, message }) if message == "try later"),
        "{error:?}"
    );
    assert_eq!(counts.get.load(Ordering::SeqCst), 3, "max_attempts in all");
    Ok(())
}

#[tokio::test]
async fn a_short_retry_after_is_waited_out() -> Result<()> {
    let (client, counts) = flaky(StatusCode::TOO_MANY_REQUESTS, 1).await?;
    let started = std::time::Instant::now();
    client.list_products(&PageRequest::default()).await?;
    assert_eq!(counts.get.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "the server's Retry-After was honoured"
    );
    Ok(())
}

#[tokio::test]
async fn a_create_is_never_retried() -> Result<()> {
    let (client, counts) = flaky(StatusCode::SERVICE_UNAVAILABLE, 0).await?;
    let error = client.create_product("Docs").await.err();
    assert!(
        matches!(error, Some(Error::Server { status: 503, .. })),
        "{error:?}"
    );
    assert_eq!(
        counts.post.load(Ordering::SeqCst),
        1,
        "a second create could make a second product"
    );
    Ok(())
}
