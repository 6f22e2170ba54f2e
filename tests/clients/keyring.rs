//! Keys out of plain text (DESIGN §8) with the real clients: a key
//! installed by `keys create --install` lives in a keyring slot of the real
//! Secret Service (the test session's gnome-keyring), the client's config
//! names the slot, and a roll rewrites the slot, not the config.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::{Value, json};

use mcp_keys_e2e::{ClientHome, Service};

use super::{cli_json, connected, gemini_list};

/// The session bus, where the keyring is: the CLI and the clients of these
/// tests (and of `migrate`'s) get it besides their private HOME.
pub(super) fn bus() -> Result<String> {
    std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .context("these tests need the D-Bus session with gnome-keyring of `cargo xtask test`")
}

/// The CLI against `service` with the keyring of the session.
pub(super) fn cli(service: &Service, data: &Path) -> Result<Command> {
    let mut command = service.cli(data)?;
    command.env("DBUS_SESSION_BUS_ADDRESS", bus()?);
    Ok(command)
}

/// A client command with the keyring of the session.
pub(super) fn client(clients: &ClientHome, name: &str, cwd: &Path) -> Result<Command> {
    let mut command = clients.command(name, cwd);
    command.env("DBUS_SESSION_BUS_ADDRESS", bus()?);
    Ok(command)
}

/// Whether any file under `dir` holds `needle`.
pub(super) fn any_file_holds(dir: &Path, needle: &str) -> Result<Option<std::path::PathBuf>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "node_modules") {
                continue;
            }
            if let Some(found) = any_file_holds(&path, needle)? {
                return Ok(Some(found));
            }
        } else if path.is_file()
            && std::fs::read(&path)?
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// A surface's MCP endpoint answers `key` with this status.
async fn status_with(url: &str, key: &str) -> Result<StatusCode> {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .header("Accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        .send()
        .await?;
    Ok(response.status())
}

/// The id of a surface, the last segment of its management path.
fn surface_id(surface: &mcp_keys_e2e::Surface) -> String {
    surface
        .path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// `keys create --install CLIENT --json` in `home`: the key's id and the
/// install's report. The key itself is not printed.
fn create_installed(
    service: &Service,
    data: &Path,
    surface: &str,
    client: &str,
    server: &str,
    home: &Path,
) -> Result<(String, Value)> {
    let home_arg = home.display().to_string();
    let (ok, created) = cli_json(cli(service, data)?.args([
        "keys",
        "create",
        surface,
        "--name",
        &format!("MCP - {client}"),
        "--install",
        client,
        "--server-name",
        server,
        "--home",
        &home_arg,
        "--json",
    ]))?;
    assert!(ok, "{created}");
    assert!(created.get("key").is_none(), "no key on stdout: {created}");
    let id = created["id"].as_str().context("id")?.to_owned();
    Ok((id, created["installs"][0].clone()))
}

#[tokio::test]
async fn claude_code_through_the_keyring_connects_and_a_roll_leaves_its_config_alone() -> Result<()>
{
    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let clients = ClientHome::new("keyring-claude")?;
    let home = clients.home.clone();
    let project = clients.project("app")?;
    let data = home.with_file_name("data");

    let (key_id, install) = create_installed(
        &service,
        &data,
        &surface_id(&surface),
        "claude-code",
        "mk-keyring",
        &home,
    )?;
    assert_eq!(install["installed"]["via"], "helper", "{install}");
    let claude_json = home.join(".claude.json");
    assert_eq!(
        install["installed"]["configPath"],
        claude_json.display().to_string()
    );
    let text = std::fs::read_to_string(&claude_json)?;
    assert!(text.contains("headersHelper"), "{text}");
    assert!(
        !text.contains("mcp_dev_"),
        "no key in ~/.claude.json: {text}"
    );

    // Claude Code itself runs the helper and connects.
    let listed = claude_list_with_bus(&clients, &project)?;
    assert!(connected(&listed, "mk-keyring"), "{listed}");
    // Claude Code writes its own state into the file; from here on, only
    // the roll could change it.
    let before = std::fs::read(&claude_json)?;

    // A roll without grace: the slot gets the new key, the config stays
    // byte for byte, the client still connects, the old key is refused.
    let slot_key = |data: &Path| -> Result<String> {
        let output = cli(&service, data)?
            .args(["headers", "--slot", "claude-code-mk-keyring"])
            .output()?;
        let headers: Value = serde_json::from_slice(&output.stdout)?;
        Ok(headers["Authorization"]
            .as_str()
            .and_then(|value| value.strip_prefix("Bearer "))
            .context("a bearer header")?
            .to_owned())
    };
    let old_key = slot_key(&data)?;
    assert_eq!(status_with(&surface.url, &old_key).await?, StatusCode::OK);
    let (ok, rolled) = cli_json(cli(&service, &data)?.args(["keys", "roll", &key_id, "--json"]))?;
    assert!(ok, "{rolled}");
    assert_eq!(
        rolled["slots"],
        json!([{
            "slot": "claude-code-mk-keyring",
            "client": "claude-code",
            "via": "helper",
            "afterRoll": "reconnect",
            "error": null
        }]),
        "{rolled}"
    );
    assert_eq!(
        std::fs::read(&claude_json)?,
        before,
        "the config is unchanged"
    );
    let new_key = slot_key(&data)?;
    assert_eq!(Some(new_key.as_str()), rolled["key"].as_str());
    assert_eq!(
        status_with(&surface.url, &old_key).await?,
        StatusCode::UNAUTHORIZED
    );
    let listed = claude_list_with_bus(&clients, &project)?;
    assert!(connected(&listed, "mk-keyring"), "{listed}");
    assert_eq!(any_file_holds(&home, &new_key)?, None);
    Ok(())
}

fn claude_list_with_bus(clients: &ClientHome, project: &Path) -> Result<String> {
    let output = clients.run(client(clients, "claude", project)?.args(["mcp", "list"]))?;
    Ok(output.stdout)
}

#[tokio::test]
async fn the_claude_desktop_bridge_answers_and_keeps_working_across_a_roll() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let clients = ClientHome::new("keyring-bridge")?;
    let home = clients.home.clone();
    let data = home.with_file_name("data");
    let (key_id, install) = create_installed(
        &service,
        &data,
        &surface_id(&surface),
        "claude-desktop",
        "mk-bridge",
        &home,
    )?;
    assert_eq!(install["installed"]["via"], "bridge", "{install}");
    let config_path = home.join(".config/Claude/claude_desktop_config.json");
    let config: Value = serde_json::from_str(&std::fs::read_to_string(&config_path)?)?;
    let entry = &config["mcpServers"]["mk-bridge"];
    assert!(!entry.to_string().contains("mcp_dev_"), "{entry}");

    // Spawned exactly as the config says, as Claude Desktop would.
    let program = entry["command"].as_str().context("command")?;
    let args: Vec<&str> = entry["args"]
        .as_array()
        .context("args")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut bridge = Command::new(program)
        .args(&args)
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DBUS_SESSION_BUS_ADDRESS", bus()?)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut stdin = bridge.stdin.take().context("stdin")?;
    let mut stdout = BufReader::new(bridge.stdout.take().context("stdout")?);
    let mut ask = |message: Value| -> Result<Option<Value>> {
        writeln!(stdin, "{message}")?;
        stdin.flush()?;
        if message.get("id").is_none() {
            return Ok(None);
        }
        let mut line = String::new();
        if stdout.read_line(&mut line)? == 0 {
            bail!("the bridge closed its stdout");
        }
        Ok(Some(serde_json::from_str(&line)?))
    };
    let initialized = ask(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "claude-desktop-test", "version": "1"}}}),
    )?
    .context("initialize")?;
    assert!(
        initialized["result"]["serverInfo"].is_object(),
        "{initialized}"
    );
    ask(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))?;
    let tools =
        ask(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))?.context("tools/list")?;
    assert!(tools["result"]["tools"].is_array(), "{tools}");

    // Rolled with no grace while the bridge runs: the next request goes
    // out with the new key, with no restart.
    let (ok, rolled) = cli_json(cli(&service, &data)?.args(["keys", "roll", &key_id, "--json"]))?;
    assert!(ok, "{rolled}");
    let again = ask(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}))?
        .context("tools/list after the roll")?;
    assert!(again["result"]["tools"].is_array(), "{again}");

    drop(stdin);
    let status = bridge.wait()?;
    assert!(status.success(), "the bridge ends with its stdin: {status}");
    Ok(())
}

