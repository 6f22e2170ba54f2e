//! Many requests with a key while it is revoked: none that starts after the
//! DELETE returned may be accepted.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Mutex;

use crate::support::{Server, rpc};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_that_starts_after_the_revoke_returned_is_accepted() -> Result<()> {
    let server = Arc::new(Server::start().await?);
    let surface = server.surface("development", &["search"]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "ide"})).await?;
    let revoke = format!(
        "{}/keys/{}",
        surface.path(),
        created["id"].as_str().unwrap_or_default()
    );
    let revoked_at: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));

    let mut workers = Vec::new();
    for _ in 0..8 {
        let (server, surface, key, revoked_at) = (
            Arc::clone(&server),
            surface.clone(),
            key.clone(),
            Arc::clone(&revoked_at),
        );
        workers.push(tokio::spawn(async move {
            let mut accepted_after = 0;
            let mut refused = 0;
            for _ in 0..40 {
                let started = Instant::now();
                let response = server
                    .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
                    .await?;
                let after_revoke = revoked_at.lock().await.is_some_and(|at| started > at);
                match response.status() {
                    StatusCode::OK if after_revoke => accepted_after += 1,
                    StatusCode::OK => {}
                    _ => refused += 1,
                }
            }
            anyhow::Ok((accepted_after, refused))
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (status, _) = server.delete(&revoke).await?;
    assert_eq!(status, StatusCode::OK);
    *revoked_at.lock().await = Some(Instant::now());

    let (mut accepted_after, mut refused) = (0, 0);
    for worker in workers {
        let (accepted, refusals) = worker.await??;
        accepted_after += accepted;
        refused += refusals;
    }
    assert_eq!(
        accepted_after, 0,
        "a request that began after the DELETE returned was accepted"
    );
    assert!(refused > 0, "the race really overlapped the revocation");
    Ok(())
}
