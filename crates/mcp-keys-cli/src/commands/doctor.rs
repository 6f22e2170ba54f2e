//! `mcp-keys doctor [--home DIR] [--project DIR]...`: why a client would get
//! 401/403, leaks, and what to do (DESIGN §5).

use chrono::Utc;
use mcp_keys_manager::mcp_keys_ide::{Finding, Severity};
use mcp_keys_manager::{IdeDoctor, KeyServices, ScanOptions};
use serde_json::json;

use crate::commands::scan::{short_path, warn_about};
use crate::context::Context;
use crate::output::Styled;

/// Diagnoses the IDE configs and prints the findings: `{findings:[…]}` with
/// `--json`, else a table of severity, where and what, each followed by its
/// fix. Returns the report; a caller may exit non-zero when it holds an
/// error.
pub async fn run(context: &Context, options: &ScanOptions) -> anyhow::Result<IdeDoctor> {
    let output = &context.output;
    let session = context.named_session().await?;
    let services = KeyServices::from(session.as_ref());
    let report = context
        .manager
        .doctor(options, services, Utc::now())
        .await?;
    warn_about(&report.unreachable);
    if output.json {
        output.json(&json!({ "findings": report.findings, "logs": report.logs }))?;
        return Ok(report);
    }
    if report.findings.is_empty() {
        output.line("No problem found in the IDE configs.")?;
        output.line(&logs_read(&report))?;
        return Ok(report);
    }
    let home = options.home.display().to_string();
    for finding in &report.findings {
        output.table(
            &["SEVERITY", "CODE", "CLIENT", "CONFIG", "KEY"],
            vec![row(finding, &home)],
            "",
        )?;
        output.line(&format!("  {}", finding.message))?;
        if let Some(log) = &finding.detail.log_path {
            output.line(&format!("  log: {log}"))?;
        }
        output.line(&format!("  fix: {}", finding.fix))?;
        output.line("")?;
    }
    let errors = report
        .findings
        .iter()
        .filter(|finding| finding.severity == Severity::Error)
        .count();
    output.line(&format!(
        "{} finding(s), {errors} error(s).",
        report.findings.len()
    ))?;
    output.line(&logs_read(&report))?;
    Ok(report)
}

/// One line on the clients' logs read (DESIGN §10): how many files of
/// which client, and the clients that keep none.
fn logs_read(report: &IdeDoctor) -> String {
    let read: Vec<String> = report
        .logs
        .iter()
        .filter(|source| !source.files.is_empty())
        .map(|source| {
            format!(
                "{} ({} file(s))",
                source.client.display_name(),
                source.files.len()
            )
        })
        .collect();
    let none: Vec<String> = report
        .logs
        .iter()
        .filter(|source| source.no_log.is_some())
        .map(|source| source.client.display_name().to_owned())
        .collect();
    let mut line = if read.is_empty() {
        "No client log with recent entries was found.".to_owned()
    } else {
        format!("Client logs read: {}.", read.join(", "))
    };
    match none.as_slice() {
        [] => {}
        [one] => line.push_str(&format!(
            " {one} keeps no log file; its failures come from the key service's audit."
        )),
        many => line.push_str(&format!(
            " {} keep no log file; their failures come from the key service's audit.",
            many.join(", ")
        )),
    }
    line
}

/// Whether any finding is an error (a client gets 401/403 now, or a secret
/// leaked): the CLI's exit code.
pub fn has_errors(report: &IdeDoctor) -> bool {
    report
        .findings
        .iter()
        .any(|finding| finding.severity == Severity::Error)
}

fn row(finding: &Finding, home: &str) -> Vec<Styled> {
    let severity = match finding.severity {
        Severity::Error => Styled::bad("error"),
        Severity::Warning => Styled::warn("warning"),
        Severity::Info => Styled::dim("info"),
    };
    let code = serde_json::to_value(finding.code)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    vec![
        severity,
        code.into(),
        finding
            .client
            .map(|client| client.as_str().to_owned())
            .unwrap_or_default()
            .into(),
        finding
            .config_path
            .as_deref()
            .map(|path| short_path(path, home))
            .unwrap_or_default()
            .into(),
        finding
            .key_prefix
            .as_deref()
            .map(|prefix| format!("{prefix}…"))
            .unwrap_or_default()
            .into(),
    ]
}
