//! The key service embedded in another program, as the desktop app runs it.

use anyhow::{Result, bail};
use mcp_keys_core::ManagementToken;
use mcp_keys_server::{Embedded, LocalToken};

async fn products_status(base: &str, token: &ManagementToken) -> Result<u16> {
    let response = reqwest::Client::new()
        .get(format!("{base}/v1/products"))
        .bearer_auth(token.expose_secret())
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn an_embedded_service_mints_a_token_once_and_keeps_it_across_restarts() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("key-service.db");
    let service = Embedded::start(&db, "127.0.0.1:0".parse()?).await?;
    let LocalToken::Minted(token) = service.local_token(None).await? else {
        bail!("with no saved token a new one is minted");
    };
    assert_eq!(products_status(service.url(), &token).await?, 200);
    service.stop().await?;

    let service = Embedded::start(&db, "127.0.0.1:0".parse()?).await?;
    assert!(
        matches!(service.local_token(Some(&token)).await?, LocalToken::Kept),
        "the token saved by the last run still works after a restart"
    );
    let stranger = ManagementToken::generate()?;
    assert!(
        matches!(
            service.local_token(Some(&stranger)).await?,
            LocalToken::Minted(_)
        ),
        "a saved token this database does not know is replaced"
    );
    assert_eq!(products_status(service.url(), &stranger).await?, 401);
    service.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_port_in_use_is_an_error_that_names_the_port_and_the_way_out() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = taken.local_addr()?;
    let Err(error) = Embedded::start(&dir.path().join("k.db"), address).await else {
        bail!("binding a port in use must fail");
    };
    let message = error.to_string();
    assert!(message.contains(&address.to_string()), "{message}");
    assert!(message.contains("MCP_KEYS_LOCAL_PORT"), "{message}");
    Ok(())
}
