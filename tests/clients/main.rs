//! The real IDE clients from npm (Claude Code, Gemini CLI, Codex, Copilot
//! CLI, mcp-remote; versions pinned in `package-lock.json` beside this
//! file) against the real `mcp-keys serve` and the real `mcp-keys` CLI.
//! Each client adds our server with its own `mcp add` command, so the
//! configs scan, doctor and roll read are the ones the clients write; where
//! a client has a command that connects (`claude mcp list`, `gemini mcp
//! list`), it proves the key works, fails once revoked, and works again
//! after `keys roll --update-configs`.
//!
//! Runs offline: the first run installs the clients from the npm registry
//! into `target/npm-clients`; every client gets a private HOME.

mod client_logs;
mod keyring;
mod migrate;
mod oauth;

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{ClientHome, Service};

/// Runs the `mcp-keys` CLI: its JSON on stdout, and its exit status.
fn cli_json(command: &mut Command) -> Result<(bool, Value)> {
    let output = command.output().context("running mcp-keys")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value = serde_json::from_str(&stdout).with_context(|| {
        format!(
            "mcp-keys printed no JSON: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    Ok((output.status.success(), value))
}

/// Whether the line of `server` in a client's `mcp list` says it connected.
fn connected(listed: &str, server: &str) -> bool {
    listed
        .lines()
        .find(|line| line.contains(&format!("{server}:")))
        .is_some_and(|line| line.contains("Connected") && !line.contains("Disconnected"))
}

/// `claude mcp list` in `project` (it connects to every server).
fn claude_list(clients: &ClientHome, project: &Path) -> Result<String> {
    let output = clients.run(clients.command("claude", project).args(["mcp", "list"]))?;
    Ok(output.stdout)
}

/// `gemini mcp list` in `project` (it connects to every server).
fn gemini_list(clients: &ClientHome, project: &Path) -> Result<String> {
    let output = clients.run(clients.command("gemini", project).args(["mcp", "list"]))?;
    Ok(format!("{}{}", output.stdout, output.stderr))
}

/// A JSON Pointer segment (RFC 6901).
fn pointer_segment(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

/// The entries of a scan for one config path and client.
fn entries<'a>(scan: &'a Value, client: &str, path: &Path) -> Vec<&'a Value> {
    scan.as_array()
        .into_iter()
        .flatten()
        .filter(|entry| {
            entry["client"] == client && entry["configPath"] == path.display().to_string()
        })
        .collect()
}

fn codes(findings: &Value) -> Vec<(String, String)> {
    findings["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap_or_default().to_owned(),
                finding["configPath"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn claude_code_and_gemini_cli_connect_fail_once_revoked_and_connect_after_a_roll()
-> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let (claude_key, claude_id) = service
        .key(&surface, &json!({"name": "MCP - Claude Code"}))
        .await?;
    let (gemini_key, _) = service
        .key(&surface, &json!({"name": "MCP - Gemini CLI"}))
        .await?;
    let clients = ClientHome::new("clients-claude-gemini")?;
    let home = clients.home.clone();
    let project = clients.project("app")?;
    let data = home.with_file_name("data");

    // Each client adds the server with its own command. Claude Code's local
    // scope lands under projects.<path>.mcpServers of ~/.claude.json,
    // beside the user scope's mcpServers; its project scope in .mcp.json.
    let header = format!("Authorization: Bearer {claude_key}");
    for (scope, name) in [
        ("user", "mk-user"),
        ("local", "mk-local"),
        ("project", "mk-project"),
    ] {
        clients
            .run(clients.command("claude", &project).args([
                "mcp",
                "add",
                "--transport",
                "http",
                "--scope",
                scope,
                name,
                &surface.url,
                "--header",
                &header,
            ]))?
            .ok()?;
    }
    clients
        .run(clients.command("gemini", &project).args([
            "mcp",
            "add",
            "--transport",
            "http",
            "--scope",
            "user",
            "mk-gemini",
            &surface.url,
            "--header",
            &format!("Authorization: Bearer {gemini_key}"),
        ]))?
        .ok()?;
    // Gemini CLI uses servers only in a folder the user trusts.
    std::fs::write(
        home.join(".gemini/trustedFolders.json"),
        json!({ project.display().to_string(): "TRUST_FOLDER" }).to_string(),
    )?;
    let gemini_settings: Value = serde_json::from_str(&std::fs::read_to_string(
        home.join(".gemini/settings.json"),
    )?)?;
    assert_eq!(
        gemini_settings["mcpServers"]["mk-gemini"]["type"], "http",
        "gemini mcp add writes `url` with type http: {gemini_settings}"
    );

    // Valid keys connect.
    let listed = claude_list(&clients, &project)?;
    assert!(connected(&listed, "mk-user"), "{listed}");
    assert!(connected(&listed, "mk-local"), "{listed}");
    let listed = gemini_list(&clients, &project)?;
    assert!(connected(&listed, "mk-gemini"), "{listed}");

    // scan with --server and MCP_KEYS_TOKEN (no saved connection) knows
    // every key, in every place each client wrote it.
    let home_arg = home.display().to_string();
    let project_arg = project.display().to_string();
    let places = ["--home", &home_arg, "--project", &project_arg];
    let (ok, scan) = cli_json(service.cli(&data)?.args(["scan", "--json"]).args(places))?;
    assert!(ok, "{scan}");
    let claude_json = home.join(".claude.json");
    let in_claude_json = entries(&scan, "claude-code", &claude_json);
    let mut servers: Vec<&str> = in_claude_json
        .iter()
        .map(|entry| entry["serverName"].as_str().unwrap_or_default())
        .collect();
    servers.sort_unstable();
    assert_eq!(servers, ["mk-local", "mk-user"], "{scan}");
    for entry in scan.as_array().into_iter().flatten() {
        assert_eq!(entry["status"], "active", "{entry}");
        assert!(entry["statusReason"].is_null(), "{entry}");
    }
    let dot_mcp = project.join(".mcp.json");
    assert_eq!(entries(&scan, "claude-code", &dot_mcp).len(), 1, "{scan}");
    assert_eq!(
        entries(&scan, "copilot-cli", &dot_mcp).len(),
        1,
        "Copilot CLI reads .mcp.json too: {scan}"
    );
    let gemini = entries(&scan, "gemini-cli", &home.join(".gemini/settings.json"));
    assert_eq!(gemini.len(), 1, "{scan}");
    assert_eq!(gemini[0]["url"], surface.url.as_str());

    // Without a service to ask, the scan says why each key is unknown.
    let output = Command::new(mcp_keys_e2e::mcp_keys_binary()?)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("MCP_KEYS_DATA_DIR", &data)
        .args(["scan", "--json"])
        .args(places)
        .output()?;
    let unknown: Value = serde_json::from_slice(&output.stdout)?;
    assert!(
        unknown
            .as_array()
            .into_iter()
            .flatten()
            .all(|entry| entry["status"] == "unknown"
                && entry["statusReason"]
                    .as_str()
                    .is_some_and(|reason| reason.contains("no key service was asked"))),
        "{unknown}"
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("could not be identified"),
        "a warning line on stderr"
    );

    // Rolling Claude Code's key replaces it in both places of ~/.claude.json
    // and in .mcp.json, and the report names each place.
    let (ok, rolled) = cli_json(
        service
            .cli(&data)?
            .args(["keys", "roll", &claude_id, "--update-configs", "--json"])
            .args(places),
    )?;
    assert!(ok, "{rolled}");
    let configs = rolled["configs"]["configs"].as_array().context("configs")?;
    let claude_update = configs
        .iter()
        .find(|config| config["configPath"] == claude_json.display().to_string())
        .context("~/.claude.json in the report")?;
    assert_eq!(claude_update["updated"], true, "{claude_update}");
    assert_eq!(claude_update["replaced"], 2, "{claude_update}");
    let expected_places = json!([
        "/mcpServers/mk-user/headers/Authorization",
        format!(
            "/projects/{}/mcpServers/mk-local/headers/Authorization",
            pointer_segment(&project.display().to_string())
        ),
    ]);
    assert_eq!(claude_update["places"], expected_places, "{claude_update}");
    let project_update = configs
        .iter()
        .find(|config| config["configPath"] == dot_mcp.display().to_string())
        .context(".mcp.json in the report")?;
    assert_eq!(
        project_update["clients"],
        json!(["claude-code", "copilot-cli"])
    );
    assert_eq!(
        project_update["places"],
        json!(["/mcpServers/mk-project/headers/Authorization"])
    );
    let restart = &rolled["configs"]["restart"];
    assert!(
        restart == &json!(["claude-code", "copilot-cli"]),
        "{restart}"
    );
    assert!(!std::fs::read_to_string(&claude_json)?.contains(&claude_key));

    // The old key is refused at once (no grace), and Claude Code connects
    // with the new one in both scopes.
    let listed = claude_list(&clients, &project)?;
    assert!(connected(&listed, "mk-user"), "{listed}");
    assert!(connected(&listed, "mk-local"), "{listed}");

    // The same for Gemini CLI's `url` + `type: "http"` entry.
    let gemini_key_id = gemini[0]["keyId"].as_str().context("gemini key id")?;
    let (ok, rolled_gemini) = cli_json(
        service
            .cli(&data)?
            .args(["keys", "roll", gemini_key_id, "--update-configs", "--json"])
            .args(places),
    )?;
    assert!(ok, "{rolled_gemini}");
    let listed = gemini_list(&clients, &project)?;
    assert!(connected(&listed, "mk-gemini"), "{listed}");

    // Revoking the new keys: neither client connects any more, and doctor
    // (through --server) says why, with a failing exit code.
    for rolled in [&rolled, &rolled_gemini] {
        let id = rolled["id"].as_str().context("new key id")?;
        service
            .expect(
                StatusCode::OK,
                Method::DELETE,
                &format!("{}/keys/{id}", surface.path),
                None,
            )
            .await?;
    }
    let listed = claude_list(&clients, &project)?;
    assert!(!connected(&listed, "mk-user"), "{listed}");
    assert!(!connected(&listed, "mk-local"), "{listed}");
    let listed = gemini_list(&clients, &project)?;
    assert!(!connected(&listed, "mk-gemini"), "{listed}");
    let (ok, doctor) = cli_json(service.cli(&data)?.args(["doctor", "--json"]).args(places))?;
    assert!(!ok, "doctor exits non-zero on an error finding");
    let found = codes(&doctor);
    for path in [claude_json, home.join(".gemini/settings.json")] {
        let expected = ("revoked_key_in_use".to_owned(), path.display().to_string());
        assert!(found.contains(&expected), "{expected:?} in {doctor}");
    }
    Ok(())
}

#[tokio::test]
async fn codex_variables_and_shell_snapshots_copilot_configs_and_reminders_through_server()
-> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let in_3_days = (chrono::Utc::now() + chrono::TimeDelta::days(3)).to_rfc3339();
    let (codex_key, codex_id) = service
        .key(
            &surface,
            &json!({"name": "MCP - Codex", "expiresAt": in_3_days}),
        )
        .await?;
    let (copilot_key, _) = service
        .key(&surface, &json!({"name": "MCP - Copilot CLI"}))
        .await?;
    let (project_key, _) = service
        .key(&surface, &json!({"name": "MCP - project"}))
        .await?;
    let clients = ClientHome::new("clients-codex-copilot")?;
    let home = clients.home.clone();
    let project = clients.project("app")?;
    let data = home.with_file_name("data");
    // The user exports the key for Codex in their shell profile.
    std::fs::write(
        home.join(".bashrc"),
        format!("# tools\nexport PATH=\"$HOME/bin:$PATH\"\nexport MK_KEY={codex_key}\n"),
    )?;

    clients
        .run(clients.command("codex", &project).args([
            "mcp",
            "add",
            "mk-codex",
            "--url",
            &surface.url,
            "--bearer-token-env-var",
            "MK_KEY",
        ]))?
        .ok()?;
    clients
        .run(clients.command("copilot", &project).args([
            "mcp",
            "add",
            "--transport",
            "http",
            "mk-copilot",
            &surface.url,
            "--header",
            &format!("Authorization: Bearer {copilot_key}"),
        ]))?
        .ok()?;
    // A project .mcp.json (as Claude Code writes it) in a folder Copilot
    // trusts: Copilot lists it as a workspace server.
    std::fs::write(
        project.join(".mcp.json"),
        serde_json::to_string_pretty(&json!({"mcpServers": {"mk-project": {
            "type": "http", "url": surface.url,
            "headers": {"Authorization": format!("Bearer {project_key}")}
        }}}))?,
    )?;
    std::fs::write(
        home.join(".copilot/config.json"),
        json!({"trustedFolders": [project.display().to_string()]}).to_string(),
    )?;
    let listed = clients.run(clients.command("copilot", &project).args(["mcp", "list"]))?;
    assert!(
        listed.stdout.contains("Workspace servers") && listed.stdout.contains("mk-project"),
        "{}",
        listed.stdout
    );

    // A Codex session copies the environment, MK_KEY included, into a
    // shell snapshot. Offline it cannot reach its model: the snapshot is
    // written first, then the session is stopped.
    let mut session = clients
        .command("codex", &project)
        .args(["exec", "--skip-git-repo-check", "say hi"])
        .env("MK_KEY", &codex_key)
        .env("OPENAI_API_KEY", "sk-offline-test")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        // Its own process group: `codex` is a node wrapper around the native
        // binary, and both must stop with the test.
        .process_group(0)
        .spawn()?;
    let stop_session = |session: &mut std::process::Child| {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", session.id())])
            .status();
        let _ = session.wait();
    };
    let snapshots = home.join(".codex/shell_snapshots");
    let deadline = Instant::now() + Duration::from_secs(60);
    let snapshot = loop {
        let found = std::fs::read_dir(&snapshots)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            // Codex writes `<id>.tmp-<n>` and then renames it to `<id>.sh`:
            // wait for the snapshot itself, not the file on its way there.
            .filter(|path| path.extension().is_some_and(|ext| ext == "sh"))
            .find(|path| std::fs::read_to_string(path).is_ok_and(|text| text.contains("MK_KEY")));
        if let Some(found) = found {
            break found;
        }
        if Instant::now() > deadline {
            stop_session(&mut session);
            bail!("Codex wrote no shell snapshot within a minute");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    stop_session(&mut session);

    let home_arg = home.display().to_string();
    let project_arg = project.display().to_string();
    let places = ["--home", &home_arg, "--project", &project_arg];

    // Doctor finds the copy, and says how to remove it.
    let (_, doctor) = cli_json(
        service
            .cli(&data)?
            .env("MK_KEY", &codex_key)
            .args(["doctor", "--json"])
            .args(places),
    )?;
    let copy = doctor["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|finding| finding["code"] == "key_in_client_copy")
        .with_context(|| format!("no key_in_client_copy: {doctor}"))?;
    assert_eq!(copy["configPath"], snapshot.display().to_string());
    assert_eq!(copy["client"], "codex");
    assert!(copy["fix"].as_str().is_some_and(|fix| fix.contains("rm ")));
    // .mcp.json is read by Claude Code and Copilot CLI: one file, not a
    // key shared between clients.
    assert!(
        !codes(&doctor)
            .iter()
            .any(|(code, _)| code == "key_shared_between_clients"),
        "{doctor}"
    );

    // reminders through --server sees the key that expires in 3 days.
    let (ok, reminders) = cli_json(
        service
            .cli(&data)?
            .args(["reminders", "--json"])
            .args(places),
    )?;
    assert!(ok, "{reminders}");
    assert!(
        reminders.as_array().into_iter().flatten().any(|reminder| {
            reminder["keyId"] == codex_id.as_str() && reminder["reason"] == "expiring"
        }),
        "{reminders}"
    );

    // Rolling Codex's key cannot rewrite the shell: the report names the
    // variable, the config that reads it and the line that sets it, and
    // the exit code says the work is not done.
    let (ok, rolled) = cli_json(
        service
            .cli(&data)?
            .env("MK_KEY", &codex_key)
            .args(["keys", "roll", &codex_id, "--update-configs", "--json"])
            .args(places),
    )?;
    assert!(!ok, "a variable still holds the old key: {rolled}");
    assert!(
        rolled["key"]
            .as_str()
            .is_some_and(|key| key.starts_with("mcp_dev_"))
    );
    let variables = &rolled["configs"]["variables"];
    assert_eq!(
        variables,
        &json!([{
            "variable": "MK_KEY",
            "holdsOldKey": true,
            "clients": ["codex"],
            "configPaths": [home.join(".codex/config.toml").display().to_string()],
            "setIn": [format!("{}:3", home.join(".bashrc").display())],
        }]),
        "{rolled}"
    );
    Ok(())
}

#[tokio::test]
async fn requests_through_mcp_remote_are_credited_to_the_editor_not_to_its_http_library()
-> Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let (key, key_id) = service
        .key(&surface, &json!({"name": "MCP - editor via mcp-remote"}))
        .await?;
    let clients = ClientHome::new("clients-mcp-remote")?;
    // The key reaches mcp-remote through its environment, as its README
    // advises, never on its command line.
    let mut command = tokio::process::Command::from(clients.command("mcp-remote", &clients.home));
    let mut proxy = command
        .args([&surface.url, "--header", "Authorization:${AUTH_HEADER}"])
        .env("AUTH_HEADER", format!("Bearer {key}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdin = proxy.stdin.take().context("stdin")?;
    let mut lines = BufReader::new(proxy.stdout.take().context("stdout")?).lines();
    let mut answer = async |id: u64| -> Result<Value> {
        let deadline = Duration::from_secs(60);
        tokio::time::timeout(deadline, async {
            while let Some(line) = lines.next_line().await? {
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
        .context("mcp-remote did not answer in time")?
    };
    let send = async |stdin: &mut tokio::process::ChildStdin, message: Value| -> Result<()> {
        stdin.write_all(format!("{message}\n").as_bytes()).await?;
        Ok(stdin.flush().await?)
    };
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "e2e-editor", "version": "1.0"}}}),
    )
    .await?;
    let initialized = answer(1).await?;
    assert!(
        initialized["result"]["serverInfo"].is_object(),
        "{initialized}"
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await?;
    // The service writes a key's use at most once a minute: the request
    // that matters is one after that minute, which carries only
    // mcp-remote's User-Agent (its HTTP library's).
    tokio::time::sleep(Duration::from_secs(61)).await;
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}),
    )
    .await?;
    let tools = answer(2).await?;
    assert!(tools["result"]["tools"].is_array(), "{tools}");

    let keys = service
        .expect(
            StatusCode::OK,
            Method::GET,
            &format!("{}/keys", surface.path),
            None,
        )
        .await?;
    let used = keys
        .as_array()
        .or_else(|| keys["data"].as_array())
        .into_iter()
        .flatten()
        .find(|listed| listed["id"] == key_id.as_str())
        .with_context(|| format!("key {key_id} in {keys}"))?;
    let client = used["lastUsedClient"].as_str().unwrap_or_default();
    assert!(
        client.starts_with("e2e-editor"),
        "the editor named in initialize, not the HTTP library: {client:?}"
    );
    Ok(())
}
