//! Slow and idle clients: a half-sent request or a stalled body is cut off,
//! and a flood of idle connections cannot keep real requests out for long.

use std::time::Duration;

use anyhow::{Result, bail};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::Server;

/// Generous: the configured limits below are half a second.
const PATIENCE: Duration = Duration::from_secs(15);

async fn short_limits() -> Result<Server> {
    Server::start_with(|config| {
        config.header_read_timeout = Duration::from_millis(500);
        config.body_timeout = Duration::from_millis(500);
        config.max_connections = 2;
    })
    .await
}

/// Reads until the server closes the connection; what it sent.
async fn until_closed(stream: &mut TcpStream) -> Result<String> {
    let mut received = Vec::new();
    match tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received)).await {
        Ok(_) => Ok(String::from_utf8_lossy(&received).into_owned()),
        Err(_) => bail!("the server kept a stalled connection open"),
    }
}

#[tokio::test]
async fn a_half_sent_request_head_is_cut_off() -> Result<()> {
    let server = short_limits().await?;
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).await?;
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await?;
    let answer = until_closed(&mut stream).await?;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    Ok(())
}

#[tokio::test]
async fn a_stalled_request_body_is_cut_off() -> Result<()> {
    let server = short_limits().await?;
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).await?;
    let head = format!(
        "POST /v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":",
        server.token
    );
    stream.write_all(head.as_bytes()).await?;
    let answer = until_closed(&mut stream).await?;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "the request fails, it is not served: {answer}"
    );
    let (status, body) = server.get("/v1/products").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["data"].as_array().map(Vec::len),
        Some(0),
        "nothing was created"
    );
    Ok(())
}

#[tokio::test]
async fn idle_connections_beyond_the_limit_do_not_keep_requests_out() -> Result<()> {
    let server = short_limits().await?;
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut idle = Vec::new();
    for _ in 0..6 {
        idle.push(TcpStream::connect(&address).await?);
    }
    let health = tokio::time::timeout(PATIENCE, server.get("/health")).await;
    let Ok(Ok((status, _))) = health else {
        bail!("a request waited for ever behind idle connections: {health:?}");
    };
    assert_eq!(status, StatusCode::OK);
    Ok(())
}
