//! Every doctor finding, each from a fixture built to show it.

use std::collections::HashMap;
use std::path::Path;

use mcp_keys_core::{Environment, Fingerprint};
use mcp_keys_ide::{
    ClientId, DoctorReport, Finding, FindingCode, KnownKey, Severity, SurfaceStatus, Via, collect,
    doctor,
};

use crate::scan::{install_slot, slot_key};
use crate::support::{copy_fixtures, fixture_lookup, git, key, now, options};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn run(root: &Path, lookup: &HashMap<Fingerprint, KnownKey>, env: &[(&str, &str)]) -> DoctorReport {
    doctor(&collect(&options(root, env)), lookup, now())
}

/// The findings with `code` whose config path ends with `suffix`.
fn with<'a>(report: &'a DoctorReport, code: FindingCode, suffix: &str) -> Vec<&'a Finding> {
    report
        .findings
        .iter()
        .filter(|finding| {
            finding.code == code
                && finding
                    .config_path
                    .as_deref()
                    .is_some_and(|path| path.ends_with(suffix))
        })
        .collect()
}

fn fixture_root() -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    copy_fixtures("projects", dir.path())?;
    Ok(dir)
}

fn assert_helpful(findings: &[&Finding]) {
    assert!(!findings.is_empty(), "the finding is reported");
    for finding in findings {
        assert!(
            finding.message.len() > 30,
            "the message explains: {}",
            finding.message
        );
        assert!(
            finding.fix.len() > 20,
            "the fix says what to do: {}",
            finding.fix
        );
    }
}

#[test]
fn a_revoked_key_an_expired_key_and_a_typo_are_errors() -> Result {
    let dir = fixture_root()?;
    let report = run(dir.path(), &fixture_lookup(), &[]);
    let revoked = with(&report, FindingCode::RevokedKeyInUse, "home/.claude.json");
    assert_helpful(&revoked);
    assert_eq!(revoked[0].severity, Severity::Error);
    assert_eq!(revoked[0].key_prefix.as_deref(), Some(&key("K03")[..16]));
    assert_helpful(&with(
        &report,
        FindingCode::ExpiredKeyInUse,
        "webapp/.mcp.json",
    ));
    assert_helpful(&with(
        &report,
        FindingCode::ChecksumError,
        "webapp/.cursor/mcp.json",
    ));
    Ok(())
}

#[test]
fn a_development_key_on_a_production_surface_is_an_environment_mismatch() -> Result {
    let dir = fixture_root()?;
    let mut lookup = fixture_lookup();
    let facts = lookup
        .get_mut(&Fingerprint::of(&key("K10")))
        .and_then(|known| known.surface.as_mut())
        .ok_or("K10 is known")?;
    facts.environment = Environment::Production;
    let report = run(dir.path(), &lookup, &[]);
    let found = with(
        &report,
        FindingCode::EnvironmentMismatch,
        "windsurf/mcp_config.json",
    );
    assert_helpful(&found);
    assert!(found[0].message.contains("development key"));
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|f| f.code == FindingCode::EnvironmentMismatch)
            .count(),
        1,
        "only the mismatched key is reported"
    );
    Ok(())
}

#[test]
fn a_key_of_an_inactive_surface_and_a_key_without_all_scopes_are_reported() -> Result {
    let dir = fixture_root()?;
    let mut lookup = fixture_lookup();
    if let Some(surface) = lookup
        .get_mut(&Fingerprint::of(&key("K11")))
        .and_then(|known| known.surface.as_mut())
    {
        surface.status = SurfaceStatus::Inactive;
    }
    if let Some(known) = lookup.get_mut(&Fingerprint::of(&key("K13"))) {
        known.scopes = vec!["search".to_owned()];
    }
    let report = run(dir.path(), &lookup, &[]);
    assert_helpful(&with(
        &report,
        FindingCode::SurfaceInactive,
        "home/.config/zed/settings.json",
    ));
    let scope = with(
        &report,
        FindingCode::ScopeMismatch,
        "cline_mcp_settings.json",
    );
    assert_helpful(&scope);
    assert!(
        scope[0].message.contains("fetch"),
        "the missing tool is named"
    );
    Ok(())
}

