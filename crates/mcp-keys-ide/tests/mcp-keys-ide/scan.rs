//! The scan of the fixture home: every key with the right client, place and
//! status, and nothing else.

use std::fs;
use std::path::{Path, PathBuf};

use mcp_keys_core::Sensitive;
use mcp_keys_ide::{
    ClientId, InstallRequest, KeyStatus, KeyStorage, ScanEntry, Scope, SlotKey, Via, install,
    mechanisms, registry, scan, slot_env_var,
};

use crate::support::{copy_fixtures, fixture_lookup, key, key_name, now, options};

/// An expected entry: client, config path relative to the fixture root,
/// scope, server, field, key name (or foreign prefix), status, variable.
type Expected = (
    ClientId,
    &'static str,
    Scope,
    &'static str,
    &'static str,
    Option<&'static str>,
    KeyStatus,
    Option<&'static str>,
);

fn summarize(
    root: &Path,
    entry: &ScanEntry,
) -> (
    ClientId,
    String,
    Scope,
    String,
    String,
    Option<String>,
    KeyStatus,
    Option<String>,
) {
    let path = entry
        .config_path
        .strip_prefix(&format!("{}/", root.display()))
        .unwrap_or(&entry.config_path)
        .to_owned();
    let key = entry
        .fingerprint
        .as_ref()
        .and_then(key_name)
        .or_else(|| entry.key_prefix.clone());
    (
        entry.client,
        path,
        entry.scope,
        entry.server_name.clone(),
        entry.field.clone(),
        key,
        entry.status,
        entry.env_var.clone(),
    )
}

