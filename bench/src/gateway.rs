//! The gateway's bench: `tools/call` of one stdio MCP server
//! (server-everything's `echo`) under the same load, in one run:
//!
//! - straight to the server, over its own Streamable HTTP transport (the
//!   direct path: no gateway, no authentication);
//! - through MCP Keys (`mcp-keys serve`, release build): a surface whose
//!   upstream is the server, a key verified on every request;
//! - through the gateways people use today to put a stdio server on HTTP:
//!   supergateway (npm), mcp-proxy (PyPI), and FastMCP's proxy with bearer
//!   token auth (PyPI).
//!
//! Each gateway's memory is the PSS of its own process (not of the server
//! it runs). Targets: MCP Keys within 1.10× of the direct path's cost per
//! call, and ahead of every peer on throughput and p99.
//!
//! The peers are pinned: npm's in `bench/gateway/package-lock.json`,
//! PyPI's below; each is installed once into `target/bench-gateway`.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{Guard, free_port, spawn};
use reqwest::blocking::Client;
use serde_json::{Value, json};

use super::report::{Report, Run};
use super::service::Service;
use super::wrk::{self, Mode, Outcome, Plan, Variant};
use super::{Load, interrupt, memory, server};
use crate::{command, paths};

/// The MCP protocol version the requests speak.
const PROTOCOL_VERSION: &str = "2025-06-18";

/// mcp-proxy from PyPI.
const MCP_PROXY: &str = "mcp-proxy==0.13.0";

/// FastMCP from PyPI (its proxy, with a static bearer token).
const FASTMCP: &str = "fastmcp==4.2.3";

/// The bearer token FastMCP's proxy accepts (not a secret: a bench fixture).
const FASTMCP_TOKEN: &str = "bench-token";

/// The FastMCP proxy: a stdio server behind Streamable HTTP with bearer auth.
const FASTMCP_PROXY: &str = r#"
import sys
from fastmcp.server import create_proxy
from fastmcp.server.auth.providers.jwt import StaticTokenVerifier
port, token, command, *args = sys.argv[1:]
auth = StaticTokenVerifier(tokens={token: {"client_id": "bench", "scopes": []}})
config = {"mcpServers": {"upstream": {"command": command, "args": args}}}
proxy = create_proxy(config, name="bench-proxy", auth=auth)
proxy.run(transport="http", host="127.0.0.1", port=int(port), show_banner=False)
"#;

/// The client sessions the load goes through in turn, on a path that keeps
/// sessions: each wrk thread takes its share, and each of its connections
/// sends its next request in the next session.
const SESSIONS: usize = 8;

/// How long a path may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// One way to reach the server (a route), running.
struct Route {
    /// The name in the report.
    name: &'static str,
    /// Its processes (the gateway, with the server below it).
    _guard: Option<Guard>,
    /// MCP Keys, when it is the path.
    _service: Option<Service>,
    /// The process whose memory is the gateway's.
    pid: u32,
    /// `http://127.0.0.1:PORT`.
    base: String,
    /// The MCP endpoint's path.
    endpoint: String,
    /// `Authorization`, if it needs one.
    authorization: Option<String>,
}

/// Starts one route.
type Start<'a> = Box<dyn Fn() -> Result<Route> + 'a>;