#[test]
fn keys_for_surfaces_that_take_oauth_are_reported_where_they_fail() -> Result {
    let dir = fixture_root()?;
    let mut lookup = fixture_lookup();
    // K06, in Cursor's config, is known here too.
    lookup.insert(
        Fingerprint::of(&key("K06")),
        crate::support::known("K06", Environment::Development),
    );
    // K11 (Zed) on a surface in OAuth mode: refused. K06 (Cursor) and K20
    // (Codex, Continue) on surfaces in both modes: only Cursor drops the
    // header.
    for (name, keys_accepted) in [("K11", false), ("K06", true), ("K20", true)] {
        if let Some(surface) = lookup
            .get_mut(&Fingerprint::of(&key(name)))
            .and_then(|known| known.surface.as_mut())
        {
            surface.oauth_advertised = true;
            surface.keys_accepted = keys_accepted;
        }
    }
    let report = run(dir.path(), &lookup, &[]);
    let refused = with(
        &report,
        FindingCode::KeyRefusedOauthOnly,
        "home/.config/zed/settings.json",
    );
    assert_helpful(&refused);
    assert!(
        refused[0].message.contains("auth_mode"),
        "{}",
        refused[0].message
    );
    let ignored: Vec<_> = report
        .findings
        .iter()
        .filter(|finding| finding.code == FindingCode::HeaderIgnoredOauthAdvertised)
        .collect();
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    assert_eq!(ignored[0].client, Some(ClientId::Cursor));
    assert!(
        ignored[0].fix.contains("set-auth-mode"),
        "{}",
        ignored[0].fix
    );
    Ok(())
}

#[test]
fn one_key_in_two_clients_is_reported_for_each() -> Result {
    let dir = fixture_root()?;
    let report = run(dir.path(), &fixture_lookup(), &[]);
    let shared: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::KeySharedBetweenClients)
        .collect();
    assert_helpful(&shared);
    let paths: Vec<&str> = shared
        .iter()
        .filter_map(|f| f.config_path.as_deref())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("given/.zed/settings.json"))
    );
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("given/.gemini/settings.json"))
    );
    assert!(
        shared
            .iter()
            .all(|f| f.key_prefix.as_deref() == Some(&key("K04")[..16]))
    );
    Ok(())
}

#[test]
fn an_unset_variable_without_a_default_is_a_warning() -> Result {
    let dir = fixture_root()?;
    let report = run(dir.path(), &fixture_lookup(), &[]);
    assert_helpful(&with(
        &report,
        FindingCode::EnvVariableUnset,
        "home/.cursor/mcp.json",
    ));
    assert!(
        with(&report, FindingCode::EnvVariableUnset, "webapp/.mcp.json").is_empty(),
        "${{TRACE_ID:-none}} has a default"
    );
    assert!(
        with(
            &report,
            FindingCode::EnvVariableUnset,
            "home/.config/Code/User/mcp.json"
        )
        .is_empty(),
        "VS Code inputs are not environment variables"
    );
    Ok(())
}

#[test]
fn a_config_that_does_not_parse_is_reported_and_its_neighbours_still_scanned() -> Result {
    let dir = tempfile::tempdir()?;
    copy_fixtures("doctor/broken", dir.path())?;
    let root = dir.path().join("doctor/broken");
    std::fs::create_dir_all(root.join("projects/given"))?;
    let report = run(&root, &fixture_lookup(), &[]);
    let cursor = with(&report, FindingCode::UnparseableConfig, ".cursor/mcp.json");
    assert_helpful(&cursor);
    assert!(
        !cursor[0].message.contains("mcp_dev_"),
        "no key text in the message"
    );
    assert_helpful(&with(
        &report,
        FindingCode::UnparseableConfig,
        ".codex/config.toml",
    ));
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_config_with_a_key_readable_by_everyone_is_reported() -> Result {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture_root()?;
    let home = dir.path().join("home");
    let open = home.join(".codeium/windsurf/mcp_config.json");
    let closed = home.join(".copilot/mcp-config.json");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644))?;
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o600))?;
    let report = run(dir.path(), &fixture_lookup(), &[]);
    assert_helpful(&with(
        &report,
        FindingCode::ConfigWorldReadable,
        "windsurf/mcp_config.json",
    ));
    assert!(with(&report, FindingCode::ConfigWorldReadable, "mcp-config.json").is_empty());
    Ok(())
}

