//! What the bridge tests share: a keyring the test can change, and an IDE
//! driving a bridge through in-memory pipes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use mcp_keys_client::bridge::{self, BridgeError, BridgeOptions, KeySource};
use mcp_keys_core::Sensitive;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};
use tokio::task::JoinHandle;

/// A keyring entry the test can change while the bridge runs.
pub struct Keyring {
    key: Mutex<String>,
    /// How many times the bridge read it.
    pub reads: AtomicUsize,
}

impl Keyring {
    pub fn holding(key: &str) -> Arc<Self> {
        Arc::new(Self {
            key: Mutex::new(key.to_owned()),
            reads: AtomicUsize::new(0),
        })
    }

    pub fn replace(&self, key: &str) {
        *self.key.lock().unwrap_or_else(PoisonError::into_inner) = key.to_owned();
    }
}

impl KeySource for Keyring {
    fn key(&self) -> Result<Sensitive<String>, BridgeError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        let key = self.key.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(Sensitive::new(key.clone()))
    }
}

/// A running bridge and the IDE's ends of its stdin and stdout.
pub struct Ide {
    stdin: DuplexStream,
    stdout: Lines<BufReader<DuplexStream>>,
    bridge: JoinHandle<Result<(), BridgeError>>,
}

impl Ide {
    /// A bridge to `url` with keys from `keyring`, reused for a minute (so
    /// only a refusal makes it read the keyring again).
    pub fn start(url: &str, keyring: &Arc<Keyring>) -> Result<Self> {
        let mut options = BridgeOptions::new(url.parse()?);
        options.key_ttl = Duration::from_secs(60);
        let (stdin, bridge_stdin) = tokio::io::duplex(64 * 1024);
        let (bridge_stdout, stdout) = tokio::io::duplex(64 * 1024);
        let keys: Arc<dyn KeySource> = keyring.clone();
        let bridge = tokio::spawn(bridge::run(
            options,
            keys,
            BufReader::new(bridge_stdin),
            bridge_stdout,
        ));
        Ok(Self {
            stdin,
            stdout: BufReader::new(stdout).lines(),
            bridge,
        })
    }

    pub async fn send(&mut self, message: &Value) -> Result<()> {
        self.send_line(&message.to_string()).await
    }

    pub async fn send_line(&mut self, line: &str) -> Result<()> {
        self.stdin.write_all(format!("{line}\n").as_bytes()).await?;
        Ok(())
    }

    /// The next line of stdout, as JSON.
    pub async fn receive(&mut self) -> Result<Value> {
        let line = tokio::time::timeout(Duration::from_secs(20), self.stdout.next_line())
            .await
            .context("no answer within 20 s")??
            .context("stdout ended")?;
        serde_json::from_str(&line).with_context(|| format!("not JSON: {line}"))
    }

    /// Sends `method` as request `id` and returns its answer.
    pub async fn request(&mut self, id: u64, method: &str, params: Value) -> Result<Value> {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(&request).await?;
        let answer = self.receive().await?;
        assert_eq!(answer["id"], id, "{answer}");
        Ok(answer)
    }

    /// `initialize` and `notifications/initialized`, as an IDE starts.
    pub async fn initialize(&mut self) -> Result<Value> {
        let params = json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {"roots": {"listChanged": true}},
            "clientInfo": {"name": "bridge-test-ide", "version": "1.0"}
        });
        let answer = self.request(0, "initialize", params).await?;
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await?;
        Ok(answer)
    }

    /// Closes stdin; what the bridge returned, and whatever it still wrote.
    pub async fn finish(mut self) -> Result<(Result<(), BridgeError>, Vec<String>)> {
        drop(self.stdin);
        let outcome = tokio::time::timeout(Duration::from_secs(10), self.bridge)
            .await
            .context("the bridge did not end within 10 s of stdin's end")??;
        let mut rest = Vec::new();
        while let Some(line) = self.stdout.next_line().await? {
            rest.push(line);
        }
        Ok((outcome, rest))
    }
}