/// Installs the peers, then measures every path.
pub fn run(load: &Load, dir: &Path, report: &mut Report) -> Result<()> {
    let tools = install()?;
    let binary = match &load.server_binary {
        Some(binary) => binary.clone(),
        None => server::build()?,
    };
    let scratch = dir.join("gateway");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    std::fs::create_dir_all(&scratch)?;
    let everything = tools
        .npm
        .join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    let server = [
        "node".to_owned(),
        everything.display().to_string(),
        "stdio".to_owned(),
    ];

    let mut outcomes: Vec<(&'static str, Outcome, u64)> = Vec::new();
    let starts: [(&str, Start<'_>); 5] = [
        ("direct", Box::new(|| direct(&everything))),
        (
            "MCP Keys",
            Box::new(|| mcp_keys(&binary, &server, &scratch)),
        ),
        ("supergateway", Box::new(|| supergateway(&tools, &server))),
        ("mcp-proxy", Box::new(|| mcp_proxy(&tools, &server))),
        (
            "FastMCP proxy",
            Box::new(|| fastmcp(&tools, &server, &scratch)),
        ),
    ];
    for (name, start) in starts {
        interrupt::check()?;
        eprintln!("==> gateway bench: {name}");
        let path = start().with_context(|| format!("starting the {name} path"))?;
        let plan = plan(&path)?;
        let mode = Mode {
            rotate: plan.variants.len() > 1,
            ..Mode::default()
        };
        wrk::run(&path.base, &plan, mode, load, load.warmup_seconds, &scratch)?;
        let outcome = wrk::run(&path.base, &plan, mode, load, load.seconds, &scratch)?;
        let pss = memory::usage(path.pid)?
            .first()
            .map_or(0, |process| process.pss_kib);
        let note = (outcome.errors() > 0).then(|| format!("{} errors", outcome.errors()));
        report.run(Run {
            suite: "gateway",
            database: path.name.to_owned(),
            scenario: if plan.variants.len() > 1 {
                format!("tools/call echo, {} sessions", plan.variants.len())
            } else {
                "tools/call echo".to_owned()
            },
            outcome,
            note,
        });
        report.figure(
            "gateway",
            format!("{} process memory (PSS) after the run", path.name),
            pss as f64 / 1024.0,
            "MiB",
        );
        outcomes.push((path.name, outcome, pss));
    }
    judge(&outcomes, report);
    Ok(())
}

/// The targets, from the measured runs.
fn judge(outcomes: &[(&'static str, Outcome, u64)], report: &mut Report) {
    let find = |name: &str| {
        outcomes
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, o, _)| *o)
    };
    let (Some(direct), Some(ours)) = (find("direct"), find("MCP Keys")) else {
        return;
    };
    report.target(
        "gateway: cost of a call through MCP Keys / straight to the server".to_owned(),
        direct.throughput() / ours.throughput().max(f64::MIN_POSITIVE),
        1.10,
        "×",
    );
    for (name, outcome, _) in outcomes {
        if matches!(*name, "direct" | "MCP Keys") {
            continue;
        }
        report.target(
            format!("gateway: {name} throughput / MCP Keys throughput"),
            outcome.throughput() / ours.throughput().max(f64::MIN_POSITIVE),
            1.0,
            "×",
        );
        report.target(
            format!("gateway: MCP Keys p99 / {name} p99"),
            ours.latency_p99_us / outcome.latency_p99_us.max(f64::MIN_POSITIVE),
            1.0,
            "×",
        );
    }
}

/// The request wrk repeats: a `tools/call` of `echo` with the path's
/// credential, in turn in each of [`SESSIONS`] sessions when the path keeps
/// sessions (DESIGN §7 aims the gateway at 8 sessions).
fn plan(path: &Route) -> Result<Plan> {
    let client = Client::builder().timeout(Duration::from_secs(30)).build()?;
    let url = format!("{}{}", path.base, path.endpoint);
    let post = |body: &Value, session: Option<&str>| {
        let mut request = client
            .post(&url)
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", PROTOCOL_VERSION)
            .json(body);
        if let Some(authorization) = &path.authorization {
            request = request.header("Authorization", authorization);
        }
        if let Some(session) = session {
            request = request.header("Mcp-Session-Id", session);
        }
        request.send()
    };
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "echo", "arguments": {"message": "bench"}}});
    let mut variants = Vec::new();
    for client_number in 0..SESSIONS {
        let initialized = post(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                "clientInfo": {"name": format!("bench-{client_number}"), "version": "1"}}}),
            None,
        )?;
        if !initialized.status().is_success() {
            bail!(
                "{}: initialize answered {}",
                path.name,
                initialized.status()
            );
        }
        let session = initialized
            .headers()
            .get("mcp-session-id")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let _ = initialized.text();
        post(
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            session.as_deref(),
        )?;
        let answered = post(&call, session.as_deref())?;
        let status = answered.status();
        let text = answered.text()?;
        if !status.is_success() || !text.contains("bench") {
            bail!("{}: tools/call answered {status}: {text}", path.name);
        }
        let stateless = session.is_none();
        variants.push(Variant {
            authorization: path.authorization.clone().unwrap_or_default(),
            body: call.to_string(),
            session: session.unwrap_or_default(),
            ..Variant::default()
        });
        if stateless {
            break;
        }
    }
    Ok(Plan {
        method: "POST",
        path: path.endpoint.clone(),
        headers: vec![
            ("Content-Type", "application/json".to_owned()),
            ("Accept", "application/json, text/event-stream".to_owned()),
            ("MCP-Protocol-Version", PROTOCOL_VERSION.to_owned()),
        ],
        variants,
    })
}

/// server-everything on its own Streamable HTTP transport.
fn direct(everything: &Path) -> Result<Route> {
    let port = free_port()?;
    spawned(
        "direct",
        Command::new("node")
            .arg(everything)
            .arg("streamableHttp")
            .env("PORT", port.to_string()),
        port,
        None,
    )
}

