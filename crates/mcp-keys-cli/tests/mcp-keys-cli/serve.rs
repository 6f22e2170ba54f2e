//! `mcp-keys serve` itself: health, shutdown, start-up errors, the first
//! management token.

use std::os::unix::fs::PermissionsExt;

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Serve, free_address, json, serve_failure, sqlite_url};

#[tokio::test]
async fn the_health_endpoint_answers_ok_without_a_token() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let serve = Serve::start(dir.path(), &sqlite_url(dir.path()), &[]).await?;
    let (status, body) = json(reqwest::Client::new().get(format!("{}/health", serve.base))).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok"}));
    Ok(())
}

#[tokio::test]
async fn sigterm_stops_the_service_gracefully_with_a_zero_exit() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut serve = Serve::start(dir.path(), &sqlite_url(dir.path()), &[]).await?;
    serve.signal("TERM")?;
    let status = serve.wait().await?;
    let log = serve.log()?;
    assert!(status.success(), "{status}:\n{log}");
    assert!(
        log.contains("key service stopped"),
        "it says it stopped after closing the database:\n{log}"
    );
    Ok(())
}

#[tokio::test]
async fn a_port_in_use_is_a_clear_error() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = taken.local_addr()?.to_string();
    let stderr = serve_failure(&["--listen", &address, "--db", &sqlite_url(dir.path())]).await?;
    assert!(
        stderr.contains(&format!("cannot listen on {address}")) && stderr.contains("port in use"),
        "{stderr}"
    );
    Ok(())
}

#[cfg(unix)]
#[tokio::test]
async fn a_secrets_file_others_may_read_is_refused_without_showing_a_secret() -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir()?;
    let secrets = dir.path().join("secrets");
    std::fs::write(&secrets, "github-pat=ghp_not_for_logs\n")?;
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o644))?;
    let listen = free_address()?.to_string();
    let db = sqlite_url(dir.path());
    let file = secrets.display().to_string();
    let args = ["--listen", &listen, "--db", &db, "--secrets-file", &file];
    let stderr = serve_failure(&args).await?;
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains("ghp_not_for_logs"), "{stderr}");
    std::fs::write(&secrets, "github-pat\n")?;
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600))?;
    let stderr = serve_failure(&args).await?;
    assert!(stderr.contains("line 1"), "{stderr}");
    Ok(())
}

#[tokio::test]
async fn a_bad_db_is_a_clear_error_that_does_not_repeat_the_url() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let listen = free_address()?.to_string();
    let missing_folder = format!("sqlite://{}/no/such/folder/keys.db", dir.path().display());
    for db in ["mysql://user:hunter2@db/keys", missing_folder.as_str()] {
        let stderr = serve_failure(&["--listen", &listen, "--db", db]).await?;
        assert!(
            stderr.contains("cannot open the database given with --db"),
            "{db}: {stderr}"
        );
        assert!(
            !stderr.contains("hunter2"),
            "a password in the URL is never printed: {stderr}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_init_token_file_is_written_with_mode_0600_only_when_the_database_has_no_token()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = sqlite_url(dir.path());
    let token_file = dir.path().join("token");
    let token_arg = token_file.display().to_string();

    let mut first = Serve::start(dir.path(), &db, &["--init-token-file", &token_arg]).await?;
    let mode = std::fs::metadata(&token_file)?.permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only the owner may read the token");
    let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
    let (status, _) = json(
        reqwest::Client::new()
            .get(format!("{}/v1/products", first.base))
            .bearer_auth(&token),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "the written token works");
    first.signal("TERM")?;
    first.wait().await?;

    std::fs::remove_file(&token_file)?;
    let mut second = Serve::start(dir.path(), &db, &["--init-token-file", &token_arg]).await?;
    assert!(
        !token_file.exists(),
        "a database with a token gets no second one"
    );
    second.signal("TERM")?;
    second.wait().await?;
    Ok(())
}

#[tokio::test]
async fn the_database_and_its_wal_are_readable_by_the_owner_only() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut serve = Serve::start(dir.path(), &sqlite_url(dir.path()), &[]).await?;
    for name in ["keys.db", "keys.db-wal", "keys.db-shm"] {
        let path = dir.path().join(name);
        if name == "keys.db" || path.exists() {
            let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name} holds fingerprints and the audit log");
        }
    }
    serve.signal("TERM")?;
    serve.wait().await?;
    Ok(())
}

#[tokio::test]
async fn an_init_token_file_that_is_a_symlink_is_refused_and_its_target_kept() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious\n")?;
    let link = dir.path().join("token");
    std::os::unix::fs::symlink(&victim, &link)?;
    let listen = free_address()?.to_string();
    let stderr = serve_failure(&[
        "--listen",
        &listen,
        "--db",
        &sqlite_url(dir.path()),
        "--init-token-file",
        &link.display().to_string(),
    ])
    .await?;
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&victim)?,
        "precious\n",
        "the link's target is untouched"
    );
    Ok(())
}

#[tokio::test]
async fn a_service_on_loopback_refuses_a_rebound_host_name() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let serve = Serve::start(dir.path(), &sqlite_url(dir.path()), &[]).await?;
    let port = serve.base.rsplit(':').next().unwrap_or_default().to_owned();
    let client = reqwest::Client::new();
    let (status, body) = json(
        client
            .get(format!("{}/health", serve.base))
            .header(reqwest::header::HOST, format!("evil.example:{port}")),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = json(
        client
            .get(format!("{}/health", serve.base))
            .header(reqwest::header::HOST, format!("localhost:{port}")),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}
