//! `client_log_auth_failure` (DESIGN §10) against a real key service: a
//! client that keeps no log (Gemini CLI) is refused, and doctor explains it
//! from the service's audit.

use std::fs;

use chrono::{Duration, Utc};
use mcp_keys_ide::{ClientId, FindingCode, FixAction};
use mcp_keys_manager::{KeyServices, ScanOptions};
use serde_json::json;

use crate::ide::Fixture;

type Result<T = ()> = anyhow::Result<T>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_client_without_a_log_is_explained_from_the_services_audit() -> Result {
    let fixture = Fixture::start().await?;
    let (key_id, key) = fixture.key("MCP - Gemini").await?;
    let (_, working) = fixture.key("MCP - Cursor").await?;
    let url = format!(
        "{}/v1/products/{}/surfaces/{}/mcp",
        fixture.service.url().trim_end_matches('/'),
        fixture.product_id,
        fixture.surface_id
    );
    let home = fixture.dir.path().join("home");
    fs::create_dir_all(home.join(".gemini"))?;
    fs::create_dir_all(home.join(".cursor"))?;
    let entry =
        |key: &str| json!({"httpUrl": url, "headers": {"Authorization": format!("Bearer {key}")}});
    fs::write(
        home.join(".gemini/settings.json"),
        json!({"mcpServers": {"docs": entry(&key)}}).to_string(),
    )?;
    fs::write(
        home.join(".cursor/mcp.json"),
        json!({"mcpServers": {"docs": entry(&working)}}).to_string(),
    )?;
    fixture
        .session
        .revoke_key(
            &fixture.product_id,
            &fixture.surface_id,
            &key_id,
            Utc::now(),
        )
        .await?;

    // Gemini CLI connects with the revoked key, as `gemini mcp list` would.
    let refused_at = Utc::now();
    let answer = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&key)
        .header("Accept", "application/json, text/event-stream")
        .json(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "gemini-cli-mcp-client", "version": "0.61.0"}}}),
        )
        .send()
        .await?;
    assert_eq!(answer.status(), reqwest::StatusCode::UNAUTHORIZED);

    let report = fixture
        .manager
        .doctor(
            &ScanOptions::for_home(&home),
            KeyServices::Saved,
            Utc::now(),
        )
        .await?;
    let failures: Vec<_> = report
        .findings
        .iter()
        .filter(|finding| finding.code == FindingCode::ClientLogAuthFailure)
        .collect();
    assert_eq!(failures.len(), 1, "{:#?}", report.findings);
    let finding = failures[0];
    assert_eq!(finding.client, Some(ClientId::GeminiCli));
    assert!(
        finding
            .config_path
            .as_deref()
            .is_some_and(|path| path.ends_with(".gemini/settings.json"))
    );
    assert_eq!(finding.detail.reason.as_deref(), Some("revoked"));
    assert_eq!(finding.detail.status, Some(401));
    assert_eq!(finding.detail.key_id.as_deref(), Some(key_id.as_str()));
    assert_eq!(finding.detail.log_path, None);
    let at = finding.detail.at.unwrap_or_default();
    assert!(
        (at - refused_at).abs() < Duration::seconds(30),
        "{at} vs {refused_at}"
    );
    assert!(
        finding
            .message
            .starts_with("Gemini CLI got 401 Invalid API key at ")
            && finding.message.contains("'MCP - Gemini' was revoked at ")
            // The revocation went through this machine's manager, which
            // recorded it.
            && finding
                .message
                .contains("with the mcp-keys command on this machine"),
        "{}",
        finding.message
    );
    assert!(matches!(
        &finding.detail.action,
        Some(FixAction::Install {
            client: ClientId::GeminiCli,
            ..
        })
    ));
    // Gemini CLI keeps no log: doctor says so instead of guessing.
    assert!(
        report
            .logs
            .iter()
            .any(|source| source.client == ClientId::GeminiCli && source.no_log.is_some()),
        "{:?}",
        report.logs
    );
    Ok(())
}
