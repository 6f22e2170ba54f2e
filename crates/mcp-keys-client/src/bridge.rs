//! A stdio MCP server that forwards everything to a surface's MCP endpoint
//! over Streamable HTTP, with the key from the OS keyring: for IDE clients
//! that can only start stdio servers (`mcp-keys bridge --slot NAME`).
//!
//! A transparent pass-through: each stdin line is one JSON-RPC message,
//! POSTed as it came with `Authorization: Bearer <key>`, and every message
//! the server sends back (a JSON body, or the events of a stream) is written
//! to stdout as one line; lines are never logged (they may hold secrets).
//!
//! - `initialize` is answered before the next line is read: its answer
//!   carries the session (`Mcp-Session-Id`) and the protocol revision
//!   (`MCP-Protocol-Version`) that every later request sends. Other requests
//!   run concurrently (a slow `tools/call` does not hold up a `ping`);
//!   notifications and responses are sent in order. One task writes stdout,
//!   so lines never interleave.
//! - After `initialize`, the server's own event stream (`GET`) is relayed
//!   too, reconnecting with a wait of 0.5 s doubling to 10 s; a 405 means
//!   the server has none.
//! - The key is read from a [`KeySource`](crate::bridge::KeySource) and
//!   reused for
//!   [`BridgeOptions::key_ttl`](crate::bridge::BridgeOptions::key_ttl).
//!   When the service refuses it (401, or a 403 that says the key is
//!   invalid), it is read again and, if the keyring holds another key now,
//!   the request is sent once more: a roll, or a revoke and replace, reaches
//!   a running bridge without restarting the IDE.
//! - A request that fails is answered with a JSON-RPC error that says why:
//!   `-32000` the server could not be reached, `-32001` it answered with an
//!   error status (the message and `data` carry the status and the service's
//!   `code`, `reason` and `message`; a JSON-RPC error body is passed on as
//!   it is), `-32002` the session expired (404; the IDE must restart the
//!   server, nothing re-initializes behind its back), `-32003` the key could
//!   not be read, `-32004` the answer was not what the transport promises. A
//!   line that is not JSON gets `-32700` when it names an id.
//! - At the end of stdin, requests still running get up to 2 s, the session
//!   is closed (`DELETE`), stdout is flushed and
//!   [`run`](crate::bridge::run) returns.

mod endpoint;
mod failure;
mod keys;
mod listen;
mod message;
mod post;
mod sse;

use std::sync::Arc;
use std::time::Duration;

use mcp_keys_core::Sensitive;
use reqwest::Url;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use endpoint::Endpoint;
use message::{Kind, Line, PARSE_ERROR, error_line, parse_line};

/// How long requests still running at the end of stdin may take to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// Lines waiting for stdout before the tasks that produce them wait.
const OUTPUT_QUEUE: usize = 256;

/// Where the bridge gets its key: read again whenever the service refuses
/// the one it has, and after [`BridgeOptions::key_ttl`].
pub trait KeySource: Send + Sync + 'static {
    /// The key to send now. May block (a D-Bus round trip): the bridge calls
    /// it on a blocking thread. Fails with [`BridgeError::Keyring`].
    fn key(&self) -> Result<Sensitive<String>, BridgeError>;
}

/// Where the bridge forwards to, and how.
#[derive(Debug, Clone)]
pub struct BridgeOptions {
    /// The surface's MCP endpoint (its `url`). Plain `http://` only to this
    /// machine, unless [`BridgeOptions::allow_insecure_http`].
    pub url: Url,
    /// How long a key read from the [`KeySource`] is reused before it is
    /// read again ([`BridgeOptions::DEFAULT_KEY_TTL`]).
    pub key_ttl: Duration,
    /// The `User-Agent` of every request; the service shows it as the key's
    /// last client when the client sends no `clientInfo`.
    pub user_agent: String,
    /// Send the key over plain HTTP to another machine too.
    pub allow_insecure_http: bool,
}

impl BridgeOptions {
    /// How long a key is reused by default: short enough that a key
    /// replaced in the keyring is picked up at once, long enough that a
    /// burst of requests reads it once.
    pub const DEFAULT_KEY_TTL: Duration = Duration::from_secs(2);