#[test]
fn a_tracked_config_an_unignored_one_and_a_key_in_history_are_reported() -> Result {
    let dir = fixture_root()?;
    let given = dir.path().join("projects/given");
    let webapp = dir.path().join("projects/webapp");
    let tools = dir.path().join("projects/tools");
    // given: .github/mcp.json committed (tracked).
    git(&given, &["init", "-q"])?;
    git(&given, &["add", ".github/mcp.json"])?;
    git(&given, &["commit", "-q", "-m", "add mcp config"])?;
    // webapp: a work tree where .mcp.json is neither tracked nor ignored,
    // and .cursor/ is ignored.
    git(&webapp, &["init", "-q"])?;
    std::fs::write(webapp.join(".gitignore"), ".cursor/\n")?;
    // tools: the Continue block was committed, then untracked and ignored;
    // the key stays in history.
    git(&tools, &["init", "-q"])?;
    git(&tools, &["add", ".continue/mcpServers/team.yaml"])?;
    git(&tools, &["commit", "-q", "-m", "team block"])?;
    git(
        &tools,
        &["rm", "-q", "--cached", ".continue/mcpServers/team.yaml"],
    )?;
    std::fs::write(tools.join(".gitignore"), ".continue/\n")?;
    git(&tools, &["add", ".gitignore"])?;
    git(&tools, &["commit", "-q", "-m", "untrack"])?;

    let report = run(dir.path(), &fixture_lookup(), &[]);
    let tracked = with(
        &report,
        FindingCode::PlaintextKeyTrackedByGit,
        "given/.github/mcp.json",
    );
    assert_helpful(&tracked);
    assert_eq!(tracked[0].severity, Severity::Error);
    assert!(tracked[0].message.contains("tracked by git"));
    let history = with(&report, FindingCode::PlaintextKeyTrackedByGit, "team.yaml");
    assert_helpful(&history);
    assert!(history[0].message.contains("history"));
    assert_helpful(&with(
        &report,
        FindingCode::PlaintextKeyNotGitignored,
        "webapp/.mcp.json",
    ));
    assert!(
        with(
            &report,
            FindingCode::PlaintextKeyNotGitignored,
            "webapp/.cursor/mcp.json"
        )
        .is_empty(),
        "an ignored file is fine"
    );
    assert!(
        with(
            &report,
            FindingCode::PlaintextKeyNotGitignored,
            "given/.zed/settings.json"
        )
        .len()
            == 1,
        "untracked files of the same tree are reported too"
    );
    Ok(())
}

#[test]
fn doctor_json_is_a_findings_object_with_the_design_fields() -> Result {
    let dir = fixture_root()?;
    let report = run(dir.path(), &fixture_lookup(), &[]);
    let json = serde_json::to_value(&report)?;
    let first = &json["findings"][0];
    for field in [
        "severity",
        "code",
        "client",
        "configPath",
        "keyPrefix",
        "message",
        "fix",
    ] {
        assert!(first.get(field).is_some(), "{field} is present");
    }
    assert_eq!(first["severity"], "error", "most severe first");
    let text = json.to_string();
    for (_, key) in crate::support::keys() {
        assert!(!text.contains(&key), "no key text in doctor output");
    }
    Ok(())
}

