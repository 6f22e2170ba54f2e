//! The real `mcp-keys serve` binary on a free loopback port with its own
//! SQLite file, and its management API over real HTTP.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::process::{Child, Command};

/// How long the service may take to answer its health endpoint.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `mcp-keys serve`, killed when dropped.
#[derive(Debug)]
pub struct Service {
    pub base: String,
    token: String,
    http: reqwest::Client,
    _process: Child,
    _dir: TempDir,
}

impl Service {
    /// Starts the binary with a fresh database and reads the first
    /// management token from `--init-token-file`.
    pub async fn start() -> Result<Self> {
        Self::start_with(&[]).await
    }

    /// Like [`Service::start`], with extra `mcp-keys serve` options
    /// (`--failed-auth-per-minute 1`, say).
    pub async fn start_with(extra: &[&str]) -> Result<Self> {
        Self::start_with_env(extra, &[]).await
    }

    /// Like [`Service::start_with`], with variables added to the service's
    /// environment (an upstream's secret as `MCP_KEYS_SECRET_<NAME>`).
    pub async fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let token_file = dir.path().join("token");
        let mut process = Command::new(mcp_keys_binary()?)
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--db")
            .arg(format!("sqlite://{}", dir.path().join("keys.db").display()))
            .arg("--init-token-file")
            .arg(&token_file)
            .args(extra)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting mcp-keys serve")?;
        let base = format!("http://127.0.0.1:{port}");
        // Idle connections are let go before the service closes them, or a
        // request after a pause (a client test between two calls) can meet
        // a connection the service is closing at that moment.
        let http = reqwest::Client::builder()
            .pool_idle_timeout(mcp_keys_core::CLIENT_IDLE_TIMEOUT)
            .build()?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(response) = http.get(format!("{base}/health")).send().await
                && response.status() == StatusCode::OK
            {
                break;
            }
            if let Some(status) = process.try_wait()? {
                bail!("mcp-keys serve exited early ({status})");
            }
            if Instant::now() > deadline {
                bail!("mcp-keys serve did not answer /health within {START_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let token = std::fs::read_to_string(&token_file)
            .context("reading the token written by --init-token-file")?
            .trim()
            .to_owned();
        Ok(Self {
            base,
            token,
            http,
            _process: process,
            _dir: dir,
        })
    }

    /// The `mcp-keys` CLI pointed at this service (`--server` with
    /// MCP_KEYS_TOKEN), with its local data in `data_dir` and nothing else
    /// of the caller's environment but PATH.
    pub fn cli(&self, data_dir: &std::path::Path) -> Result<std::process::Command> {
        let mut command = std::process::Command::new(mcp_keys_binary()?);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("MCP_KEYS_DATA_DIR", data_dir)
            .env("MCP_KEYS_TOKEN", &self.token)
            .args(["--server", &self.base])
            .stdin(Stdio::null());
        Ok(command)
    }

    /// The management token, for connecting the app to this service.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A management request with the token; the status and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))?
        };
        Ok((status, body))
    }

    /// A call that must answer `expected`; its body.
    pub async fn expect(
        &self,
        expected: StatusCode,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let (status, answer) = self.call(method.clone(), path, body).await?;
        if status != expected {
            bail!("{method} {path} answered {status}, not {expected}: {answer}");
        }
        Ok(answer)
    }

    /// A product and a surface in `environment` with `capabilities`.
    pub async fn surface(&self, environment: &str, capabilities: &[&str]) -> Result<Surface> {
        self.new_surface(
            &json!({"name": "Docs MCP", "type": "mcp", "environment": environment}),
            capabilities,
        )
        .await
    }

    /// A product and a surface fronting `upstream` (DESIGN §7), with the
    /// capabilities `items` (for scoped keys).
    pub async fn gateway_surface(&self, upstream: &Value, items: &[&str]) -> Result<Surface> {
        self.new_surface(
            &json!({"name": "Gateway", "type": "mcp", "upstream": upstream}),
            items,
        )
        .await
    }

    /// A product and a surface created with `body`, with `capabilities`.
    async fn new_surface(&self, body: &Value, capabilities: &[&str]) -> Result<Surface> {
        let created = StatusCode::CREATED;
        let product = self
            .expect(
                created,
                Method::POST,
                "/v1/products",
                Some(&json!({"name": "Docs"})),
            )
            .await?;
        let product = text(&product, "id")?;
        let surface = self
            .expect(
                created,
                Method::POST,
                &format!("/v1/products/{product}/surfaces"),
                Some(body),
            )
            .await?;
        let surface = Surface {
            path: format!("/v1/products/{product}/surfaces/{}", text(&surface, "id")?),
            url: text(&surface, "url")?,
        };
        for capability in capabilities {
            self.expect(
                created,
                Method::POST,
                &format!("{}/items", surface.path),
                Some(&json!({"capabilityName": capability})),
            )
            .await?;
        }
        Ok(surface)
    }

    /// A new key on `surface` created with `body`: the plaintext key and its id.
    pub async fn key(&self, surface: &Surface, body: &Value) -> Result<(String, String)> {
        let created = self
            .expect(
                StatusCode::CREATED,
                Method::POST,
                &format!("{}/keys", surface.path),
                Some(body),
            )
            .await?;
        Ok((text(&created, "key")?, text(&created, "id")?))
    }
}

/// A surface: its management path and its MCP endpoint.
#[derive(Debug)]
pub struct Surface {
    pub path: String,
    pub url: String,
}

fn text(body: &Value, field: &str) -> Result<String> {
    body[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no `{field}` in {body}"))
}

/// The `mcp-keys` binary: `$MCP_KEYS_BIN`, else the one cargo built beside
/// this test (`target/<profile>/mcp-keys`).
pub fn mcp_keys_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("MCP_KEYS_BIN") {
        Some(path) => PathBuf::from(path),
        // This test runs from target/<profile>/deps/.
        None => std::env::current_exe()?
            .parent()
            .and_then(|deps| deps.parent())
            .context("the test binary has no target folder")?
            .join("mcp-keys"),
    };
    if !path.is_file() {
        bail!(
            "mcp-keys is not built at {}: build it with `cargo build -p mcp-keys-cli` \
             (same target folder and profile) or set MCP_KEYS_BIN",
            path.display()
        );
    }
    Ok(path)
}
