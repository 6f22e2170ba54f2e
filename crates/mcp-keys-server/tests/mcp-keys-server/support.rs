//! A key service on a free loopback port with its own database file
//! ([`TestService`]), and a client that speaks to it.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use mcp_keys_server::Config;
use mcp_keys_server::testing::TestService;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

/// The protocol version the MCP requests of these tests speak.
pub const PROTOCOL_VERSION: &str = "2025-06-18";

/// A running service. Stops when dropped.
pub struct Server {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
    service: TestService,
}

impl Server {
    pub async fn start() -> Result<Self> {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Result<Self> {
        Ok(Self::new(TestService::start_with(configure).await?))
    }

    /// A service on the database at `url`, keeping `dir` for its files.
    /// With `token`, another instance on a database that has its first
    /// management token already.
    #[cfg(feature = "postgres")]
    pub async fn start_on(
        dir: tempfile::TempDir,
        url: &str,
        token: Option<&str>,
        configure: impl FnOnce(&mut Config),
    ) -> Result<Self> {
        Ok(Self::new(
            TestService::start_on(dir, url, token, configure).await?,
        ))
    }

    fn new(service: TestService) -> Self {
        Self {
            base: service.url().to_owned(),
            token: service.token().to_owned(),
            client: reqwest::Client::new(),
            service,
        }
    }

    /// The service's folder: its database file and first token's file.
    pub fn dir(&self) -> &Path {
        self.service.dir()
    }

    /// A management request with the token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Result<(StatusCode, Value)> {
        into_json(self.request(Method::GET, path).send().await?).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<(StatusCode, Value)> {
        into_json(self.request(Method::POST, path).json(body).send().await?).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<(StatusCode, Value)> {
        into_json(self.request(Method::PUT, path).json(body).send().await?).await
    }

    pub async fn delete(&self, path: &str) -> Result<(StatusCode, Value)> {
        into_json(self.request(Method::DELETE, path).send().await?).await
    }

    /// A new product; its id.
    pub async fn product(&self) -> Result<String> {
        let (status, body) = self.post("/v1/products", &json!({"name": "Docs"})).await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        id(&body)
    }

    /// A new product and surface with `capabilities`; their ids.
    pub async fn surface(&self, environment: &str, capabilities: &[&str]) -> Result<Surface> {
        let product = self.product().await?;
        let (status, body) = self
            .post(
                &format!("/v1/products/{product}/surfaces"),
                &json!({"name": "Docs MCP", "type": "mcp", "environment": environment}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let surface = Surface {
            product,
            id: id(&body)?,
        };
        for capability in capabilities {
            let (status, body) = self
                .post(
                    &format!("{}/items", surface.path()),
                    &json!({"capabilityName": capability}),
                )
                .await?;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        Ok(surface)
    }

    /// A new key on `surface` created with `body`; the key and its metadata.
    pub async fn key(&self, surface: &Surface, body: &Value) -> Result<(String, Value)> {
        let (status, created) = self.post(&format!("{}/keys", surface.path()), body).await?;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let key = created["key"]
            .as_str()
            .ok_or_else(|| anyhow!("no key in {created}"))?
            .to_owned();
        Ok((key, created))
    }

    /// A JSON-RPC request to `surface`'s MCP endpoint with `key` (if any)
    /// as the bearer credential.
    pub async fn mcp(
        &self,
        surface: &Surface,
        key: Option<&str>,
        message: &Value,
    ) -> Result<Response> {
        let mut request = self
            .client
            .post(format!("{}{}/mcp", self.base, surface.path()))
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", PROTOCOL_VERSION)
            .json(message);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        Ok(request.send().await?)
    }

    /// `tools/list` with `key`; the tool names.
    pub async fn tool_names(&self, surface: &Surface, key: &str) -> Result<Vec<String>> {
        let response = self
            .mcp(surface, Some(key), &rpc("tools/list", json!({})))
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await?;
        Ok(body["result"]["tools"]
            .as_array()
            .context("tools")?
            .iter()
            .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
            .collect())
    }
}

/// A surface's ids.
#[derive(Debug, Clone)]
pub struct Surface {
    pub product: String,
    pub id: String,
}

impl Surface {
    pub fn path(&self) -> String {
        format!("/v1/products/{}/surfaces/{}", self.product, self.id)
    }
}

/// A JSON-RPC request.
pub fn rpc(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
}

/// The `initialize` request of a client named `client`.
pub fn initialize(client: &str) -> Value {
    rpc(
        "initialize",
        json!({
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": client, "version": "1.0"}
        }),
    )
}

/// A POST of `message` to the MCP endpoint `url` with `key`, in `session`
/// when given: the status, the session the answer named, and the JSON-RPC
/// answer ([`jsonrpc_answer`]; null when there is none).
#[cfg_attr(
    not(feature = "postgres"),
    expect(dead_code, reason = "the PostgreSQL tests use it")
)]
pub async fn mcp_post(
    url: &str,
    key: &str,
    session: Option<&str>,
    message: &Value,
) -> Result<(StatusCode, Option<String>, Value)> {
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .json(message);
    if let Some(session) = session {
        request = request.header("Mcp-Session-Id", session);
    }
    let response = request.send().await?;
    let status = response.status();
    let opened = response
        .headers()
        .get("mcp-session-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await?;
    Ok((status, opened, jsonrpc_answer(&text).unwrap_or(Value::Null)))
}

/// The answer in an MCP body: the body itself when it is JSON, else the
/// first `data:` line of an event stream that carries an `id` (an
/// `initialize` that opens a session is answered on its stream).
pub fn jsonrpc_answer(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok().or_else(|| {
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .find(|message| message.get("id").is_some())
    })
}

pub async fn into_json(response: Response) -> Result<(StatusCode, Value)> {
    let status = response.status();
    let text = response.text().await?;
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))?
    };
    Ok((status, body))
}

pub fn id(body: &Value) -> Result<String> {
    body["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no id in {body}"))
}

/// `(status, error.code, error.reason)` of an MCP refusal.
pub async fn refusal(response: Response) -> Result<(StatusCode, String, String)> {
    let (status, body) = into_json(response).await?;
    let text = |field: &str| body["error"][field].as_str().unwrap_or_default().to_owned();
    Ok((status, text("code"), text("reason")))
}
