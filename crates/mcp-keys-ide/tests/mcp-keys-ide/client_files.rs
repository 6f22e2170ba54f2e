//! Layouts the real clients write: a key in two scopes of
//! `~/.claude.json`, one `.mcp.json` read by two clients, Codex's shell
//! snapshots, and the shell lines that set a variable.

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use mcp_keys_core::{ApiKey, Environment, Fingerprint};
use mcp_keys_ide::edit::{EditOptions, Target, replace_key};
use mcp_keys_ide::{
    ClientId, DiscoverOptions, FindingCode, Os, Severity, assignments, collect, doctor,
};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn options(home: &Path, projects: &[&Path]) -> DiscoverOptions {
    let mut options = DiscoverOptions::new(home);
    options.os = Os::Linux;
    options.projects = projects.iter().map(|path| path.to_path_buf()).collect();
    options.use_project_records = false;
    options.env = HashMap::new();
    options
}

fn server(key: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "http",
        "url": "http://127.0.0.1:7410/v1/products/p/surfaces/s/mcp",
        "headers": {"Authorization": format!("Bearer {key}")}
    })
}

#[test]
fn a_roll_names_each_place_of_the_key_as_a_json_pointer() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    fs::create_dir_all(&home)?;
    let key = ApiKey::generate(Environment::Development)?;
    let key = key.expose_secret();
    // What `claude mcp add --scope user` and `--scope local` write: the
    // project's path (slashes, and here a tilde) is a member name.
    let project = "/home/ada/code/a~b";
    let claude = serde_json::json!({
        "mcpServers": {"docs": server(key)},
        "projects": {project: {"mcpServers": {"docs-local": server(key)}, "allowedTools": []}}
    });
    let path = home.join(".claude.json");
    fs::write(&path, serde_json::to_string_pretty(&claude)?)?;
    let collected = collect(&options(&home, &[]));
    let occurrence = collected
        .occurrences
        .iter()
        .find(|occurrence| occurrence.file.client == ClientId::ClaudeCode)
        .ok_or("the key in ~/.claude.json")?;
    let new_key = ApiKey::generate(Environment::Development)?;
    let outcome = replace_key(
        &Target::from(occurrence),
        &Fingerprint::of(key),
        &new_key,
        &EditOptions {
            backup_dir: dir.path().join("backups"),
            ..EditOptions::default()
        },
    )?;
    assert_eq!(outcome.replaced, 2);
    assert_eq!(
        outcome.places,
        [
            "/mcpServers/docs/headers/Authorization",
            "/projects/~1home~1ada~1code~1a~0b/mcpServers/docs-local/headers/Authorization",
        ]
    );
    assert!(!fs::read_to_string(&path)?.contains(key));

    // TOML tables read as their JSON equivalent.
    let codex = home.join(".codex/config.toml");
    fs::create_dir_all(codex.parent().ok_or("folder")?)?;
    let new = new_key.expose_secret();
    fs::write(
        &codex,
        format!(
            "[mcp_servers.docs]\nurl = \"http://127.0.0.1:7410/mcp\"\nhttp_headers = {{ Authorization = \"Bearer {new}\" }}\n"
        ),
    )?;
    let collected = collect(&options(&home, &[]));
    let occurrence = collected
        .occurrences
        .iter()
        .find(|occurrence| occurrence.file.client == ClientId::Codex)
        .ok_or("the key in config.toml")?;
    let newer = ApiKey::generate(Environment::Development)?;
    let outcome = replace_key(
        &Target::from(occurrence),
        &new_key.fingerprint(),
        &newer,
        &EditOptions {
            backup_dir: dir.path().join("backups"),
            ..EditOptions::default()
        },
    )?;
    assert_eq!(
        outcome.places,
        ["/mcp_servers/docs/http_headers/Authorization"]
    );
    Ok(())
}

