//! The scan of the fixture home: every key with the right client, place and
//! status, and nothing else.

use mcp_keys_ide::{ClientId, KeyStatus, ScanEntry, Scope, scan};

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
    root: &std::path::Path,
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
