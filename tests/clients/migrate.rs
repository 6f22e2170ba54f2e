//! `mcp-keys migrate` with the real clients (DESIGN §8): the literal keys
//! that Claude Code and Gemini CLI wrote with their own `mcp add`, and one
//! in a hand-written Cursor config, move into keyring slots of the real
//! Secret Service; the configs name the slots, the clients still connect,
//! and `migrate --undo` puts the files back byte for byte.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{ClientHome, Service};

use super::keyring::{any_file_holds, bus, cli, client};
use super::{cli_json, connected, gemini_list};

/// The report's entry for `server`.
fn entry<'a>(report: &'a Value, server: &str) -> Result<&'a Value> {
    report["configs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|config| config["entries"].as_array().into_iter().flatten())
        .find(|entry| entry["serverName"] == server)
        .with_context(|| format!("no entry for {server} in {report}"))
}

/// The undo's outcome for `path`.
fn undone<'a>(report: &'a Value, path: &Path) -> Result<&'a str> {
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|file| file["configPath"] == path.display().to_string())
        .and_then(|file| file["outcome"].as_str())
        .with_context(|| format!("no {} in {report}", path.display()))
}

#[tokio::test]
async fn migrate_moves_the_keys_clients_wrote_into_the_keyring_and_undo_puts_the_files_back()
-> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["echo"]).await?;
    let mut keys = Vec::new();
    for name in ["Claude Code", "Gemini CLI", "Cursor", "Cursor (old)"] {
        keys.push(
            service
                .key(&surface, &json!({ "name": format!("MCP - {name}") }))
                .await?,
        );
    }
    let [
        (claude_key, _),
        (gemini_key, _),
        (cursor_key, _),
        (old_key, old_id),
    ] = <[(String, String); 4]>::try_from(keys).map_err(|_| anyhow::anyhow!("four keys"))?;
    service
        .expect(
            StatusCode::OK,
            Method::DELETE,
            &format!("{}/keys/{old_id}", surface.path),
            None,
        )
        .await?;
    let clients = ClientHome::new("migrate")?;
    let home = clients.home.clone();
    let project = clients.project("app")?;
    let data = home.with_file_name("data");

    // The clients add the server with their own commands, keys literal.
    clients
        .run(clients.command("claude", &project).args([
            "mcp",
            "add",
            "--transport",
            "http",
            "--scope",
            "user",
            "mk-claude",
            &surface.url,
            "--header",
            &format!("Authorization: Bearer {claude_key}"),
        ]))?
        .ok()?;
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
    std::fs::write(
        home.join(".gemini/trustedFolders.json"),
        json!({ project.display().to_string(): "TRUST_FOLDER" }).to_string(),
    )?;
    // Cursor by hand: a field the keyring-backed form has not (`timeout`,
    // kept by the rewrite), and a revoked key that must stay.
    let cursor_json = home.join(".cursor/mcp.json");
    std::fs::create_dir_all(home.join(".cursor"))?;
    std::fs::write(
        &cursor_json,
        format!(
            "{{\n  // Cursor reads JSON with comments\n  \"mcpServers\": {{\n    \"mk-cursor\": {{\n      \"url\": \"{url}\",\n      \"headers\": {{ \"Authorization\": \"Bearer {cursor_key}\" }},\n      \"timeout\": 30\n    }},\n    \"mk-old\": {{ \"url\": \"{url}\", \"headers\": {{ \"Authorization\": \"Bearer {old_key}\" }} }}\n  }}\n}}\n",
            url = surface.url
        ),
    )?;
    let claude_json = home.join(".claude.json");
    let gemini_json = home.join(".gemini/settings.json");
    let configs = [&claude_json, &gemini_json, &cursor_json];
    let originals: Vec<Vec<u8>> = configs
        .iter()
        .map(std::fs::read)
        .collect::<std::io::Result<_>>()?;
    let home_arg = home.display().to_string();
    let migrate = |extra: &[&str]| -> Result<(bool, Value)> {
        cli_json(
            cli(&service, &data)?
                .args(["migrate", "--home", &home_arg, "--json"])
                .args(extra),
        )
    };

    // A dry run plans, and writes nothing: no config, no slot.
    let (ok, plan) = migrate(&["--dry-run"])?;
    assert!(!ok, "the revoked key is identified and would stay: {plan}");
    assert_eq!(plan["dryRun"], true);
    for server in ["mk-claude", "mk-gemini", "mk-cursor"] {
        assert_eq!(entry(&plan, server)?["outcome"], "planned", "{plan}");
    }
    for (path, original) in configs.iter().zip(&originals) {
        assert_eq!(
            &std::fs::read(path)?,
            original,
            "{} unchanged",
            path.display()
        );
    }
    let (ok, slots) = cli_json(cli(&service, &data)?.args(["slots", "list", "--json"]))?;
    assert!(ok && slots == json!([]), "no slot after a dry run: {slots}");

    // The migration: each key in a slot, each entry the client's form.
    let (ok, report) = migrate(&[])?;
    assert!(
        !ok,
        "the revoked key stays, so the exit code says so: {report}"
    );
    let claude = entry(&report, "mk-claude")?;
    assert_eq!(claude["outcome"], "migrated", "{report}");
    assert_eq!(claude["via"], "helper");
    assert_eq!(claude["slot"], "claude-code-mk-claude");
    assert_eq!(claude["afterRoll"], "reconnect");
    let gemini = entry(&report, "mk-gemini")?;
    assert_eq!(gemini["outcome"], "migrated", "{report}");
    assert_eq!(gemini["via"], "env");
    assert_eq!(gemini["envVar"], "MCP_KEY_GEMINI_CLI_MK_GEMINI");
    let cursor = entry(&report, "mk-cursor")?;
    assert_eq!(cursor["outcome"], "migrated", "{report}");
    assert_eq!(cursor["via"], "env");
    assert_eq!(
        cursor["droppedFields"],
        json!([]),
        "the rewrite keeps the entry's own fields (`timeout`): {report}"
    );
    let cursor_text = std::fs::read_to_string(&cursor_json)?;
    assert!(cursor_text.contains("\"timeout\": 30"), "{cursor_text}");
    let old = entry(&report, "mk-old")?;
    assert_eq!(old["outcome"], "left", "{report}");
    assert_eq!(old["reason"], "revoked");
    assert!(
        old["message"]
            .as_str()
            .is_some_and(|message| message.contains("roll or revoke it instead")),
        "{old}"
    );
    for key in [&claude_key, &gemini_key, &cursor_key, &old_key] {
        assert!(
            !report.to_string().contains(key.as_str()),
            "no key in the report"
        );
    }
    for key in [&claude_key, &gemini_key, &cursor_key] {
        assert_eq!(
            any_file_holds(&home, key)?,
            None,
            "no file under the home holds a migrated key"
        );
    }
    let cursor_text = std::fs::read_to_string(&cursor_json)?;
    assert!(
        cursor_text.contains(&old_key),
        "the revoked key is left: {cursor_text}"
    );
    assert!(
        cursor_text.contains("// Cursor reads JSON with comments"),
        "the rest of the file stays: {cursor_text}"
    );

    // Undo puts every file back, byte for byte.
    let (ok, undo) = cli_json(cli(&service, &data)?.args(["migrate", "--undo", "--json"]))?;
    assert!(ok, "{undo}");
    for (path, original) in configs.iter().zip(&originals) {
        assert_eq!(undone(&undo, path)?, "restored", "{undo}");
        assert_eq!(
            &std::fs::read(path)?,
            original,
            "{} restored",
            path.display()
        );
    }

    // Migrated again, the clients connect through the keyring: Claude Code
    // runs the headers helper, Gemini CLI gets its variable from `run`.
    let (_, again) = migrate(&[])?;
    assert_eq!(
        entry(&again, "mk-claude")?["outcome"],
        "migrated",
        "{again}"
    );
    assert_eq!(
        entry(&again, "mk-gemini")?["outcome"],
        "migrated",
        "{again}"
    );
    let listed = clients.run(client(&clients, "claude", &project)?.args(["mcp", "list"]))?;
    assert!(connected(&listed.stdout, "mk-claude"), "{}", listed.stdout);
    let listed = gemini_list(&clients, &project)?;
    assert!(
        !connected(&listed, "mk-gemini"),
        "without `mcp-keys run` the variable is not set: {listed}"
    );
    let gemini_command = clients.command("gemini", &project);
    let mut run = Command::new(mcp_keys_e2e::mcp_keys_binary()?);
    run.env_clear();
    for (name, value) in gemini_command.get_envs() {
        if let Some(value) = value {
            run.env(name, value);
        }
    }
    run.env("DBUS_SESSION_BUS_ADDRESS", bus()?)
        .env("MCP_KEYS_DATA_DIR", &data)
        .current_dir(&project)
        .args(["run", "--slot", "gemini-cli-mk-gemini", "--"])
        .arg(gemini_command.get_program())
        .args(["mcp", "list"]);
    let output = clients.run(&mut run)?;
    let listed = format!("{}{}", output.stdout, output.stderr);
    assert!(connected(&listed, "mk-gemini"), "{listed}");

    // A file a client wrote since the migration is left by the undo (Claude
    // Code keeps its own state in ~/.claude.json); the others go back.
    let (_, undo) = cli_json(cli(&service, &data)?.args(["migrate", "--undo", "--json"]))?;
    for (path, original) in configs.iter().zip(&originals) {
        match undone(&undo, path)? {
            "restored" => assert_eq!(&std::fs::read(path)?, original),
            "changed_since" => {
                let text = std::fs::read_to_string(path)?;
                assert!(
                    !text.contains(&claude_key) && !text.contains(&gemini_key),
                    "a file changed since keeps its migrated entries: {text}"
                );
            }
            other => anyhow::bail!("{} {other}: {undo}", path.display()),
        }
    }
    assert_eq!(undone(&undo, &cursor_json)?, "restored", "{undo}");
    Ok(())
}
