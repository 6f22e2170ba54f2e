//! PostgreSQL: the key lifecycle on both databases, several instances on one
//! database (a revocation on one reaches the others within a second), and
//! the revocation race on PostgreSQL.

mod balancer;
mod cluster;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::support::{Server, refusal, rpc};
use cluster::Database;

/// A service on a fresh PostgreSQL database, and that database.
async fn postgres_server() -> Result<(Server, Database)> {
    let database = cluster::database().await?;
    let server = Server::start_on(tempfile::tempdir()?, &database.url, None, |_| {}).await?;
    Ok((server, database))
}

/// Another instance on the database of `first`, as behind a load balancer.
async fn second_instance(first: &Server, database: &Database) -> Result<Server> {
    Server::start_on(
        tempfile::tempdir()?,
        &database.url,
        Some(&first.token),
        |_| {},
    )
    .await
}

#[tokio::test]
async fn a_key_lives_its_whole_life_on_sqlite() -> Result<()> {
    key_lifecycle(&Server::start().await?).await
}

#[tokio::test]
async fn a_key_lives_its_whole_life_on_postgres() -> Result<()> {
    let (server, _database) = postgres_server().await?;
    key_lifecycle(&server).await
}

#[tokio::test]
async fn management_tokens_live_their_whole_life_on_postgres() -> Result<()> {
    let (server, _database) = postgres_server().await?;
    crate::tokens::token_lifecycle(&server).await
}

#[tokio::test]
async fn upstreams_are_kept_alike_on_postgres() -> Result<()> {
    let database = cluster::database().await?;
    let server = Server::start_on(tempfile::tempdir()?, &database.url, None, |config| {
        config.allow_upstream_commands = true;
    })
    .await?;
    crate::surfaces::upstream_lifecycle(&server, true).await
}

#[tokio::test]
async fn calls_through_an_http_upstream_are_forwarded_and_audited_on_postgres() -> Result<()> {
    let database = cluster::database().await?;
    let vault = Arc::new(crate::gateway::Vault::default());
    let secrets = Arc::clone(&vault);
    let server = Server::start_on(tempfile::tempdir()?, &database.url, None, |config| {
        config.upstream_secrets = secrets;
    })
    .await?;
    crate::gateway::calls_are_forwarded_and_audited(&server, &vault).await
}

#[tokio::test]
async fn lists_page_and_filter_alike_on_sqlite() -> Result<()> {
    lists_page_and_filter(&Server::start().await?).await
}

#[tokio::test]
async fn lists_page_and_filter_alike_on_postgres() -> Result<()> {
    let (server, _database) = postgres_server().await?;
    lists_page_and_filter(&server).await
}

#[tokio::test]
async fn a_postgres_url_where_nothing_listens_fails_at_once() -> Result<()> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let started = Instant::now();
    let connected =
        mcp_keys_server::Db::connect(&format!("postgres://postgres@127.0.0.1:{port}/keys")).await;
    assert!(connected.is_err(), "nothing listens there");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a refused connection is reported, not retried until a timeout"
    );
    Ok(())
}