#[tokio::test]
async fn gemini_cli_gets_its_key_from_the_keyring_through_mcp_keys_run() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let clients = ClientHome::new("keyring-gemini")?;
    let home = clients.home.clone();
    let project = clients.project("app")?;
    let data = home.with_file_name("data");
    let (_, install) = create_installed(
        &service,
        &data,
        &surface_id(&surface),
        "gemini-cli",
        "mk-gemini-env",
        &home,
    )?;
    assert_eq!(install["installed"]["via"], "env", "{install}");
    let variable = install["envVar"].as_str().context("envVar")?.to_owned();
    let settings = std::fs::read_to_string(home.join(".gemini/settings.json"))?;
    assert!(settings.contains(&format!("${{{variable}}}")), "{settings}");
    assert!(!settings.contains("mcp_dev_"), "{settings}");
    std::fs::write(
        home.join(".gemini/trustedFolders.json"),
        json!({ project.display().to_string(): "TRUST_FOLDER" }).to_string(),
    )?;

    // Without the variable, Gemini CLI cannot connect; through `mcp-keys
    // run` it can.
    let listed = gemini_list(&clients, &project)?;
    assert!(!connected(&listed, "mk-gemini-env"), "{listed}");
    // The client's own environment, with mcp-keys in front of it.
    let gemini = clients.command("gemini", &project);
    let mut run = Command::new(mcp_keys_e2e::mcp_keys_binary()?);
    run.env_clear();
    for (name, value) in gemini.get_envs() {
        if let Some(value) = value {
            run.env(name, value);
        }
    }
    run.env("DBUS_SESSION_BUS_ADDRESS", bus()?)
        .env("MCP_KEYS_DATA_DIR", &data)
        .current_dir(&project)
        .args(["run", "--slot", "gemini-cli-mk-gemini-env", "--"])
        .arg(gemini.get_program())
        .args(["mcp", "list"]);
    let output = clients.run(&mut run)?;
    let listed = format!("{}{}", output.stdout, output.stderr);
    assert!(connected(&listed, "mk-gemini-env"), "{listed}");
    Ok(())
}
