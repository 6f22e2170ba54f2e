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
