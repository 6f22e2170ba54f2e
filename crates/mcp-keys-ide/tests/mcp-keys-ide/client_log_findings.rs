//! `client_log_auth_failure` (DESIGN §10): log events and the service's
//! refusals joined with the config entries and keys they came from.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use mcp_keys_core::{Environment, Fingerprint};
use mcp_keys_ide::logs::{
    ClientLogEvent, ClientLogs, LogEvent, LogEventKind, LogSourceRead, UnreadableLog,
};
use mcp_keys_ide::{
    ClientId, Collected, DiscoverOptions, Finding, FindingCode, FixAction, KnownKey, Os,
    ServiceFailure, Severity, client_log_findings, collect,
};

use crate::support::{key, known};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A home with Claude Code's `docs` (K01) and `notes` (K02) servers and
/// Gemini CLI's `docs` (K01 too).
fn home() -> Result<(tempfile::TempDir, Collected)> {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    fs::create_dir_all(home.join(".gemini"))?;
    let entry = |name: &str| {
        serde_json::json!({
            "type": "http",
            "url": "http://127.0.0.1:7410/v1/products/p/surfaces/s/mcp",
            "headers": {"Authorization": format!("Bearer {}", key(name))}
        })
    };
    fs::write(
        home.join(".claude.json"),
        serde_json::json!({"mcpServers": {"docs": entry("K01"), "notes": entry("K02")}})
            .to_string(),
    )?;
    fs::write(
        home.join(".gemini/settings.json"),
        serde_json::json!({"mcpServers": {"docs": entry("K01")}}).to_string(),
    )?;
    let mut options = DiscoverOptions::new(&home);
    options.os = Os::Linux;
    options.use_project_records = false;
    let collected = collect(&options);
    Ok((dir, collected))
}

/// K01 revoked a day before `now`, K02 active.
fn lookup(now: DateTime<Utc>) -> HashMap<Fingerprint, KnownKey> {
    let mut revoked = known("K01", Environment::Development);
    revoked.is_active = false;
    revoked.revoked_at = Some(now - Duration::days(1));
    let mut lookup = HashMap::new();
    lookup.insert(Fingerprint::of(&key("K01")), revoked);
    lookup.insert(
        Fingerprint::of(&key("K02")),
        known("K02", Environment::Production),
    );
    lookup
}

fn event(client: ClientId, server: &str, at: DateTime<Utc>, kind: LogEventKind) -> ClientLogEvent {
    ClientLogEvent {
        client,
        log_path: PathBuf::from(format!("/logs/{client}/{server}.log")),
        event: LogEvent {
            at,
            server: Some(server.to_owned()),
            status: matches!(kind, LogEventKind::AuthFailure).then_some(401),
            reason: None,
            description: Some("Server rejected the configured Authorization header".to_owned()),
            kind,
            cwd: None,
        },
    }
}

fn failure(key_id: &str, reason: &str, at: DateTime<Utc>, client: Option<&str>) -> ServiceFailure {
    ServiceFailure {
        key_id: key_id.to_owned(),
        reason: Some(reason.to_owned()),
        at,
        count: 3,
        client: client.map(str::to_owned),
        capability: None,
    }
}

fn of_code(findings: &[Finding], code: FindingCode) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|finding| finding.code == code)
        .collect()
}

fn path_ends(finding: &Finding, suffix: &str) -> bool {
    finding
        .config_path
        .as_deref()
        .is_some_and(|path| Path::new(path).ends_with(suffix))
}

#[test]
fn a_refusal_in_claude_codes_log_is_explained_with_the_services_reason() -> Result {
    let (_dir, collected) = home()?;
    let now = Utc::now();
    let at = now - Duration::minutes(5);
    let logs = ClientLogs {
        events: vec![event(
            ClientId::ClaudeCode,
            "docs",
            at,
            LogEventKind::AuthFailure,
        )],
        sources: Vec::new(),
    };
    let failures = [failure(
        "key_K01",
        "revoked",
        at - Duration::minutes(20),
        Some("claude-code"),
    )];
    let findings = client_log_findings(&collected, &lookup(now), &logs, &failures, now);
    let found = of_code(&findings, FindingCode::ClientLogAuthFailure);
    assert_eq!(found.len(), 1, "{findings:#?}");
    let finding = found[0];
    assert_eq!(finding.client, Some(ClientId::ClaudeCode));
    assert!(path_ends(finding, ".claude.json"), "{finding:?}");
    assert_eq!(finding.detail.at, Some(at));
    assert_eq!(finding.detail.status, Some(401));
    assert_eq!(finding.detail.reason.as_deref(), Some("revoked"));
    assert_eq!(finding.detail.key_id.as_deref(), Some("key_K01"));
    assert_eq!(
        finding.detail.log_path.as_deref(),
        Some("/logs/claude-code/docs.log")
    );
    assert_eq!(finding.severity, Severity::Error);
    assert!(
        finding
            .message
            .starts_with("Claude Code got 401 Invalid API key at "),
        "{}",
        finding.message
    );
    assert!(
        finding
            .message
            .contains("because 'MCP - K01' was revoked yesterday at "),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("refused it 3 times"),
        "{}",
        finding.message
    );
    assert!(
        matches!(&finding.detail.action, Some(FixAction::Install { client: ClientId::ClaudeCode, surface_id, .. }) if surface_id == "srf_K01"),
        "{finding:?}"
    );
    // Gemini CLI holds the same key but keeps no log: the service's
    // refusal named Claude Code, so Gemini CLI gets no finding.
    assert!(
        found
            .iter()
            .all(|finding| finding.client != Some(ClientId::GeminiCli))
    );
    Ok(())
}

