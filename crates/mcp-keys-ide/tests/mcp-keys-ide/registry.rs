//! The client registry: complete, well-formed, documented.

use mcp_keys_ide::ClientId;
use mcp_keys_ide::registry::{self, Os, split_pattern};

#[test]
fn the_registry_parses_and_names_every_client_of_design_section_5()
-> Result<(), mcp_keys_ide::Error> {
    let clients = registry::load()?;
    let ids: Vec<&str> = clients.iter().map(|spec| spec.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "claude-desktop",
            "claude-code",
            "cursor",
            "vscode",
            "windsurf",
            "zed",
            "cline",
            "continue",
            "gemini-cli",
            "codex",
            "copilot-cli"
        ]
    );
    Ok(())
}

#[test]
fn every_rule_has_paths_on_every_os_and_says_what_documentation_it_follows() {
    for spec in registry::clients() {
        assert!(
            !spec.docs.is_empty() && spec.docs.iter().all(|url| url.starts_with("https://")),
            "{}",
            spec.id
        );
        assert!(
            !spec.confirmed.is_empty() && !spec.unconfirmed.is_empty(),
            "{}",
            spec.id
        );
        assert!(!spec.locations.is_empty(), "{}", spec.id);
        for location in &spec.locations {
            for os in [Os::Linux, Os::Macos, Os::Windows] {
                let patterns = location.patterns(os);
                assert!(!patterns.is_empty(), "{} has paths on {os:?}", spec.id);
                for pattern in patterns {
                    assert!(
                        split_pattern(pattern).is_some(),
                        "{pattern} has a known root"
                    );
                }
            }
        }
        if let Some(form) = &spec.env_ref {
            assert!(form.contains("VAR"), "{}: {form}", spec.id);
        }
    }
}

#[test]
fn variable_forms_follow_each_clients_syntax() {
    let form = |id| registry::client(id).and_then(|spec| spec.env_ref_for("TOKEN"));
    assert_eq!(form(ClientId::Vscode).as_deref(), Some("${env:TOKEN}"));
    assert_eq!(form(ClientId::Cursor).as_deref(), Some("${env:TOKEN}"));
    assert_eq!(form(ClientId::Windsurf).as_deref(), Some("${env:TOKEN}"));
    assert_eq!(form(ClientId::ClaudeCode).as_deref(), Some("${TOKEN}"));
    assert_eq!(
        form(ClientId::Codex),
        None,
        "Codex needs bearer_token_env_var, not an in-place edit"
    );
    assert_eq!(form(ClientId::ClaudeDesktop), None);
}

#[test]
fn every_log_source_is_a_known_pattern_or_says_why_there_is_none() {
    use registry::{LogFormat, split_log_pattern};
    for spec in registry::clients() {
        for source in &spec.logs {
            if source.format == LogFormat::None {
                assert!(
                    source.reason.as_deref().is_some_and(|why| !why.is_empty()),
                    "{}: a `none` log says why",
                    spec.id
                );
                continue;
            }
            for os in [Os::Linux, Os::Macos, Os::Windows] {
                let place = source.place(os);
                assert!(place.is_some(), "{} has a log path on {os:?}", spec.id);
                let pattern = place
                    .map(|place| place.pattern.as_str())
                    .unwrap_or_default();
                assert!(
                    split_log_pattern(pattern).is_some(),
                    "{}: {pattern}",
                    spec.id
                );
                // Only the Linux paths were seen on a real run (2026-12-06).
                assert_eq!(
                    place.is_some_and(|place| place.measured),
                    os == Os::Linux,
                    "{} on {os:?}",
                    spec.id
                );
            }
        }
    }
}

#[test]
fn the_measured_clients_have_their_logs_in_the_registry() {
    use registry::LogFormat;
    let formats = |id: ClientId| -> Vec<LogFormat> {
        registry::client(id)
            .map(|spec| spec.logs.iter().map(|source| source.format).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        formats(ClientId::ClaudeCode),
        [LogFormat::ClaudeCodeMcpJsonl]
    );
    assert_eq!(
        formats(ClientId::CopilotCli),
        [LogFormat::CopilotProcessLog]
    );
    assert_eq!(formats(ClientId::Codex), [LogFormat::CodexLogsSqlite]);
    assert_eq!(formats(ClientId::GeminiCli), [LogFormat::None]);
    let codex_table = registry::client(ClientId::Codex)
        .and_then(|spec| spec.logs.first())
        .and_then(|source| source.table.as_deref());
    assert_eq!(codex_table, Some("logs"));
}

#[test]
fn the_cache_root_honours_an_absolute_xdg_cache_home_on_linux() {
    use registry::{LogRoot, log_root_dir};
    use std::ffi::OsString;
    use std::path::Path;
    let home = Path::new("/home/u");
    let xdg = |value: &'static str| {
        move |name: &str| (name == "XDG_CACHE_HOME").then(|| OsString::from(value))
    };
    assert_eq!(
        log_root_dir(LogRoot::Cache, home, Os::Linux, xdg("/home/u/xdgcache")),
        Path::new("/home/u/xdgcache")
    );
    // A relative value is invalid per the XDG spec and is ignored.
    assert_eq!(
        log_root_dir(LogRoot::Cache, home, Os::Linux, xdg("relative")),
        Path::new("/home/u/.cache")
    );
    assert_eq!(
        log_root_dir(LogRoot::Cache, home, Os::Macos, xdg("/home/u/xdgcache")),
        Path::new("/home/u/Library/Caches")
    );
    let codex = |name: &str| (name == "CODEX_HOME").then(|| OsString::from("/srv/codex"));
    assert_eq!(
        log_root_dir(LogRoot::CodexHome, home, Os::Linux, codex),
        Path::new("/srv/codex")
    );
    assert_eq!(
        log_root_dir(LogRoot::CodexHome, home, Os::Linux, |_: &str| None),
        Path::new("/home/u/.codex")
    );
}
