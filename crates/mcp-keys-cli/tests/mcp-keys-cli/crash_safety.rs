//! kill -9 during writes: every acknowledged revocation survives, and the
//! database passes its integrity check after every crash.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;

use crate::support::{Serve, json, sqlite_url};

/// Crashes per run.
const CRASHES: usize = 6;

/// Writers creating and revoking keys at the same time.
const WRITERS: usize = 3;

/// A key whose revocation the service acknowledged: its id and the key.
#[derive(Debug, Clone)]
struct Revoked {
    id: String,
    key: String,
}

/// Creates and revokes keys until the service stops answering, recording
/// each revocation once its DELETE has returned 200.
async fn write_until_killed(
    base: String,
    token: String,
    surface_path: String,
    revoked: Arc<Mutex<Vec<Revoked>>>,
) {
    let http = reqwest::Client::new();
    let mut n = 0;
    loop {
        n += 1;
        let Ok((StatusCode::CREATED, created)) = json(
            http.post(format!("{base}{surface_path}/keys"))
                .bearer_auth(&token)
                .json(&json!({"name": format!("key {n}")})),
        )
        .await
        else {
            return;
        };
        let (Some(id), Some(key)) = (created["id"].as_str(), created["key"].as_str()) else {
            return;
        };
        let Ok((StatusCode::OK, _)) = json(
            http.delete(format!("{base}{surface_path}/keys/{id}"))
                .bearer_auth(&token),
        )
        .await
        else {
            return;
        };
        if let Ok(mut revoked) = revoked.lock() {
            revoked.push(Revoked {
                id: id.to_owned(),
                key: key.to_owned(),
            });
        }
    }
}

/// `PRAGMA integrity_check` of the database file, with nothing else open.
async fn integrity_check(db: &str) -> Result<String> {
    let mut connection = SqliteConnection::connect(db).await?;
    let (result,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await?;
    connection.close().await?;
    Ok(result)
}

async fn created_id(request: reqwest::RequestBuilder) -> Result<String> {
    let (status, body) = json(request).await?;
    if status != StatusCode::CREATED {
        bail!("expected 201, got {status}: {body}");
    }
    body["id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no id in {body}"))
}

/// Checks that every acknowledged revocation is stored and enforced.
async fn assert_revocations_hold(base: &str, token: &str, revoked: &[Revoked]) -> Result<()> {
    let http = reqwest::Client::new();
    for key in revoked {
        let (status, metadata) = json(
            http.get(format!("{base}/v1/keys/{}", key.id))
                .bearer_auth(token),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{metadata}");
        assert!(
            metadata["revokedAt"].is_string(),
            "an acknowledged revocation survives kill -9: {metadata}"
        );
        let (_, verdict) = json(
            http.post(format!("{base}/v1/keys/verify"))
                .bearer_auth(token)
                .json(&json!({"key": key.key})),
        )
        .await?;
        assert_eq!(
            (&verdict["valid"], &verdict["reason"]),
            (&Value::Bool(false), &Value::from("revoked")),
            "key {}: {verdict}",
            key.id
        );
    }
    Ok(())
}

#[tokio::test]
async fn acknowledged_revocations_survive_kill_9_during_writes_and_the_database_stays_intact()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = sqlite_url(dir.path());
    let token_file = dir.path().join("token");
    let serve = Serve::start(
        dir.path(),
        &db,
        &["--init-token-file", &token_file.display().to_string()],
    )
    .await?;
    let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
    let http = reqwest::Client::new();
    let product = created_id(
        http.post(format!("{}/v1/products", serve.base))
            .bearer_auth(&token)
            .json(&json!({"name": "Crash"})),
    )
    .await?;
    let surface = created_id(
        http.post(format!("{}/v1/products/{product}/surfaces", serve.base))
            .bearer_auth(&token)
            .json(&json!({"name": "S", "type": "mcp"})),
    )
    .await?;
    let surface_path = format!("/v1/products/{product}/surfaces/{surface}");
    let revoked = Arc::new(Mutex::new(Vec::new()));

    let mut serve = Some(serve);
    for crash in 0..CRASHES {
        let mut running = match serve.take() {
            Some(running) => running,
            None => Serve::start(dir.path(), &db, &[]).await?,
        };
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                tokio::spawn(write_until_killed(
                    running.base.clone(),
                    token.clone(),
                    surface_path.clone(),
                    Arc::clone(&revoked),
                ))
            })
            .collect();
        // Different moments in the write cycle on each round.
        tokio::time::sleep(Duration::from_millis(150 + 70 * crash as u64)).await;
        running.signal("KILL")?;
        running.wait().await?;
        for writer in writers {
            writer.await?;
        }

        assert_eq!(
            integrity_check(&db).await?,
            "ok",
            "after crash {crash}, the database passes its integrity check"
        );
        let restarted = Serve::start(dir.path(), &db, &[]).await?;
        let acknowledged = revoked
            .lock()
            .map_err(|_| anyhow::anyhow!("a writer panicked"))?
            .clone();
        assert_revocations_hold(&restarted.base, &token, &acknowledged).await?;
        serve = Some(restarted);
    }
    let total = revoked.lock().map(|revoked| revoked.len()).unwrap_or(0);
    assert!(
        total >= CRASHES,
        "the writers got revocations acknowledged between crashes ({total})"
    );
    Ok(())
}
