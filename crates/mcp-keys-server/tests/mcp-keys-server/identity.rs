//! `POST /v1/identity`: the service proves it holds the token's fingerprint.

use anyhow::Result;
use mcp_keys_core::{ManagementToken, identity_nonce, identity_proof};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, into_json};

#[tokio::test]
async fn the_service_proves_it_holds_the_fingerprint_of_a_token_without_seeing_it() -> Result<()> {
    let server = Server::start().await?;
    let token = ManagementToken::parse(&server.token)?;
    let nonce = identity_nonce()?;
    let url = format!("{}/v1/identity", server.base);

    let (status, body) = into_json(
        server
            .client
            .post(&url)
            .json(&json!({"tokenId": token.id(), "nonce": nonce}))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["proof"],
        identity_proof(&token.fingerprint(), &nonce),
        "only the holder of the fingerprint computes this"
    );

    let (status, _) = into_json(
        server
            .client
            .post(&url)
            .json(&json!({"tokenId": "Zz000000", "nonce": nonce}))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an unknown token has no proof"
    );
    let (status, _) = into_json(
        server
            .client
            .post(&url)
            .json(&json!({"tokenId": token.id(), "nonce": "short"}))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}