#[test]
fn the_fixture_home_yields_every_key_with_its_client_and_status_and_nothing_else()
-> Result<(), Box<dyn std::error::Error>> {
    use ClientId::*;
    use KeyStatus::*;
    use Scope::*;
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    copy_fixtures("projects", dir.path())?;
    let k01 = key("K01");
    let k04 = key("K04");
    let env = [
        ("MCP_TEAM_KEY", k04.as_str()),
        ("CODEX_DOCS_KEY", k01.as_str()),
    ];
    let report = scan(&options(dir.path(), &env), &fixture_lookup(), now());
    assert_eq!(report.problems, Vec::new(), "every fixture parses");

    let mut found: Vec<_> = report
        .entries
        .iter()
        .map(|entry| summarize(dir.path(), entry))
        .collect();
    found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    let expected: Vec<Expected> = vec![
        (
            ClaudeDesktop,
            "home/.config/Claude/claude_desktop_config.json",
            Global,
            "docs-remote",
            "args.4",
            Some("K01"),
            Active,
            None,
        ),
        (
            ClaudeDesktop,
            "home/.config/Claude/claude_desktop_config.json",
            Global,
            "billing",
            "env.AUTH_HEADER",
            Some("K02"),
            Active,
            None,
        ),
        (
            ClaudeCode,
            "home/.claude.json",
            Global,
            "keys-local",
            "headers.Authorization",
            Some("K03"),
            Revoked,
            None,
        ),
        (
            ClaudeCode,
            "home/.claude.json",
            Global,
            "team",
            "headers.Authorization",
            Some("K04"),
            EnvReference,
            Some("MCP_TEAM_KEY"),
        ),
        (
            ClaudeCode,
            "projects/webapp/.mcp.json",
            Project,
            "staging",
            "headers.Authorization",
            Some("K05"),
            Expired,
            None,
        ),
        (
            ClaudeCode,
            "projects/webapp/.mcp.json",
            Project,
            "staging",
            "headers.X-Trace",
            None,
            EnvReference,
            Some("TRACE_ID"),
        ),
        // Copilot CLI reads a project's .mcp.json as well.
        (
            CopilotCli,
            "projects/webapp/.mcp.json",
            Project,
            "staging",
            "headers.Authorization",
            Some("K05"),
            Expired,
            None,
        ),
        (
            CopilotCli,
            "projects/webapp/.mcp.json",
            Project,
            "staging",
            "headers.X-Trace",
            None,
            EnvReference,
            Some("TRACE_ID"),
        ),
        (
            Cursor,
            "home/.cursor/mcp.json",
            Global,
            "keys",
            "headers.Authorization",
            Some("K06"),
            Unknown,
            None,
        ),
        (
            Cursor,
            "home/.cursor/mcp.json",
            Global,
            "search",
            "headers.Authorization",
            None,
            EnvReference,
            Some("CURSOR_SEARCH_KEY"),
        ),
        (
            Cursor,
            "projects/webapp/.cursor/mcp.json",
            Project,
            "typo",
            "headers.Authorization",
            Some("K07BAD"),
            ChecksumError,
            None,
        ),
        (
            Vscode,
            "home/.config/Code/User/mcp.json",
            Global,
            "keys",
            "headers.Authorization",
            None,
            EnvReference,
            Some("input:keys-token"),
        ),
        (
            Vscode,
            "home/.config/Code/User/mcp.json",
            Global,
            "reports",
            "headers.Authorization",
            Some("K08"),
            Active,
            None,
        ),
        (
            Vscode,
            "home/.config/Code/User/settings.json",
            Global,
            "third-party",
            "headers.Authorization",
            Some("mcp_live"),
            Foreign,
            None,
        ),
        (
            Vscode,
            "home/.config/Code - Insiders/User/mcp.json",
            Global,
            "prod-reports",
            "headers.Authorization",
            Some("K09"),
            Active,
            None,
        ),
        (
            Vscode,
            "projects/tools/.vscode/mcp.json",
            Project,
            "team",
            "headers.Authorization",
            None,
            EnvReference,
            Some("TEAM_MCP_KEY"),
        ),
        (
            Windsurf,
            "home/.codeium/windsurf/mcp_config.json",
            Global,
            "keys",
            "headers.Authorization",
            Some("K10"),
            Active,
            None,
        ),
        (
            Zed,
            "home/.config/zed/settings.json",
            Global,
            "keys",
            "headers.Authorization",
            Some("K11"),
            Active,
            None,
        ),
        (
            Zed,
            "projects/given/.zed/settings.json",
            Project,
            "keys",
            "headers.Authorization",
            Some("K04"),
            Active,
            None,
        ),
        (
            Cline,
            "home/.cline/data/settings/cline_mcp_settings.json",
            Global,
            "keys",
            "headers.Authorization",
            Some("K13"),
            Active,
            None,
        ),
        (
            Continue,
            "home/.continue/config.yaml",
            Global,
            "keys",
            "requestOptions.headers.Authorization",
            Some("K14"),
            Active,
            None,
        ),
        (
            Continue,
            "home/.continue/config.yaml",
            Global,
            "vault",
            "requestOptions.headers.Authorization",
            None,
            EnvReference,
            Some("secrets.VAULT_MCP_KEY"),
        ),
        (
            Continue,
            "projects/tools/.continue/mcpServers/team.yaml",
            Project,
            "team-docs",
            "requestOptions.headers.Authorization",
            Some("K15"),
            Active,
            None,
        ),
        (
            GeminiCli,
            "home/.gemini/settings.json",
            Global,
            "keys",
            "headers.Authorization",
            Some("K16"),
            Active,
            None,
        ),
        (
            GeminiCli,
            "home/.gemini/settings.json",
            Global,
            "search",
            "headers.Authorization",
            None,
            EnvReference,
            Some("GEMINI_SEARCH_KEY"),
        ),
        (
            GeminiCli,
            "projects/given/.gemini/settings.json",
            Project,
            "keys",
            "headers.Authorization",
            Some("K04"),
            Active,
            None,
        ),
        (
            Codex,
            "home/.codex/config.toml",
            Global,
            "docs",
            "bearer_token_env_var",
            Some("K01"),
            EnvReference,
            Some("CODEX_DOCS_KEY"),
        ),
        (
            Codex,
            "home/.codex/config.toml",
            Global,
            "reports",
            "http_headers.Authorization",
            Some("K18"),
            Active,
            None,
        ),
        (
            Codex,
            "projects/given/.codex/config.toml",
            Project,
            "project-docs",
            "env_http_headers.X-Api-Key",
            None,
            EnvReference,
            Some("PROJECT_DOCS_KEY"),
        ),
        (
            CopilotCli,
            "home/.copilot/mcp-config.json",
            Global,
            "keys",
            "headers.Authorization",
            Some("K19"),
            Active,
            None,
        ),
        (
            CopilotCli,
            "projects/given/.github/mcp.json",
            Project,
            "keys",
            "headers.Authorization",
            Some("K17"),
            Active,
            None,
        ),
    ];
    let mut expected: Vec<_> = expected
        .into_iter()
        .map(|(client, path, scope, server, field, key, status, var)| {
            (
                client,
                path.to_owned(),
                scope,
                server.to_owned(),
                field.to_owned(),
                key.map(str::to_owned),
                status,
                var.map(str::to_owned),
            )
        })
        .collect();
    expected.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(found, expected);
    Ok(())
}

