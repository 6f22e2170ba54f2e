//! Products, and the handling of bad bodies every route shares.

use anyhow::Result;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Server, into_json};

#[tokio::test]
async fn products_are_created_and_listed_page_by_page() -> Result<()> {
    let server = Server::start().await?;
    for name in ["A", "B", "C"] {
        let (status, body) = server.post("/v1/products", &json!({"name": name})).await?;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(body["name"], name);
        assert!(body["createdAt"].is_string());
    }
    let (status, first) = server.get("/v1/products?limit=2").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["pagination"]["hasMore"], true);
    assert_eq!(first["pagination"]["totalCount"], 3);
    let cursor = first["pagination"]["nextCursor"]
        .as_str()
        .unwrap_or_default();
    let (_, second) = server
        .get(&format!("/v1/products?limit=2&cursor={cursor}"))
        .await?;
    assert_eq!(
        second["data"][0]["name"], "C",
        "the next page starts after the cursor"
    );
    assert_eq!(second["pagination"]["hasMore"], false);
    assert!(second["pagination"]["nextCursor"].is_null());
    Ok(())
}

#[tokio::test]
async fn bad_list_parameters_are_400() -> Result<()> {
    let server = Server::start().await?;
    for query in ["limit=0", "limit=abc", "cursor=garbage"] {
        let (status, body) = server.get(&format!("/v1/products?{query}")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"]["code"], "bad_request");
    }
    Ok(())
}

#[tokio::test]
async fn malformed_json_is_400_and_a_wrong_shape_is_422_in_our_error_shape() -> Result<()> {
    let server = Server::start().await?;
    let send = |body: &'static str| {
        server
            .request(Method::POST, "/v1/products")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (status, body) = into_json(send("{\"name\":").await?).await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    let (status, body) = into_json(send("{\"name\":42}").await?).await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
    );
    let (status, body) = server.post("/v1/products", &json!({"name": "   "})).await?;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a blank name: {body}"
    );
    Ok(())
}

#[tokio::test]
async fn an_oversized_body_is_413() -> Result<()> {
    let server = Server::start().await?;
    let name = "x".repeat(100 * 1024);
    let (status, body) = server.post("/v1/products", &json!({"name": name})).await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "payload_too_large");
    Ok(())
}

#[tokio::test]
async fn names_with_terminal_escape_sequences_are_refused_everywhere() -> Result<()> {
    let server = Server::start().await?;
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let (status, body) = server
        .post("/v1/products", &json!({"name": hostile}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let surface = server.surface("development", &["search"]).await?;
    let (status, _) = server
        .post(
            &format!("{}/keys", surface.path()),
            &json!({"name": "ide\u{202E}txt"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .put(surface.path().as_str(), &json!({"name": "a\u{7}"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}
