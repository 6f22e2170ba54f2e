//! Whom the management token goes to: never to a program that merely holds
//! the service's port, and never through a proxy on the way to loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::cli::{Cli, KeyService};

/// What a fake server on a loopback port saw.
#[derive(Debug, Default)]
pub struct Seen {
    pub connections: AtomicUsize,
    pub authorization: AtomicBool,
}

/// A program on a loopback port that answers every request with `answer`
/// (a whole HTTP response) and records what it was sent.
pub async fn listener(answer: &'static str) -> Result<(String, Arc<Seen>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let seen = Arc::new(Seen::default());
    let recorder = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            recorder.connections.fetch_add(1, Ordering::SeqCst);
            let mut buffer = vec![0u8; 16 * 1024];
            let read = stream.read(&mut buffer).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..read]).to_ascii_lowercase();
            if request.contains("authorization:") || request.contains("mgmt_") {
                recorder.authorization.store(true, Ordering::SeqCst);
            }
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    Ok((format!("http://{address}"), seen))
}

const FAKE_PROOF: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 78\r\n\r\n{\"proof\":\"0000000000000000000000000000000000000000000000000000000000000000\"}\r\n";
const ANYTHING: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 2\r\n\r\n[]";

#[tokio::test]
async fn a_program_holding_the_port_never_receives_the_token() -> Result<()> {
    // A real token, as the app and the CLI hold one for 127.0.0.1:7410.
    let service = KeyService::start(&[]).await?;
    for answer in [FAKE_PROOF, ANYTHING] {
        let (url, seen) = listener(answer).await?;
        let cli = Cli::ad_hoc_with(&url, &service.token)?;
        let run = cli.run(&["products", "list"]).await?;
        run.failure(5, &["did not prove it is MCP Keys", "another program"])?;
        assert!(
            seen.connections.load(Ordering::SeqCst) > 0,
            "the impostor was asked"
        );
        assert!(
            !seen.authorization.load(Ordering::SeqCst),
            "the impostor never saw the token"
        );
    }
    // The real service proves itself, and the same CLI works.
    Cli::ad_hoc(&service)?
        .run(&["products", "list"])
        .await?
        .success(&["products", "list"])?;
    Ok(())
}

#[tokio::test]
async fn a_proxy_from_the_environment_is_never_used_for_loopback() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let (proxy, seen) = listener(ANYTHING).await?;
    let cli = Cli::ad_hoc(&service)?;
    let args = ["products", "list"];
    cli.run_with(
        &args,
        None,
        &[
            ("http_proxy", &proxy),
            ("HTTP_PROXY", &proxy),
            ("ALL_PROXY", &proxy),
            ("all_proxy", &proxy),
            ("NO_PROXY", ""),
            ("no_proxy", ""),
        ],
    )
    .await?
    .success(&args)?;
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        0,
        "the proxy saw nothing of a request to 127.0.0.1"
    );
    Ok(())
}