#[test]
fn a_set_variable_reports_the_status_of_the_key_it_holds() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    copy_fixtures("projects", dir.path())?;
    let k03 = key("K03");
    let report = scan(
        &options(dir.path(), &[("MCP_TEAM_KEY", k03.as_str())]),
        &fixture_lookup(),
        now(),
    );
    let team = report
        .entries
        .iter()
        .find(|entry| entry.env_var.as_deref() == Some("MCP_TEAM_KEY"))
        .ok_or("the reference is reported")?;
    assert_eq!(team.status, KeyStatus::EnvReference);
    assert_eq!(
        team.resolved_status,
        Some(KeyStatus::Revoked),
        "the revoked key behind the variable shows"
    );
    assert_eq!(team.key_id.as_deref(), Some("key_K03"));
    Ok(())
}

#[test]
fn scan_json_has_the_field_names_of_design_section_5() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    let report = scan(&options(dir.path(), &[]), &fixture_lookup(), now());
    let entry = report
        .entries
        .iter()
        .find(|entry| entry.client == ClientId::Windsurf)
        .ok_or("windsurf entry")?;
    let json = serde_json::to_value(entry)?;
    for field in [
        "client",
        "configPath",
        "scope",
        "serverName",
        "url",
        "keyPrefix",
        "fingerprint",
        "keyId",
        "surfaceId",
        "status",
    ] {
        assert!(json.get(field).is_some(), "{field} is present");
    }
    assert_eq!(json["client"], "windsurf");
    assert_eq!(json["scope"], "global");
    assert_eq!(json["status"], "active");
    assert_eq!(json["fingerprint"].as_str().map(str::len), Some(64));
    assert!(
        !json.to_string().contains(&key("K10")),
        "the key itself is never in the report"
    );
    Ok(())
}

/// The surface the keyring tests install.
const URL: &str = "http://127.0.0.1:7410/v1/products/p1/surfaces/s1/mcp";

/// A keyring install under `home`: the client, the server's name, the slot
/// and the variable `mcp-keys run` sets.
pub struct Install {
    pub client: ClientId,
    pub via: Via,
    pub server: String,
    pub slot: String,
    pub env_var: String,
    pub config_path: PathBuf,
}

/// Installs `via` into `client`'s global config under `home` (server
/// `docs-<via>`, slot `<client>-docs-<via>`), as `mcp-keys keys install`
/// writes it.
pub fn install_slot(
    home: &Path,
    client: ClientId,
    via: Via,
) -> Result<Install, Box<dyn std::error::Error>> {
    let server = format!("docs-{}", via.as_str());
    let slot = format!("{client}-{server}");
    let env_var = slot_env_var(&slot);
    let installed = install(&InstallRequest {
        client,
        via,
        scope: Scope::Global,
        home,
        project: None,
        server_name: &server,
        url: URL,
        slot: &slot,
        env_var: &env_var,
        program: Path::new("/opt/MCP Keys/bin/mcp-keys"),
        key: None,
    })?;
    Ok(Install {
        client,
        via,
        server,
        slot,
        env_var,
        config_path: installed.config_path,
    })
}