#[test]
fn a_project_mcp_json_is_read_for_claude_code_and_copilot_cli_and_is_not_sharing() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let project = dir.path().join("app");
    fs::create_dir_all(&home)?;
    fs::create_dir_all(project.join(".github"))?;
    let key = ApiKey::generate(Environment::Development)?;
    let file = serde_json::json!({"mcpServers": {"docs": server(key.expose_secret())}});
    fs::write(project.join(".mcp.json"), file.to_string())?;
    let other = ApiKey::generate(Environment::Development)?;
    let file = serde_json::json!({"mcpServers": {"gh": server(other.expose_secret())}});
    fs::write(project.join(".github/mcp.json"), file.to_string())?;

    let collected = collect(&options(&home, &[&project]));
    let readers = |name: &str| -> Vec<ClientId> {
        let mut clients: Vec<ClientId> = collected
            .occurrences
            .iter()
            .filter(|occurrence| occurrence.file.path.ends_with(name))
            .map(|occurrence| occurrence.file.client)
            .collect();
        clients.sort();
        clients
    };
    assert_eq!(
        readers(".mcp.json"),
        [ClientId::ClaudeCode, ClientId::CopilotCli]
    );
    assert_eq!(readers(".github/mcp.json"), [ClientId::CopilotCli]);

    let report = doctor(&collected, &HashMap::new(), chrono::Utc::now());
    assert!(
        !report
            .findings
            .iter()
            .any(|finding| finding.code == FindingCode::KeySharedBetweenClients),
        "one file read by two clients is one place: {:?}",
        report.findings
    );
    Ok(())
}

#[test]
fn keys_in_codex_shell_snapshots_are_found_with_how_to_remove_them() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let snapshots = home.join(".codex/shell_snapshots");
    fs::create_dir_all(&snapshots)?;
    let key = ApiKey::generate(Environment::Development)?;
    // What Codex 0.171.0 writes at the start of a session.
    let snapshot = snapshots.join("019ab.1796456853419236387.sh");
    fs::write(
        &snapshot,
        format!(
            "# Snapshot file\nunalias -a 2>/dev/null || true\ndeclare -x HOME=\"/home/ada\"\ndeclare -x MK_KEY=\"{}\"\n",
            key.expose_secret()
        ),
    )?;
    fs::set_permissions(&snapshot, fs::Permissions::from_mode(0o644))?;
    // A link in the folder is not Codex's own file: not followed.
    let elsewhere = dir.path().join("elsewhere.sh");
    let linked = ApiKey::generate(Environment::Development)?;
    fs::write(&elsewhere, format!("MK={}\n", linked.expose_secret()))?;
    std::os::unix::fs::symlink(&elsewhere, snapshots.join("link.sh"))?;

    let collected = collect(&options(&home, &[]));
    let report = doctor(&collected, &HashMap::new(), chrono::Utc::now());
    let copies: Vec<_> = report
        .findings
        .iter()
        .filter(|finding| finding.code == FindingCode::KeyInClientCopy)
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    let copy = copies[0];
    assert_eq!(copy.severity, Severity::Error, "readable by every user");
    assert_eq!(copy.client, Some(ClientId::Codex));
    assert_eq!(copy.key_prefix.as_deref(), Some(key.key_prefix()));
    assert!(copy.message.contains("line 4"), "{}", copy.message);
    assert!(copy.fix.contains("rm '"), "{}", copy.fix);
    assert!(!copy.message.contains(key.expose_secret()));
    assert!(!copy.fix.contains(key.expose_secret()));

    fs::set_permissions(&snapshot, fs::Permissions::from_mode(0o600))?;
    let report = doctor(
        &collect(&options(&home, &[])),
        &HashMap::new(),
        chrono::Utc::now(),
    );
    let copy = report
        .findings
        .iter()
        .find(|finding| finding.code == FindingCode::KeyInClientCopy)
        .ok_or("still found")?;
    assert_eq!(copy.severity, Severity::Warning);
    Ok(())
}

#[test]
fn the_startup_lines_that_set_a_variable_are_found() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let project = dir.path().join("app");
    fs::create_dir_all(home.join(".config/environment.d"))?;
    fs::create_dir_all(home.join(".config/fish"))?;
    fs::create_dir_all(&project)?;
    fs::write(
        home.join(".bashrc"),
        "# keys\nexport PATH=$HOME/bin:$PATH\nexport MK_KEY=\"mcp_dev_x\"\n",
    )?;
    fs::write(
        home.join(".config/fish/config.fish"),
        "set -gx MK_KEY mcp_dev_x\n",
    )?;
    fs::write(
        home.join(".config/environment.d/50-keys.conf"),
        "OTHER=1\nMK_KEY=mcp_dev_x\n",
    )?;
    fs::write(project.join(".envrc"), "export MK_KEY_OLD=1\n")?;
    let found: Vec<String> = assignments(&home, &[project], Os::Linux, "MK_KEY")
        .iter()
        .map(|assignment| {
            let text = assignment.to_string();
            text.replace(&home.display().to_string(), "~")
        })
        .collect();
    assert_eq!(
        found,
        [
            "~/.bashrc:3",
            "~/.config/fish/config.fish:1",
            "~/.config/environment.d/50-keys.conf:2",
        ]
    );
    Ok(())
}
