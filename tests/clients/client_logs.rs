//! DESIGN §10, the clients' own logs: Claude Code, Copilot CLI, Codex and
//! Gemini CLI from npm, offline in one private HOME, each configured (by
//! writing its config file, never a key on a command line) with a key the
//! test then revokes, and made to connect by its own command, all at once.
//! `doctor --json` must report each failure as `client_log_auth_failure`
//! for that client, with the config that holds the key, the time of the
//! failure and the service's reason: Claude Code's, Copilot CLI's and
//! Codex's from their logs, Gemini CLI's (which writes no log) from the
//! service's audit alone. A key that works gets no such finding, and a call
//! outside a key's scopes is reported as Permission denied with the
//! capability. What the clients write, and how each is made to connect
//! offline, is in `docs/research/client-logs.md`.

mod codex;
mod model;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{ClientHome, ClientOutput, Service, Surface, jsonrpc_answer};

use super::cli_json;

/// How far a finding's `at` may be from the moment the client ran.
const CLOSE: TimeDelta = TimeDelta::minutes(1);

/// A key created for the test: the plaintext and its id.
struct TestKey {
    key: String,
    id: String,
}

impl TestKey {
    async fn create(service: &Service, surface: &Surface, body: &Value) -> Result<Self> {
        let (key, id) = service.key(surface, body).await?;
        Ok(Self { key, id })
    }

    /// `mcp_<env>_<id>` (DESIGN §2).
    fn prefix(&self) -> &str {
        self.key.get(..16).unwrap_or(&self.key)
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.key)
    }

    async fn revoke(&self, service: &Service, surface: &Surface) -> Result<()> {
        service
            .expect(
                StatusCode::OK,
                Method::DELETE,
                &format!("{}/keys/{}", surface.path, self.id),
                None,
            )
            .await?;
        Ok(())
    }
}

/// One client command run in its own thread: when it started, and what it
/// printed.
struct Ran {
    at: DateTime<Utc>,
    output: ClientOutput,
}

/// Runs `command` of `clients` in a blocking thread.
fn run_client(
    clients: &Arc<ClientHome>,
    make: impl FnOnce(&ClientHome) -> std::process::Command + Send + 'static,
) -> tokio::task::JoinHandle<Result<Ran>> {
    let clients = Arc::clone(clients);
    tokio::task::spawn_blocking(move || {
        let mut command = make(&clients);
        let at = Utc::now();
        let output = clients.run(&mut command)?;
        Ok(Ran { at, output })
    })
}