/// MCP Keys: a surface in front of the server, one key.
fn mcp_keys(binary: &Path, server: &[String], scratch: &Path) -> Result<Route> {
    let db = format!("sqlite://{}", scratch.join("keys.db").display());
    let service = Service::start_with(
        binary,
        &db,
        scratch,
        &scratch.join("mcp-keys.log"),
        &["--allow-upstream-commands"],
    )?;
    let client = Client::new();
    let manage = |path: &str, body: Value| -> Result<Value> {
        let response = client
            .post(format!("{}{path}", service.base))
            .bearer_auth(&service.token)
            .json(&body)
            .send()?;
        let status = response.status();
        let body: Value = response.json()?;
        if !status.is_success() {
            bail!("POST {path}: {status} {body}");
        }
        Ok(body)
    };
    let product = manage("/v1/products", json!({"name": "Bench"}))?;
    let product = product["id"].as_str().context("product id")?;
    let surface = manage(
        &format!("/v1/products/{product}/surfaces"),
        json!({"name": "Everything", "type": "mcp", "environment": "production",
            // One upstream for every session (DESIGN §7's speed target):
            // server-everything's echo keeps no per-client state.
            "upstream": {"type": "stdio", "command": server[0], "args": server[1..],
                "sessions": "shared"}}),
    )?;
    let surface = surface["id"].as_str().context("surface id")?;
    let path = format!("/v1/products/{product}/surfaces/{surface}");
    let key = manage(&format!("{path}/keys"), json!({"name": "MCP - bench"}))?;
    let key = key["key"].as_str().context("key")?.to_owned();
    let pid = service.pid();
    Ok(Route {
        name: "MCP Keys",
        _guard: None,
        base: service.base.clone(),
        _service: Some(service),
        pid,
        endpoint: format!("{path}/mcp"),
        authorization: Some(format!("Bearer {key}")),
    })
}

/// supergateway, stateful (one server process per session; its stateless
/// mode starts a process per request).
fn supergateway(tools: &Tools, server: &[String]) -> Result<Route> {
    let port = free_port()?;
    spawned(
        "supergateway",
        Command::new("node")
            .arg(tools.npm.join("node_modules/supergateway/dist/index.js"))
            .args(["--stdio", &server.join(" ")])
            .args(["--outputTransport", "streamableHttp", "--stateful"])
            .args(["--port", &port.to_string(), "--logLevel", "none"]),
        port,
        None,
    )
}

/// mcp-proxy's Streamable HTTP server in front of the stdio server.
fn mcp_proxy(tools: &Tools, server: &[String]) -> Result<Route> {
    let port = free_port()?;
    spawned(
        "mcp-proxy",
        Command::new(tools.mcp_proxy.join("bin/mcp-proxy"))
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .args(["--log-level", "WARNING"])
            .args(server),
        port,
        None,
    )
}

/// FastMCP's proxy with a static bearer token.
fn fastmcp(tools: &Tools, server: &[String], scratch: &Path) -> Result<Route> {
    let port = free_port()?;
    let script = scratch.join("fastmcp_proxy.py");
    std::fs::write(&script, FASTMCP_PROXY)?;
    spawned(
        "FastMCP proxy",
        Command::new(tools.fastmcp.join("bin/python"))
            .arg(&script)
            .args([&port.to_string(), FASTMCP_TOKEN])
            .args(server)
            .env("FASTMCP_LOG_LEVEL", "WARNING"),
        port,
        Some(format!("Bearer {FASTMCP_TOKEN}")),
    )
}

/// Where the peers are installed.
struct Tools {
    npm: PathBuf,
    mcp_proxy: PathBuf,
    fastmcp: PathBuf,
}

/// Installs what is missing: the npm packages of `bench/gateway`,
/// and a virtualenv for each Python gateway (they pin conflicting
/// dependencies).
fn install() -> Result<Tools> {
    let root = paths::target_dir().join("bench-gateway");
    let npm = root.join("npm");
    let manifest = paths::root().join("bench/gateway");
    let lock = std::fs::read_to_string(manifest.join("package-lock.json"))?;
    let marker = npm.join(".installed");
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(lock.as_str()) {
        std::fs::create_dir_all(&npm)?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(manifest.join(file), npm.join(file))?;
        }
        command::run(
            Command::new("npm")
                .args([
                    "ci",
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ])
                .current_dir(&npm),
        )?;
        std::fs::write(&marker, lock)?;
    }
    let venv = |name: &str, requirement: &str| -> Result<PathBuf> {
        let dir = root.join(name);
        let marker = dir.join(".installed");
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(requirement) {
            return Ok(dir);
        }
        command::run(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
        command::run(Command::new(dir.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            requirement,
        ]))?;
        std::fs::write(&marker, requirement)?;
        Ok(dir)
    };
    Ok(Tools {
        npm,
        mcp_proxy: venv("mcp-proxy", MCP_PROXY)?,
        fastmcp: venv("fastmcp", FASTMCP)?,
    })
}

/// Starts the route `name` (its process in `command`, output discarded)
/// and waits until it listens on `port`, where its MCP endpoint is `/mcp`.
fn spawned(
    name: &'static str,
    command: &mut Command,
    port: u16,
    authorization: Option<String>,
) -> Result<Route> {
    let guard = spawn(name, command.stdout(Stdio::null()).stderr(Stdio::null()))?;
    listening(port)?;
    Ok(Route {
        name,
        pid: guard.id(),
        _guard: Some(guard),
        _service: None,
        base: format!("http://127.0.0.1:{port}"),
        endpoint: "/mcp".to_owned(),
        authorization,
    })
}

/// Waits until something accepts connections on `port`.
fn listening(port: u16) -> Result<()> {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        interrupt::check()?;
        if started.elapsed() > START_TIMEOUT {
            bail!("nothing listened on port {port} within {START_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}