    /// Forwarding to `url` with the defaults.
    pub fn new(url: Url) -> Self {
        Self {
            url,
            key_ttl: Self::DEFAULT_KEY_TTL,
            user_agent: concat!("mcp-keys-bridge/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_insecure_http: false,
        }
    }
}

/// Why the bridge, or its key source, failed. The messages never hold the
/// key.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// The URL is not one the bridge may send a key to.
    #[error("`{url}` is not a usable MCP endpoint: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The HTTP client could not be set up (the TLS backend failed to
    /// start, or the user agent is not a valid header).
    #[error("the HTTP client could not be set up")]
    Setup(#[source] reqwest::Error),
    /// The key source failed: no key stored, a locked keyring, no D-Bus.
    /// Sent to the client as the error of the request that needed the key.
    #[error("cannot read the API key: {0}")]
    Keyring(String),
    /// The key holds characters that cannot be sent in an HTTP header.
    #[error("the API key contains characters that cannot be sent in an HTTP header")]
    InvalidKey,
    /// Reading stdin failed.
    #[error("cannot read standard input")]
    Input(#[source] std::io::Error),
    /// Writing stdout failed (the client went away).
    #[error("cannot write standard output")]
    Output(#[source] std::io::Error),
}

/// Bridges `input` (the client's messages, one a line) to the endpoint of
/// `options` and its answers to `output`, until `input` ends. Fails when
/// the options are unusable or stdin or stdout fail; a failed request is
/// answered on `output` instead.
pub async fn run<R, W>(
    options: BridgeOptions,
    keys: Arc<dyn KeySource>,
    mut input: R,
    output: W,
) -> Result<(), BridgeError>
where
    R: AsyncBufRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (lines, queue) = mpsc::channel(OUTPUT_QUEUE);
    let endpoint = Arc::new(Endpoint::new(&options, keys, lines)?);
    let mut writer = tokio::spawn(write_lines(queue, output));
    let mut requests = JoinSet::new();
    // A set of at most one, so that returning early aborts it too.
    let mut listener = JoinSet::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = tokio::select! {
            read = input.read_until(b'\n', &mut line) => read.map_err(BridgeError::Input)?,
            written = &mut writer => return finished(written),
        };
        if read == 0 {
            break;
        }
        while requests.try_join_next().is_some() {}
        let message = match parse_line(&line) {
            Line::Blank => continue,
            Line::Invalid { id: Some(id) } => {
                let answer =
                    error_line(&id, PARSE_ERROR, "Parse error: the line is not JSON", None);
                endpoint.write(answer).await;
                continue;
            }
            Line::Invalid { id: None } => {
                tracing::warn!(
                    bytes = line.len(),
                    "a line from the client is not JSON; skipped"
                );
                continue;
            }
            Line::Message(message) => message,
        };
        match message.kind {
            Kind::Initialize => {
                listener.abort_all();
                // A failed handshake has no session to listen to; the
                // client will try again or give up.
                if endpoint.forward(message).await {
                    let endpoint = Arc::clone(&endpoint);
                    listener.spawn(async move { endpoint.listen().await });
                }
            }
            Kind::Request => {
                let endpoint = Arc::clone(&endpoint);
                requests.spawn(async move { endpoint.forward(message).await });
            }
            // Answered at once (202): sent in order, so `initialized`
            // reaches the server before the requests that follow it.
            Kind::Other => {
                endpoint.forward(message).await;
            }
        }
    }

    if tokio::time::timeout(DRAIN_TIMEOUT, async {
        while requests.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!(
            left = requests.len(),
            "stdin ended; requests still running were dropped"
        );
    }
    requests.shutdown().await;
    listener.shutdown().await;
    endpoint.close_session().await;
    // The last sender goes with the endpoint: the writer drains the queue,
    // flushes and ends.
    drop(endpoint);
    finished(writer.await)
}

/// Writes each queued line to `output`, flushing whenever the queue is
/// empty, until every sender is gone.
async fn write_lines<W: AsyncWrite + Unpin>(
    mut queue: mpsc::Receiver<String>,
    mut output: W,
) -> std::io::Result<()> {
    while let Some(mut line) = queue.recv().await {
        line.push('\n');
        output.write_all(line.as_bytes()).await?;
        if queue.is_empty() {
            output.flush().await?;
        }
    }
    output.flush().await?;
    output.shutdown().await
}

/// The outcome of the writer task.
fn finished(
    written: Result<std::io::Result<()>, tokio::task::JoinError>,
) -> Result<(), BridgeError> {
    match written {
        Ok(result) => result.map_err(BridgeError::Output),
        Err(error) => Err(BridgeError::Output(std::io::Error::other(error))),
    }
}