/// The files under `dir` whose names satisfy `wanted`, at any depth.
fn files_under(dir: &Path, wanted: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if wanted(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The text of the files, each under its name, for failure messages.
fn contents(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| {
            format!(
                "--- {}\n{}",
                path.display(),
                std::fs::read_to_string(path).unwrap_or_default()
            )
        })
        .collect()
}

/// Claude Code's folder of one server's MCP logs for a project: the cwd
/// with every character but ASCII letters and digits turned into `-`.
fn claude_mcp_logs(home: &Path, project: &Path, server: &str) -> PathBuf {
    let slug: String = project
        .display()
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    home.join(".cache/claude-cli-nodejs")
        .join(slug)
        .join(format!("mcp-logs-{server}"))
}

/// The `client_log_auth_failure` findings of a doctor report.
fn log_findings(doctor: &Value) -> Vec<&Value> {
    doctor["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|finding| finding["code"] == "client_log_auth_failure")
        .collect()
}

/// The one finding about `key` (by its id, else its prefix).
fn finding_of<'a>(doctor: &'a Value, key: &TestKey) -> Result<&'a Value> {
    let found: Vec<&Value> = log_findings(doctor)
        .into_iter()
        .filter(|finding| {
            finding["keyId"] == key.id.as_str() || finding["keyPrefix"] == key.prefix()
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => bail!(
            "no client_log_auth_failure for key {} ({}) in {doctor:#}",
            key.id,
            key.prefix()
        ),
        many => bail!("{} findings for key {}: {many:#?}", many.len(), key.id),
    }
}

/// `at` of a finding, within [`CLOSE`] of `ran`.
fn assert_close(finding: &Value, ran: DateTime<Utc>) -> Result<()> {
    let at = finding["at"]
        .as_str()
        .with_context(|| format!("no `at` in {finding:#}"))?;
    let at = DateTime::parse_from_rfc3339(at)
        .with_context(|| format!("`at` is not RFC 3339: {at}"))?
        .with_timezone(&Utc);
    let apart = (at - ran).abs();
    assert!(
        apart <= CLOSE,
        "the failure is dated {at}, {apart} from the run at {ran}: {finding:#}"
    );
    Ok(())
}

/// The fields every client's failure has: the client, the config, the
/// key, the reason `revoked` and a time close to the run.
fn assert_revoked(
    finding: &Value,
    client: &str,
    config: &Path,
    key: &TestKey,
    ran: DateTime<Utc>,
) -> Result<()> {
    assert_eq!(finding["client"], client, "{finding:#}");
    assert_eq!(
        finding["configPath"],
        config.display().to_string(),
        "the config that holds the key: {finding:#}"
    );
    assert_eq!(finding["keyId"], key.id.as_str(), "{finding:#}");
    assert_eq!(finding["keyPrefix"], key.prefix(), "{finding:#}");
    assert_eq!(
        finding["reason"], "revoked",
        "the service's reason: {finding:#}"
    );
    assert_eq!(finding["severity"], "error", "{finding:#}");
    assert_close(finding, ran)
}

/// An out-of-scope `tools/call` as a client would send it if its tool list
/// were stale: `initialize` naming the client in `clientInfo`, then the call
/// in that session. The status and body of the call's answer.
async fn call_outside_scope(
    url: &str,
    key: &str,
    client_info: &Value,
    tool: &str,
) -> Result<(StatusCode, Value)> {
    let http = reqwest::Client::new();
    let post = |session: Option<&str>, message: Value| {
        let mut request = http
            .post(url)
            .bearer_auth(key)
            // Not a client's own User-Agent: the service must name the
            // client from the session's clientInfo.
            .header("User-Agent", "mcp-keys-e2e-script")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", mcp_keys_e2e::PROTOCOL_VERSION)
            .json(&message);
        if let Some(session) = session {
            request = request.header("Mcp-Session-Id", session);
        }
        request.send()
    };
    let initialized = post(
        None,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": mcp_keys_e2e::PROTOCOL_VERSION,
            "capabilities": {}, "clientInfo": client_info}}),
    )
    .await?;
    if initialized.status() != StatusCode::OK {
        bail!(
            "initialize answered {}: {}",
            initialized.status(),
            initialized.text().await?
        );
    }
    let session = initialized
        .headers()
        .get("mcp-session-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let _ = initialized.text().await?;
    post(
        session.as_deref(),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await?;
    let called = post(
        session.as_deref(),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": tool, "arguments": {}}}),
    )
    .await?;
    let status = called.status();
    let text = called.text().await?;
    Ok((status, jsonrpc_answer(&text).unwrap_or(Value::String(text))))
}

#[tokio::test]
async fn each_clients_refused_key_is_reported_by_doctor_with_its_config_time_and_reason()
-> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["search", "fetch"]).await?;
    let claude = TestKey::create(&service, &surface, &json!({"name": "MCP - Claude Code"})).await?;
    let claude_ok = TestKey::create(
        &service,
        &surface,
        &json!({"name": "MCP - Claude Code, works"}),
    )
    .await?;
    let claude_scoped = TestKey::create(
        &service,
        &surface,
        &json!({"name": "MCP - Claude Code, search only", "scopes": ["search"]}),
    )
    .await?;
    let copilot =
        TestKey::create(&service, &surface, &json!({"name": "MCP - Copilot CLI"})).await?;
    let copilot_ok = TestKey::create(
        &service,
        &surface,
        &json!({"name": "MCP - Copilot CLI, works"}),
    )
    .await?;
    let gemini = TestKey::create(&service, &surface, &json!({"name": "MCP - Gemini CLI"})).await?;
    let codex = TestKey::create(&service, &surface, &json!({"name": "MCP - Codex"})).await?;

    let clients = Arc::new(ClientHome::new("clients-client-logs")?);
    let home = clients.home.clone();
    let project = clients.project("app")?;
    let data = home.with_file_name("data");

    // Every client calls its refused server "docs", as a user would: the
    // findings must still tell them apart.
    let entry = |key: &TestKey| {
        json!({
            "type": "http",
            "url": surface.url,
            "headers": {"Authorization": key.bearer()},
        })
    };
    let claude_json = home.join(".claude.json");
    std::fs::write(
        &claude_json,
        serde_json::to_string_pretty(&json!({"mcpServers": {
            "docs": entry(&claude),
            "docs-ok": entry(&claude_ok),
            "docs-scoped": entry(&claude_scoped),
        }}))?,
    )?;
    let copilot_config = home.join(".copilot/mcp-config.json");
    std::fs::create_dir_all(home.join(".copilot"))?;
    let mut copilot_docs = entry(&copilot);
    copilot_docs["tools"] = json!(["*"]);
    let mut copilot_docs_ok = entry(&copilot_ok);
    copilot_docs_ok["tools"] = json!(["*"]);
    std::fs::write(
        &copilot_config,
        serde_json::to_string_pretty(
            &json!({"mcpServers": {"docs": copilot_docs, "docs-ok": copilot_docs_ok}}),
        )?,
    )?;
    std::fs::write(
        home.join(".copilot/config.json"),
        json!({"trustedFolders": [project.display().to_string()]}).to_string(),
    )?;
    let gemini_settings = home.join(".gemini/settings.json");
    std::fs::create_dir_all(home.join(".gemini"))?;
    std::fs::write(
        &gemini_settings,
        serde_json::to_string_pretty(&json!({"mcpServers": {"docs": entry(&gemini)}}))?,
    )?;
    // Gemini CLI uses servers only in a folder the user trusts.
    std::fs::write(
        home.join(".gemini/trustedFolders.json"),
        json!({ project.display().to_string(): "TRUST_FOLDER" }).to_string(),
    )?;

    // Codex takes its key from a variable (`codex mcp add --bearer-token-env-var`).
    let model = model::refusing_model().await?;
    let codex_config = home.join(".codex/config.toml");
    std::fs::create_dir_all(home.join(".codex"))?;
    std::fs::write(&codex_config, codex::config(&model, &surface.url, &project))?;

    for key in [&claude, &copilot, &gemini, &codex] {
        key.revoke(&service, &surface).await?;
    }

    // Each client connects by its own command, all at once.
    let in_project = project.clone();
    let claude_run = run_client(&clients, move |clients| {
        let mut command = clients.command("claude", &in_project);
        command.args(["mcp", "list"]);
        command
    });
    let in_project = project.clone();
    let gemini_run = run_client(&clients, move |clients| {
        let mut command = clients.command("gemini", &in_project);
        command.args(["mcp", "list"]);
        command
    });
    let in_project = project.clone();
    let codex_clients = Arc::clone(&clients);
    let codex_key = codex.key.clone();
    let codex_run = tokio::task::spawn_blocking(move || {
        codex::run_tui(&codex_clients, &in_project, &codex_key)
    });
    let in_project = project.clone();
    let copilot_run = run_client(&clients, move |clients| {
        let mut command = clients.command("copilot", &in_project);
        command
            .args(["-p", "hi", "--allow-all-tools"])
            .env("COPILOT_OFFLINE", "true")
            .env("COPILOT_PROVIDER_BASE_URL", &model)
            .env("COPILOT_MODEL", "gpt-4.1");
        command
    });

    // Meanwhile a script with Claude Code's scoped key, naming itself
    // Claude Code, calls a tool outside the key's scopes: no client sends
    // such a call (the service lists only the tools a key may use, and the
    // clients call only listed tools), so this is the service audit's path.
    let scope_at = Utc::now();
    let (status, refused) = call_outside_scope(
        &surface.url,
        &claude_scoped.key,
        &json!({"name": "claude-code", "version": "2.1.332"}),
        "fetch",
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"]["reason"], "scope", "{refused}");

    let claude_run = claude_run.await??;
    let gemini_run = gemini_run.await??;
    let copilot_run = copilot_run.await??;
    let (codex_at, codex_rows) = codex_run.await??;

    // What the clients themselves said.
    let listed = &claude_run.output.stdout;
    let line = |server: &str| {
        listed
            .lines()
            .find(|line| line.starts_with(&format!("{server}:")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("docs").contains("HTTP 401") && line("docs").contains(r#""reason":"revoked""#),
        "{listed}"
    );
    assert!(line("docs-ok").contains("Connected"), "{listed}");
    assert!(line("docs-scoped").contains("Connected"), "{listed}");
    let gemini_listed = format!("{}{}", gemini_run.output.stdout, gemini_run.output.stderr);
    assert!(
        gemini_listed
            .lines()
            .any(|line| line.contains("docs:") && line.contains("Disconnected")),
        "{gemini_listed}"
    );

    // The logs doctor reads are there.
    let claude_logs_dir = claude_mcp_logs(&home, &project, "docs");
    let claude_logs = files_under(&claude_logs_dir, &|path| {
        path.extension().is_some_and(|ext| ext == "jsonl")
    });
    assert!(
        contents(&claude_logs)
            .contains("Server rejected the configured Authorization header (HTTP 401)"),
        "Claude Code's MCP log of docs in {}: {}\n{}",
        claude_logs_dir.display(),
        contents(&claude_logs),
        contents(&files_under(&home.join(".cache"), &|_| true)),
    );
    let copilot_logs = files_under(&home.join(".copilot/logs"), &|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("process-") && name.ends_with(".log"))
    });
    let copilot_text = contents(&copilot_logs);
    assert!(
        copilot_text
            .lines()
            .any(|line| line.contains("HTTP 401 challenge")
                && line.contains(r#"error_description="the API key has been revoked""#)
                && line.contains(r#"{"server":"docs""#)),
        "Copilot CLI's log ({} / {}): {copilot_text}",
        copilot_run.output.stdout,
        copilot_run.output.stderr
    );

    let refusal = codex_rows.iter().any(|row| {
        row["target"] == "rmcp::transport::worker"
            && row["body"].as_str().is_some_and(|body| {
                body.contains(r#"error_description=\"the API key has been revoked\""#)
            })
    });
    assert!(refusal, "Codex's log rows: {codex_rows:#?}");

    let home_arg = home.display().to_string();
    let project_arg = project.display().to_string();
    // The user's shell, where doctor runs, has the variable Codex reads.
    let (_, doctor) = cli_json(service.cli(&data)?.env("DOCS_KEY", &codex.key).args([
        "doctor",
        "--json",
        "--home",
        &home_arg,
        "--project",
        &project_arg,
    ]))?;
    println!("doctor --json: {doctor:#}");

    // Claude Code, from its MCP log.
    let found = finding_of(&doctor, &claude)?;
    assert_revoked(found, "claude-code", &claude_json, &claude, claude_run.at)?;
    let log = found["logPath"].as_str().unwrap_or_default();
    assert!(
        Path::new(log).starts_with(&claude_logs_dir) && log.ends_with(".jsonl"),
        "Claude Code's log of server docs: {found:#}"
    );
    assert_eq!(found["status"], 401, "{found:#}");

    // Copilot CLI, from its process log.
    let found = finding_of(&doctor, &copilot)?;
    assert_revoked(
        found,
        "copilot-cli",
        &copilot_config,
        &copilot,
        copilot_run.at,
    )?;
    let log = found["logPath"].as_str().unwrap_or_default();
    assert!(
        copilot_logs
            .iter()
            .any(|path| path.display().to_string() == log),
        "one of {copilot_logs:?}: {found:#}"
    );
    assert_eq!(found["status"], 401, "{found:#}");

    // Gemini CLI writes no log: the service's audit names it.
    let found = finding_of(&doctor, &gemini)?;
    assert_revoked(
        found,
        "gemini-cli",
        &gemini_settings,
        &gemini,
        gemini_run.at,
    )?;
    assert!(
        found.get("logPath").is_none(),
        "Gemini CLI keeps no log: {found:#}"
    );

    // Codex, from the log database of its daemon-backed session.
    let found = finding_of(&doctor, &codex)?;
    assert_revoked(found, "codex", &codex_config, &codex, codex_at)?;
    let log = found["logPath"].as_str().unwrap_or_default();
    assert!(
        codex_rows.iter().any(|row| row["file"] == log),
        "Codex's log database: {found:#}"
    );

    // The scope refusal: Permission denied, naming the capability.
    let found = finding_of(&doctor, &claude_scoped)?;
    assert_eq!(found["client"], "claude-code", "{found:#}");
    assert_eq!(
        found["configPath"],
        claude_json.display().to_string(),
        "{found:#}"
    );
    assert_eq!(found["reason"], "scope", "{found:#}");
    assert_eq!(found["status"], 403, "{found:#}");
    let message = found["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Permission denied") && message.contains("\"fetch\""),
        "{found:#}"
    );
    assert!(
        found["fix"]
            .as_str()
            .is_some_and(|fix| fix.contains("fetch")),
        "{found:#}"
    );
    assert_close(found, scope_at)?;

    // The keys that work got no finding, though both clients connected
    // with them in the same runs.
    for key in [&claude_ok, &copilot_ok] {
        assert!(
            log_findings(&doctor).iter().all(|finding| {
                finding["keyId"] != key.id.as_str() && finding["keyPrefix"] != key.prefix()
            }),
            "no finding for the working key {}: {doctor:#}",
            key.id
        );
    }
    // One finding per failure, none about anything else.
    assert_eq!(log_findings(&doctor).len(), 5, "{doctor:#}");
    Ok(())
}