#[test]
fn a_key_in_mcp_remote_arguments_is_readable_by_every_process_and_reported() -> Result {
    let dir = fixture_root()?;
    let report = run(dir.path(), &fixture_lookup(), &[]);
    let argv = with(
        &report,
        FindingCode::KeyInArgv,
        "Claude/claude_desktop_config.json",
    );
    assert_helpful(&argv);
    assert_eq!(
        argv.len(),
        1,
        "the key mcp-remote reads from env (AUTH_HEADER) is not on the command line"
    );
    assert_eq!(argv[0].key_prefix.as_deref(), Some(&key("K01")[..16]));
    assert_eq!(argv[0].severity, Severity::Warning);
    for step in [
        "--install claude-desktop",
        "mcp-keys keys revoke key_K01",
        "Authorization:${AUTH_HEADER}",
    ] {
        assert!(
            argv[0].fix.contains(step),
            "the fix says {step}: {}",
            argv[0].fix
        );
    }
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|finding| finding.code == FindingCode::KeyInArgv)
            .count(),
        1,
        "keys in headers and env are not on a command line"
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_key_in_a_keyring_slot_is_never_a_plaintext_finding_and_a_bad_one_says_how_to_replace_it()
-> Result {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home)?;
    let desktop = install_slot(&home, ClientId::ClaudeDesktop, Via::Bridge)?;
    let code = install_slot(&home, ClientId::ClaudeCode, Via::Helper)?;
    let cursor = install_slot(&home, ClientId::Cursor, Via::Env)?;
    let zed = install_slot(&home, ClientId::Zed, Via::Bridge)?;
    // Committed and readable by everyone: harmless, no config holds a key.
    for install in [&desktop, &code, &cursor, &zed] {
        std::fs::set_permissions(&install.config_path, std::fs::Permissions::from_mode(0o644))?;
    }
    git(&home, &["init", "-q"])?;
    git(&home, &["add", "-A"])?;
    git(&home, &["commit", "-q", "-m", "configs"])?;
    let mut options = options(dir.path(), &[]);
    // One revoked key in two clients' slots (K03), an expired one (K05),
    // and Zed's slot missing from the keyring.
    options.slots = [
        slot_key(&desktop.slot, "K03"),
        slot_key(&code.slot, "K03"),
        slot_key(&cursor.slot, "K05"),
    ]
    .into_iter()
    .collect();
    let report = doctor(&collect(&options), &fixture_lookup(), now());
    let of = |code: FindingCode| -> Vec<&Finding> {
        report
            .findings
            .iter()
            .filter(|finding| finding.code == code)
            .collect()
    };
    for code in [
        FindingCode::PlaintextKeyTrackedByGit,
        FindingCode::PlaintextKeyNotGitignored,
        FindingCode::ConfigWorldReadable,
        FindingCode::KeySharedBetweenClients,
        FindingCode::KeyInArgv,
        FindingCode::EnvVariableUnset,
    ] {
        assert!(of(code).is_empty(), "no {code:?}: {:?}", report.findings);
    }
    let revoked = of(FindingCode::RevokedKeyInUse);
    assert_helpful(&revoked);
    assert_eq!(revoked.len(), 2, "one per client");
    for install in [&desktop, &code] {
        let finding = revoked
            .iter()
            .find(|finding| finding.message.contains(&install.slot))
            .ok_or("the slot is named")?;
        assert!(
            finding.fix.contains("mcp-keys keys create srf_K03")
                && finding.fix.contains(&install.slot),
            "a revoked key cannot be rolled: a new key goes into the slot: {}",
            finding.fix
        );
    }
    let expired = of(FindingCode::ExpiredKeyInUse);
    assert_helpful(&expired);
    assert!(
        expired[0].fix.contains("mcp-keys keys roll key_K05")
            && expired[0].fix.contains(&cursor.slot)
            && expired[0].fix.contains("mcp-keys run"),
        "a roll refills the slot; the client restarts through run: {}",
        expired[0].fix
    );
    let missing = of(FindingCode::KeyringSlotMissing);
    assert_helpful(&missing);
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].client, Some(ClientId::Zed));
    assert!(missing[0].message.contains(&zed.slot));
    Ok(())
}