/// The slot map a caller gives after reading the keyring: `slot` holds the
/// fixture key `name`.
pub fn slot_key(slot: &str, name: &str) -> (String, SlotKey) {
    let key = SlotKey {
        key: Sensitive::new(key(name)),
        url: Some(URL.to_owned()),
    };
    (slot.to_owned(), key)
}

#[test]
fn every_install_that_names_a_slot_scans_as_keyring_with_the_status_of_the_slots_key()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    fs::create_dir_all(&home)?;
    let mut installs = Vec::new();
    for spec in registry::clients() {
        for via in mechanisms(spec.id) {
            if matches!(via, Via::Helper | Via::Bridge | Via::Env) {
                installs.push(install_slot(&home, spec.id, via)?);
            }
        }
    }
    assert!(installs.len() > 15, "every client has a keyring form");
    let mut options = options(dir.path(), &[]);
    // K03 is revoked in the fixture lookup: the status shown is the key's.
    options.slots = installs
        .iter()
        .map(|install| slot_key(&install.slot, "K03"))
        .collect();
    let report = scan(&options, &fixture_lookup(), now());
    for install in &installs {
        let what = format!("{} through {}", install.client, install.via.as_str());
        let entries: Vec<&ScanEntry> = report
            .entries
            .iter()
            .filter(|entry| entry.client == install.client && entry.server_name == install.server)
            .collect();
        let [entry] = entries[..] else {
            panic!("{what}: one entry, not {entries:?}");
        };
        assert_eq!(entry.storage, KeyStorage::Keyring, "{what}");
        assert_eq!(entry.slot.as_deref(), Some(install.slot.as_str()), "{what}");
        assert_eq!(
            entry.status,
            KeyStatus::Revoked,
            "{what}: the slot key's status"
        );
        assert_eq!(entry.key_id.as_deref(), Some("key_K03"), "{what}");
        assert_eq!(
            entry.key_prefix.as_deref(),
            Some(&key("K03")[..16]),
            "{what}"
        );
        assert_eq!(entry.url.as_deref(), Some(URL), "{what}");
        assert_eq!(entry.status_reason, None, "{what}");
        let variable = (install.via == Via::Env).then_some(install.env_var.as_str());
        assert_eq!(entry.env_var.as_deref(), variable, "{what}");
        assert_eq!(entry.span, None, "{what}: nothing to edit in the file");
    }
    let json = serde_json::to_value(&report.entries[0])?;
    assert_eq!(json["storage"], "keyring");
    assert!(json["slot"].is_string());
    assert!(
        !json.to_string().contains(&key("K03")),
        "the slot's key itself is never in the report"
    );
    Ok(())
}

#[test]
fn a_slot_the_caller_could_not_read_is_unknown_and_says_how_to_fix_it()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    fs::create_dir_all(&home)?;
    let install = install_slot(&home, ClientId::ClaudeDesktop, Via::Bridge)?;
    let report = scan(&options(dir.path(), &[]), &fixture_lookup(), now());
    let [entry] = &report.entries[..] else {
        panic!("one entry, not {:?}", report.entries);
    };
    assert_eq!(entry.storage, KeyStorage::Keyring);
    assert_eq!(entry.slot.as_deref(), Some(install.slot.as_str()));
    assert_eq!(entry.status, KeyStatus::Unknown);
    assert_eq!(entry.key_prefix, None, "no key was read");
    let reason = entry.status_reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains(&install.slot)
            && reason.contains("mcp-keys slots list")
            && reason.contains("--client claude-desktop"),
        "the reason names the slot and the fixes: {reason}"
    );
    Ok(())
}

#[test]
fn plaintext_keys_are_stored_in_the_config_and_references_in_the_environment()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    copy_fixtures("projects", dir.path())?;
    let report = scan(&options(dir.path(), &[]), &fixture_lookup(), now());
    for entry in &report.entries {
        let storage = if entry.status == KeyStatus::EnvReference {
            KeyStorage::Environment
        } else {
            KeyStorage::Config
        };
        assert_eq!(entry.storage, storage, "{entry:?}");
        assert_eq!(entry.slot, None);
    }
    Ok(())
}
