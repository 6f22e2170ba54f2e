//! Management tokens: required everywhere in the management API, bootstrap.

use anyhow::Result;
use mcp_keys_core::ManagementToken;
use mcp_keys_server::{Db, init_token_file};
use reqwest::StatusCode;

use crate::support::{Server, into_json};

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_with_401_and_our_error_shape() -> Result<()> {
    let server = Server::start().await?;
    let url = format!("{}/v1/products", server.base);
    let other = ManagementToken::generate()?;
    for request in [
        server.client.get(&url),
        server.client.get(&url).bearer_auth("nonsense"),
        server.client.get(&url).bearer_auth(other.expose_secret()),
        server
            .client
            .get(&url)
            .basic_auth("admin", Some(&server.token)),
    ] {
        let response = request.send().await?;
        assert!(response.headers().contains_key("www-authenticate"));
        let (status, body) = into_json(response).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(body["error"]["message"].is_string());
    }
    Ok(())
}

#[tokio::test]
async fn the_first_token_file_is_private_and_written_only_once() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("k.db").display())).await?;
    let path = dir.path().join("token");
    assert!(init_token_file(&db, &path).await?);
    let token = std::fs::read_to_string(&path)?;
    assert!(
        ManagementToken::parse(token.trim()).is_ok(),
        "the file holds one token"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path)?.permissions().mode() & 0o777,
            0o600
        );
    }
    let again = dir.path().join("again");
    assert!(
        !init_token_file(&db, &again).await?,
        "the database has a token already"
    );
    assert!(!again.exists());
    Ok(())
}

#[tokio::test]
async fn health_answers_without_a_token_and_unknown_routes_are_404() -> Result<()> {
    let server = Server::start().await?;
    let (status, body) = into_json(
        server
            .client
            .get(format!("{}/health", server.base))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, body) = server.get("/v1/nothing-here").await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    Ok(())
}

#[tokio::test]
async fn a_database_url_of_an_unsupported_kind_is_a_clear_error() {
    let error = Db::connect("mysql://localhost/keys").await.err();
    assert!(
        error.is_some_and(|error| error.to_string().contains("unsupported database URL")),
        "the error names the problem"
    );
}

#[tokio::test]
async fn an_in_memory_database_keeps_its_data_for_the_life_of_the_pool() -> Result<()> {
    let db = Db::connect("sqlite::memory:").await?;
    let dir = tempfile::tempdir()?;
    assert!(init_token_file(&db, &dir.path().join("token")).await?);
    // Were the database lost with an idle connection, a second token could be made.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(!init_token_file(&db, &dir.path().join("again")).await?);
    Ok(())
}
