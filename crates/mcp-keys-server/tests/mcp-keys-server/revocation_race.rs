//! Many requests with a key while it is revoked: none that starts after the
//! DELETE returned may be accepted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    let answered = Arc::new(AtomicUsize::new(0));

    let mut workers = Vec::new();
    for _ in 0..8 {
        let (server, surface, key, revoked_at, answered) = (
            Arc::clone(&server),
            surface.clone(),
            key.clone(),
            Arc::clone(&revoked_at),
            Arc::clone(&answered),
        );
        workers.push(tokio::spawn(async move {
            let mut accepted_after = 0;
            let mut refused = 0;
            for _ in 0..40 {
                let started = Instant::now();
                let response = server
                    .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
                    .await?;
                answered.fetch_add(1, Ordering::SeqCst);
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
    // Revoke once the workers are under way (a tenth of their requests
    // answered), however fast or slow this machine is: the rest overlap.
    while answered.load(Ordering::SeqCst) < 32 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
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