/// Create, use, roll, deactivate the surface, revoke, read the audit log.
async fn key_lifecycle(server: &Server) -> Result<()> {
    let surface = server.surface("production", &["search", "fetch"]).await?;
    let (key, created) = server
        .key(&surface, &json!({"name": "ide", "scopes": ["search"]}))
        .await?;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(server.tool_names(&surface, &key).await?, ["search"]);
    let (status, verified) = server
        .post(
            "/v1/keys/verify",
            &json!({"key": key, "surfaceId": surface.id}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["valid"], true);

    let (status, rolled) = server
        .post(
            &format!("{}/keys/{id}/roll", surface.path()),
            &json!({"gracePeriodSeconds": 0}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{rolled}");
    let new_key = rolled["key"].as_str().unwrap_or_default().to_owned();
    let new_id = rolled["id"].as_str().unwrap_or_default().to_owned();
    let old = server
        .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(
        refusal(old).await?.2,
        "expired",
        "no grace period: the rolled key stops at once, cached or not"
    );
    assert_eq!(server.tool_names(&surface, &new_key).await?, ["search"]);

    let (status, _) = server
        .put(&surface.path(), &json!({"status": "inactive"}))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let inactive = server
        .mcp(&surface, Some(&new_key), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(refusal(inactive).await?.2, "surface_inactive");
    server
        .put(&surface.path(), &json!({"status": "active"}))
        .await?;

    let (status, revoked) = server
        .delete(&format!("{}/keys/{new_id}", surface.path()))
        .await?;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["isActive"], false);
    let after = server
        .mcp(&surface, Some(&new_key), &rpc("tools/list", json!({})))
        .await?;
    assert_eq!(
        refusal(after).await?,
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
        .into_iter()
        .flatten()
        .filter_map(|event| event["type"].as_str())
        .collect();
    for kind in ["key_created", "key_rolled", "key_revoked", "auth_failed"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let (_, keys) = server.get(&format!("{}/keys", surface.path())).await?;
    assert_eq!(keys["pagination"]["totalCount"], 2);
    Ok(())
}

/// Keyset pages and the surface filters, whose SQL binds optional values.
async fn lists_page_and_filter(server: &Server) -> Result<()> {
    for _ in 0..3 {
        server.product().await?;
    }
    let (_, first) = server.get("/v1/products?limit=2").await?;
    assert_eq!(first["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["pagination"]["hasMore"], true);
    assert_eq!(first["pagination"]["totalCount"], 3);
    let cursor = first["pagination"]["nextCursor"]
        .as_str()
        .unwrap_or_default();
    let (_, second) = server
        .get(&format!("/v1/products?limit=2&cursor={cursor}"))
        .await?;
    assert_eq!(second["data"].as_array().map(Vec::len), Some(1));
    assert_ne!(second["data"][0]["id"], first["data"][0]["id"]);

    let production = server.surface("production", &[]).await?;
    server.surface("development", &[]).await?;
    let (_, filtered) = server.get("/v1/surfaces?environment=production").await?;
    assert_eq!(filtered["pagination"]["totalCount"], 1);
    assert_eq!(filtered["data"][0]["id"], production.id.as_str());
    let (_, all) = server.get("/v1/surfaces?type=mcp&status=active").await?;
    assert_eq!(all["pagination"]["totalCount"], 2);
    Ok(())
}

#[tokio::test]
async fn a_revocation_on_one_instance_is_refused_on_another_within_a_second() -> Result<()> {
    let (first, database) = postgres_server().await?;
    let second = second_instance(&first, &database).await?;
    let surface = first.surface("development", &["search"]).await?;
    let (key, created) = first.key(&surface, &json!({"name": "ide"})).await?;
    // The second instance has verified the key, so it holds it in its cache:
    // only the notification can make it refuse within the second.
    assert_eq!(second.tool_names(&surface, &key).await?, ["search"]);

    let (status, _) = first
        .delete(&format!(
            "{}/keys/{}",
            surface.path(),
            created["id"].as_str().unwrap_or_default()
        ))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let revoked = Instant::now();
    loop {
        let response = second
            .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            assert_eq!(refusal(response).await?.2, "revoked");
            break;
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(1),
            "the other instance still accepts the key a second after the revocation"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(revoked.elapsed() < Duration::from_secs(1));
    Ok(())
}

#[tokio::test]
async fn a_revocation_whose_notification_is_lost_holds_once_the_cache_ages_out() -> Result<()> {
    let (server, database) = postgres_server().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "ide"})).await?;
    assert_eq!(server.tool_names(&surface, &key).await?, ["search"]);

    // Revoked behind the service's back: no notification, no local forget,
    // as when a notification is lost.
    let mut direct = PgConnection::connect(&database.url).await?;
    sqlx::query("UPDATE api_keys SET revoked_at = 1 WHERE id = $1")
        .bind(created["id"].as_str().unwrap_or_default())
        .execute(&mut direct)
        .await?;
    direct.close().await?;
    let revoked = Instant::now();
    loop {
        let response = server
            .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(4),
            "a cached verification was trusted for longer than its 3 s bound"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_that_starts_after_the_revoke_returned_is_accepted_on_postgres() -> Result<()> {
    let (server, _database) = postgres_server().await?;
    let server = Arc::new(server);
    let surface = server.surface("development", &["search"]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "ide"})).await?;
    let revoke = format!(
        "{}/keys/{}",
        surface.path(),
        created["id"].as_str().unwrap_or_default()
    );
    let revoked = Arc::new(AtomicBool::new(false));
    let (accepted_after, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));

    let mut workers = Vec::new();
    for _ in 0..8 {
        let (server, surface, key) = (Arc::clone(&server), surface.clone(), key.clone());
        let (revoked, accepted_after, refused) = (
            Arc::clone(&revoked),
            Arc::clone(&accepted_after),
            Arc::clone(&refused),
        );
        workers.push(tokio::spawn(async move {
            for _ in 0..40 {
                // Read before sending: true means the DELETE had returned.
                let after_revoke = revoked.load(Ordering::SeqCst);
                let response = server
                    .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
                    .await?;
                match response.status() {
                    StatusCode::OK if after_revoke => {
                        accepted_after.fetch_add(1, Ordering::SeqCst);
                    }
                    StatusCode::OK => {}
                    _ => {
                        refused.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            anyhow::Ok(())
        }));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (status, _) = server.delete(&revoke).await?;
    assert_eq!(status, StatusCode::OK);
    revoked.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await??;
    }
    assert_eq!(
        accepted_after.load(Ordering::SeqCst),
        0,
        "a request that began after the DELETE returned was accepted"
    );
    assert!(
        refused.load(Ordering::SeqCst) > 0,
        "the race really overlapped the revocation"
    );
    Ok(())
}

#[tokio::test]
async fn an_oauth_grant_works_on_postgres_and_its_revocation_reaches_the_other_instances()
-> Result<()> {
    let (first, database) = postgres_server().await?;
    let second = second_instance(&first, &database).await?;
    let surface = crate::oauth::surface(&first, "oauth").await?;
    let authorized = crate::oauth::authorized(&first, &surface).await?;
    assert_eq!(
        second.tool_names(&surface, &authorized.access).await?.len(),
        2
    );
    let (_, grants) = first.get(&format!("{}/grants", surface.path())).await?;
    let grant_id = grants["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _) = first
        .delete(&format!("{}/grants/{grant_id}", surface.path()))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let answer = second
            .mcp(
                &surface,
                Some(&authorized.access),
                &rpc("tools/list", json!({})),
            )
            .await?;
        if answer.status() == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other instance still accepts the revoked grant's token"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
