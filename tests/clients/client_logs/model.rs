//! The model the clients are given offline: Copilot CLI and Codex start
//! their MCP servers only when they have a model provider, and wait for a
//! network when it does not answer; one that refuses at once lets them
//! connect to the servers and stop (docs/research/client-logs.md).

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A model endpoint that answers 400 to everything, on a free loopback
/// port, for as long as the test runs. Its base URL.
pub(super) async fn refusing_model() -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                // The whole request is read before answering: closing a
                // socket with unread bytes resets it, and the client would
                // see a reset instead of the 400.
                let mut request = Vec::new();
                let mut buffer = [0_u8; 8192];
                loop {
                    let Ok(read) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..read]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|line| {
                                let (name, value) = line.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())
                                    .flatten()
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let body =
                    r#"{"error":{"message":"no model here","type":"invalid_request_error"}}"#;
                let answer = format!(
                    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Ok(base)
}
