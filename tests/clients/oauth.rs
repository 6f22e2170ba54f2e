//! OAuth mode (DESIGN §9) with real third-party clients: the official
//! TypeScript SDK's OAuth client (`oauth/sdk-client.mjs`) and mcp-remote,
//! both from the pinned npm packages, against a surface in `oauth` mode.
//! The "browser" is `oauth/browser.mjs`: it opens the authorization URL,
//! prints the pending request's id, waits on the consent page while the test
//! approves the request with `mcp-keys oauth approve`, and delivers the code
//! to the client's loopback callback. What the clients do is in
//! `oauth/NOTES.md`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout};

use mcp_keys_e2e::{ClientHome, Service, Surface, npm_bin};

use super::cli_json;

/// How long a client may take for one step, a browser round included.
const STEP_TIMEOUT: Duration = Duration::from_secs(120);

/// `tests/clients/oauth`: the drivers.
fn drivers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/oauth")
}

/// The surface's id, the last segment of its management path.
fn surface_id(surface: &Surface) -> Result<&str> {
    surface
        .path
        .rsplit('/')
        .next()
        .filter(|id| !id.is_empty())
        .with_context(|| format!("no surface id in {}", surface.path))
}

/// A surface with the capability `echo`, switched to `oauth` mode by the CLI.
async fn oauth_surface(service: &Service, data: &Path) -> Result<Surface> {
    let surface = service.surface("development", &["echo"]).await?;
    let output = service
        .cli(data)?
        .args(["surfaces", "set-auth-mode", surface_id(&surface)?, "oauth"])
        .output()?;
    if !output.status.success() {
        bail!(
            "surfaces set-auth-mode failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(surface)
}

/// `mcp-keys oauth approve ID --json`: the grant.
fn approve(service: &Service, data: &Path, request: &str) -> Result<Value> {
    let (ok, grant) = cli_json(
        service
            .cli(data)?
            .args(["oauth", "approve", request, "--json"]),
    )?;
    if !ok {
        bail!("oauth approve {request} failed: {grant}");
    }
    Ok(grant)
}

/// `mcp-keys oauth revoke GRANT --yes`.
fn revoke(service: &Service, data: &Path, grant: &str) -> Result<()> {
    let output = service
        .cli(data)?
        .args(["oauth", "revoke", grant, "--yes"])
        .output()?;
    if !output.status.success() {
        bail!(
            "oauth revoke {grant} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// `mcp-keys oauth grants SURFACE --json`.
fn grants(service: &Service, data: &Path, surface: &Surface) -> Result<Vec<Value>> {
    let (ok, listed) =
        cli_json(
            service
                .cli(data)?
                .args(["oauth", "grants", surface_id(surface)?, "--json"]),
        )?;
    if !ok {
        bail!("oauth grants failed: {listed}");
    }
    Ok(listed.as_array().cloned().unwrap_or_default())
}

/// The service's RFC 8414 metadata.
async fn authorization_server(service: &Service) -> Result<Value> {
    service
        .expect(
            StatusCode::OK,
            Method::GET,
            "/.well-known/oauth-authorization-server",
            None,
        )
        .await
}

/// The JSON lines of a driver, each `{"step": …}`.
struct Steps {
    lines: Lines<BufReader<ChildStdout>>,
    seen: Vec<Value>,
    /// Where the driver's stderr goes, for failure messages.
    log: PathBuf,
}

impl Steps {
    fn new(stdout: ChildStdout, log: PathBuf) -> Self {
        Self {
            lines: BufReader::new(stdout).lines(),
            seen: Vec::new(),
            log,
        }
    }

    /// Reads on to the line of `step` (and `phase`, when given).
    async fn until(&mut self, step: &str, phase: Option<&str>) -> Result<Value> {
        let wanted =
            |line: &Value| line["step"] == step && phase.is_none_or(|phase| line["phase"] == phase);
        if let Some(found) = self.seen.iter().find(|line| wanted(line)) {
            return Ok(found.clone());
        }
        let read = tokio::time::timeout(STEP_TIMEOUT, async {
            while let Some(line) = self.lines.next_line().await? {
                let Ok(value) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                self.seen.push(value.clone());
                if value["step"] == "error" {
                    bail!("the driver failed: {value}");
                }
                if wanted(&value) {
                    return Ok(value);
                }
            }
            bail!("the driver stopped before step {step} {phase:?}")
        })
        .await;
        let stderr = std::fs::read_to_string(&self.log).unwrap_or_default();
        match read {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                Err(error.context(format!("steps so far: {:?}\nstderr: {stderr}", self.seen)))
            }
            Err(_) => bail!(
                "no step {step} {phase:?} within {STEP_TIMEOUT:?}; steps so far: {:?}\nstderr: {stderr}",
                self.seen
            ),
        }
    }
}

fn tool_names(step: &Value) -> Vec<&str> {
    step["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

#[tokio::test]
async fn the_typescript_sdk_is_authorized_in_a_browser_refreshes_and_is_refused_once_revoked()
-> Result<()> {
    let service = Service::start().await?;
    let clients = ClientHome::new("clients-oauth-sdk")?;
    let data = clients.home.with_file_name("data");
    let surface = oauth_surface(&service, &data).await?;
    let modules = npm_bin()?.parent().context("node_modules")?.to_owned();
    let stderr_log = clients.home.join("sdk-client.log");

    let mut child = tokio::process::Command::new("node")
        .arg(drivers().join("sdk-client.mjs"))
        .arg(&surface.url)
        .arg("--wait")
        .env("HOME", &clients.home)
        .env("MCP_KEYS_TEST_NODE_MODULES", &modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_log)?)
        .kill_on_drop(true)
        .spawn()
        .context("starting node sdk-client.mjs")?;
    let mut stdin = child.stdin.take().context("stdin")?;
    let mut steps = Steps::new(child.stdout.take().context("stdout")?, stderr_log);

    // Discovery found the service as the authorization server of this
    // surface, and the authorization request names the surface.
    let authorize = steps.until("authorize", None).await?;
    assert_eq!(
        authorize["params"]["resource"],
        surface.url.as_str(),
        "{authorize}"
    );
    assert_eq!(authorize["params"]["code_challenge_method"], "S256");
    let discovered = steps.until("discovered", None).await?;
    assert_eq!(discovered["resource"], surface.url.as_str(), "{discovered}");
    assert_eq!(discovered["clientIdMetadataDocumentSupported"], true);
    let client = steps.until("client", None).await?;
    assert_eq!(client["hasSecret"], false, "a public client: {client}");

    // The consent page waits for the owner: the CLI lists and approves it.
    let consent = steps.until("consent", None).await?;
    let request = consent["requestId"].as_str().context("requestId")?;
    let (ok, pending) = cli_json(service.cli(&data)?.args(["oauth", "requests", "--json"]))?;
    assert!(ok, "{pending}");
    let listed = pending
        .as_array()
        .into_iter()
        .flatten()
        .find(|listed| listed["id"] == request)
        .with_context(|| format!("request {request} in {pending}"))?;
    assert_eq!(listed["clientName"], "mcp-keys e2e TypeScript SDK client");
    assert_eq!(listed["surfaceId"], surface_id(&surface)?);
    let grant = approve(&service, &data, request)?;
    let grant_id = grant["id"].as_str().context("grant id")?.to_owned();
    assert_eq!(grant["approvedBy"], "management_token", "{grant}");

    // The code comes back with the state and the issuer (RFC 9207).
    let metadata = authorization_server(&service).await?;
    let code = steps.until("code", None).await?;
    assert_eq!(code["stateMatches"], true, "{code}");
    assert_eq!(code["iss"], metadata["issuer"], "{code}");

    let initial = steps.until("tokens", Some("initial")).await?;
    assert_eq!(initial["accessTokenPrefix"], "mcpo_at_", "{initial}");
    assert_eq!(initial["refreshTokenPrefix"], "mcpo_rt_", "{initial}");
    assert!(
        initial["expiresIn"]
            .as_u64()
            .is_some_and(|seconds| seconds <= 900),
        "{initial}"
    );
    let tools = steps.until("tools", Some("initial")).await?;
    assert!(tool_names(&tools).contains(&"echo"), "{tools}");

    // Refresh tokens rotate, and the new access token works.
    let refreshed = steps.until("tokens", Some("refreshed")).await?;
    assert_eq!(refreshed["accessTokenRotated"], true, "{refreshed}");
    assert_eq!(refreshed["refreshTokenRotated"], true, "{refreshed}");
    assert_ne!(
        refreshed["refreshTokenFingerprint"],
        initial["refreshTokenFingerprint"]
    );
    let tools = steps.until("tools", Some("refreshed")).await?;
    assert!(tool_names(&tools).contains(&"echo"), "{tools}");

    // The grant is listed; once revoked, its access and refresh tokens stop.
    steps.until("waiting", None).await?;
    let listed = grants(&service, &data, &surface)?;
    let active = listed
        .iter()
        .find(|listed| listed["id"] == grant_id.as_str())
        .with_context(|| format!("grant {grant_id} in {listed:?}"))?;
    assert_eq!(active["isActive"], true, "{active}");
    assert!(!active["lastUsedAt"].is_null(), "{active}");
    revoke(&service, &data, &grant_id)?;
    stdin.write_all(b"continue\n").await?;
    stdin.flush().await?;
    let after = steps.until("after", None).await?;
    assert_eq!(after["mcpStatus"], 401, "{after}");
    assert!(
        after["wwwAuthenticate"]
            .as_str()
            .is_some_and(|header| header.contains("resource_metadata=")),
        "{after}"
    );
    assert_eq!(after["refreshError"], "invalid_grant", "{after}");
    let listed = grants(&service, &data, &surface)?;
    let revoked = listed
        .iter()
        .find(|listed| listed["id"] == grant_id.as_str())
        .with_context(|| format!("grant {grant_id} in {listed:?}"))?;
    assert_eq!(revoked["isActive"], false, "{revoked}");
    assert!(!revoked["revokedAt"].is_null(), "{revoked}");

    steps.until("done", None).await?;
    let status = tokio::time::timeout(STEP_TIMEOUT, child.wait()).await??;
    assert!(status.success(), "sdk-client.mjs exited with {status}");
    Ok(())
}

/// mcp-remote over stdio: the MCP messages it answers.
struct Stdio2 {
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Stdio2 {
    async fn send(&mut self, message: Value) -> Result<()> {
        self.stdin
            .write_all(format!("{message}\n").as_bytes())
            .await?;
        Ok(self.stdin.flush().await?)
    }

    async fn answer(&mut self, id: u64) -> Result<Value> {
        tokio::time::timeout(STEP_TIMEOUT, async {
            while let Some(line) = self.lines.next_line().await? {
                let Ok(message) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if message["id"] == id {
                    return Ok(message);
                }
            }
            bail!("mcp-remote stopped before answering {id}")
        })
        .await
        .with_context(|| format!("mcp-remote did not answer {id} in time"))?
    }
}

/// The browser's lines in `log` so far.
fn browser_lines(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Waits for the `nth` (from 0) browser line of `step` in `log`.
async fn browser_step(
    log: &Path,
    step: &str,
    nth: usize,
    proxy: &mut tokio::process::Child,
    proxy_log: &Path,
) -> Result<Value> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let lines = browser_lines(log);
        if let Some(error) = lines.iter().find(|line| line["step"] == "error") {
            bail!("the browser failed: {error}");
        }
        if let Some(found) = lines.iter().filter(|line| line["step"] == step).nth(nth) {
            return Ok(found.clone());
        }
        if let Some(status) = proxy.try_wait()? {
            bail!(
                "mcp-remote exited ({status}) before the browser's {step}: {}",
                std::fs::read_to_string(proxy_log).unwrap_or_default()
            );
        }
        if Instant::now() > deadline {
            bail!(
                "no browser step {step} within {STEP_TIMEOUT:?}; browser: {lines:?}\nmcp-remote: {}",
                std::fs::read_to_string(proxy_log).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn mcp_remote_opens_the_browser_is_approved_through_the_cli_and_proxies_over_stdio()
-> Result<()> {
    let service = Service::start().await?;
    let clients = ClientHome::new("clients-oauth-mcp-remote")?;
    let data = clients.home.with_file_name("data");
    let surface = oauth_surface(&service, &data).await?;
    let browser_log = clients.home.join("browser.log");
    let proxy_log = clients.home.join("mcp-remote.log");

    // mcp-remote's `open` runs its own bundled xdg-open, which without a
    // desktop runs $BROWSER: the shim (on PATH too, for the fallbacks).
    let path = format!(
        "{}:{}",
        drivers().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = tokio::process::Command::from(clients.command("mcp-remote", &clients.home));
    let mut proxy = command
        .args([surface.url.as_str(), "--auth-timeout", "120"])
        .env("PATH", path)
        .env("BROWSER", drivers().join("xdg-open"))
        .env("MCP_KEYS_BROWSER_LOG", &browser_log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&proxy_log)?)
        .kill_on_drop(true)
        .spawn()?;
    let mut stdio = Stdio2 {
        stdin: proxy.stdin.take().context("stdin")?,
        lines: BufReader::new(proxy.stdout.take().context("stdout")?).lines(),
    };

    let opened = browser_step(&browser_log, "open", 0, &mut proxy, &proxy_log).await?;
    let url = url_query(opened["url"].as_str().context("url")?);
    assert_eq!(
        url.get("resource").map(String::as_str),
        Some(surface.url.as_str()),
        "mcp-remote sends the surface as resource: {opened}"
    );
    let consent = browser_step(&browser_log, "consent", 0, &mut proxy, &proxy_log).await?;
    let request = consent["requestId"].as_str().context("requestId")?;
    let grant = approve(&service, &data, request)?;
    let grant_id = grant["id"].as_str().context("grant id")?.to_owned();
    assert_eq!(grant["clientName"], "MCP CLI Proxy", "{grant}");

    let redirect = browser_step(&browser_log, "redirect", 0, &mut proxy, &proxy_log).await?;
    let metadata = authorization_server(&service).await?;
    assert_eq!(redirect["iss"], metadata["issuer"], "{redirect}");
    assert!(
        redirect["location"]
            .as_str()
            .is_some_and(|location| location.starts_with("http://localhost:")),
        "mcp-remote's callback is http://localhost:PORT/oauth/callback: {redirect}"
    );
    let callback = browser_step(&browser_log, "callback", 0, &mut proxy, &proxy_log).await?;
    assert_eq!(callback["status"], 200, "{callback}");

    // The proxy is up: MCP over its stdio, with the token behind it.
    stdio
        .send(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "e2e-editor", "version": "1.0"}}}),
        )
        .await?;
    let initialized = stdio.answer(1).await?;
    assert!(
        initialized["result"]["serverInfo"].is_object(),
        "{initialized}\n{}",
        std::fs::read_to_string(&proxy_log).unwrap_or_default()
    );
    stdio
        .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await?;
    stdio
        .send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}))
        .await?;
    let tools = stdio.answer(2).await?;
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    assert!(names.contains(&"echo"), "{tools}");

    // mcp-remote keeps its client and tokens under ~/.mcp-auth.
    let store = clients.home.join(".mcp-auth/mcp-remote-v1");
    let stored: Vec<String> = std::fs::read_dir(&store)
        .with_context(|| format!("{}", store.display()))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        stored.iter().any(|name| name.ends_with("_tokens.json"))
            && stored
                .iter()
                .any(|name| name.ends_with("_client_info.json")),
        "{stored:?}"
    );

    let listed = grants(&service, &data, &surface)?;
    let active = listed
        .iter()
        .find(|listed| listed["id"] == grant_id.as_str())
        .with_context(|| format!("grant {grant_id} in {listed:?}"))?;
    assert_eq!(active["isActive"], true, "{active}");

    // Revoked: mcp-remote's next request is refused, its refresh token too,
    // so it starts a new authorization in the browser; denied, the request
    // fails.
    revoke(&service, &data, &grant_id)?;
    stdio
        .send(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {}}))
        .await?;
    let again = tokio::select! {
        answer = stdio.answer(3) => Err(answer),
        consent = browser_step(&browser_log, "consent", 1, &mut proxy, &proxy_log) => Ok(consent),
    };
    match again {
        Ok(consent) => {
            let consent = consent?;
            let request = consent["requestId"].as_str().context("requestId")?;
            let output = service
                .cli(&data)?
                .args(["oauth", "deny", request])
                .output()?;
            assert!(output.status.success(), "oauth deny {request}");
            let denied = browser_step(&browser_log, "redirect", 1, &mut proxy, &proxy_log).await?;
            assert_eq!(denied["error"], "access_denied", "{denied}");
            // Whether mcp-remote then answers with an error or exits, no
            // tools come back.
            if let Ok(answer) = stdio.answer(3).await {
                assert!(answer["result"].is_null(), "{answer}");
            }
        }
        Err(answer) => {
            let answer = answer?;
            assert!(answer["result"].is_null(), "refused once revoked: {answer}");
        }
    }
    Ok(())
}

/// The query of `url` as a map (no `url` crate here).
fn url_query(url: &str) -> std::collections::HashMap<String, String> {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (decode(name), decode(value)))
        .collect()
}

/// Percent-decoding of a form value.
fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