#[test]
fn a_client_without_a_log_is_seen_through_the_services_audit() -> Result {
    let (_dir, collected) = home()?;
    let now = Utc::now();
    let at = now - Duration::minutes(3);
    let failures = [failure(
        "key_K01",
        "revoked",
        at,
        Some("gemini-cli-mcp-client"),
    )];
    let findings = client_log_findings(
        &collected,
        &lookup(now),
        &ClientLogs::default(),
        &failures,
        now,
    );
    let found = of_code(&findings, FindingCode::ClientLogAuthFailure);
    assert_eq!(found.len(), 1, "{findings:#?}");
    let finding = found[0];
    assert_eq!(finding.client, Some(ClientId::GeminiCli));
    assert!(path_ends(finding, ".gemini/settings.json"), "{finding:?}");
    assert_eq!(finding.detail.log_path, None);
    assert_eq!(finding.detail.at, Some(at));
    assert_eq!(finding.detail.reason.as_deref(), Some("revoked"));
    assert!(
        finding
            .message
            .contains("the key service's audit: this client keeps no log"),
        "{}",
        finding.message
    );
    Ok(())
}

#[test]
fn a_scope_refusal_is_permission_denied_with_the_capability() -> Result {
    let (_dir, collected) = home()?;
    let now = Utc::now();
    let mut refused = failure("key_K02", "scope", now, Some("claude-code"));
    refused.capability = Some("search".to_owned());
    let findings = client_log_findings(
        &collected,
        &lookup(now),
        &ClientLogs::default(),
        &[refused],
        now,
    );
    let found = of_code(&findings, FindingCode::ClientLogAuthFailure);
    assert_eq!(found.len(), 1, "{findings:#?}");
    let finding = found[0];
    assert_eq!(finding.detail.status, Some(403));
    assert!(
        finding.message.contains("403 Permission denied") && finding.message.contains("\"search\""),
        "{}",
        finding.message
    );
    assert!(
        matches!(&finding.detail.action, Some(FixAction::WidenScope { capability, .. }) if capability == "search")
    );
    // The key works otherwise: a warning, not an error.
    assert_eq!(finding.severity, Severity::Warning);
    Ok(())
}

#[test]
fn a_failure_fixed_since_by_rewriting_the_config_is_not_reported() -> Result {
    let (_dir, collected) = home()?;
    let now = Utc::now();
    // K02 works, and .claude.json was written after this old refusal.
    let logs = ClientLogs {
        events: vec![event(
            ClientId::ClaudeCode,
            "notes",
            now - Duration::hours(3),
            LogEventKind::AuthFailure,
        )],
        sources: Vec::new(),
    };
    let findings = client_log_findings(&collected, &lookup(now), &logs, &[], now);
    assert!(
        of_code(&findings, FindingCode::ClientLogAuthFailure).is_empty(),
        "{findings:#?}"
    );
    Ok(())
}

#[test]
fn oauth_started_counts_only_for_a_server_configured_with_a_key() -> Result {
    let (_dir, collected) = home()?;
    let now = Utc::now();
    let logs = ClientLogs {
        events: vec![
            event(
                ClientId::ClaudeCode,
                "docs",
                now - Duration::minutes(1),
                LogEventKind::OAuthStarted,
            ),
            event(
                ClientId::ClaudeCode,
                "not-configured",
                now - Duration::minutes(1),
                LogEventKind::OAuthStarted,
            ),
        ],
        sources: Vec::new(),
    };
    let findings = client_log_findings(&collected, &lookup(now), &logs, &[], now);
    let found = of_code(&findings, FindingCode::ClientLogAuthFailure);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0]
            .message
            .contains("started an OAuth sign-in for server \"docs\""),
        "{}",
        found[0].message
    );
    // A line about OAuth is no proof that the server advertised it.
    assert!(!found[0].message.contains("advertis"));
    Ok(())
}

#[test]
fn an_unreadable_log_is_reported_not_guessed_at() -> Result {
    let (_dir, collected) = home()?;
    let logs = ClientLogs {
        events: Vec::new(),
        sources: vec![LogSourceRead {
            client: ClientId::CopilotCli,
            files: Vec::new(),
            unreadable: vec![UnreadableLog {
                path: "/home/u/.copilot/logs/process-1-2.log".to_owned(),
                message: "permission denied".to_owned(),
            }],
            no_log: None,
            measured: true,
        }],
    };
    let now = Utc::now();
    let findings = client_log_findings(&collected, &lookup(now), &logs, &[], now);
    let found = of_code(&findings, FindingCode::ClientLogUnreadable);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(
        found[0].detail.log_path.as_deref(),
        Some("/home/u/.copilot/logs/process-1-2.log")
    );
    Ok(())
}

#[test]
fn finding_json_has_the_design_fields_only_when_known() -> Result {
    let (_dir, collected) = home()?;
    let now = Utc::now();
    let failures = [failure("key_K01", "revoked", now, Some("gemini"))];
    let findings = client_log_findings(
        &collected,
        &lookup(now),
        &ClientLogs::default(),
        &failures,
        now,
    );
    let json = serde_json::to_value(&findings[0])?;
    for field in [
        "severity",
        "code",
        "client",
        "configPath",
        "keyPrefix",
        "message",
        "fix",
        "at",
        "status",
        "reason",
        "keyId",
        "action",
    ] {
        assert!(json.get(field).is_some(), "{field} in {json}");
    }
    assert!(json.get("logPath").is_none(), "{json}");
    assert_eq!(json["code"], "client_log_auth_failure");
    assert_eq!(json["action"]["kind"], "install");
    let back: Finding = serde_json::from_value(json)?;
    assert_eq!(back, findings[0]);
    Ok(())
}
