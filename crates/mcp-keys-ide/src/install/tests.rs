//! Installs: every client and mechanism writes a config the scan reads
//! back; edits keep the rest of a file byte for byte (`tests/edits.rs`).

mod edits;
mod formats;
mod kept;
mod safety;

use std::path::{Path, PathBuf};

use mcp_keys_core::{ApiKey, Environment, Sensitive};

use super::*;
use crate::extract::Found;
use crate::registry::ClientSpec;
use crate::syntax::{self, Node};
use crate::{DiscoverOptions, collect};

pub(super) const URL: &str = "http://127.0.0.1:7410/v1/products/p/surfaces/s/mcp";
pub(super) const PROGRAM: &str = "/opt/mcp keys/bin/mcp-keys";

/// A fresh key of our format.
pub(super) fn new_key() -> Sensitive<String> {
    let key = ApiKey::generate(Environment::Development)
        .unwrap_or_else(|error| panic!("no key: {error}"));
    Sensitive::new(key.expose_secret().to_owned())
}

/// A request for `client` through `via` into the temporary `home` (and
/// `project`), server `docs`, slot `<client>-docs`.
pub(super) fn request<'a>(
    client: ClientId,
    via: Via,
    home: &'a Path,
    project: Option<&'a Path>,
    key: &'a Sensitive<String>,
) -> InstallRequest<'a> {
    InstallRequest {
        client,
        via,
        scope: if project.is_some() {
            Scope::Project
        } else {
            Scope::Global
        },
        home,
        project,
        server_name: "docs",
        url: URL,
        slot: slot(client),
        env_var: env_var(client),
        program: Path::new(PROGRAM),
        key: (via == Via::Literal).then_some(key),
    }
}

fn slot(client: ClientId) -> &'static str {
    match client {
        ClientId::ClaudeDesktop => "claude-desktop-docs",
        ClientId::ClaudeCode => "claude-code-docs",
        ClientId::Cursor => "cursor-docs",
        ClientId::Vscode => "vscode-docs",
        ClientId::Windsurf => "windsurf-docs",
        ClientId::Zed => "zed-docs",
        ClientId::Cline => "cline-docs",
        ClientId::Continue => "continue-docs",
        ClientId::GeminiCli => "gemini-cli-docs",
        ClientId::Codex => "codex-docs",
        ClientId::CopilotCli => "copilot-cli-docs",
    }
}

fn env_var(client: ClientId) -> &'static str {
    match client {
        ClientId::ClaudeDesktop => "MCP_KEY_CLAUDE_DESKTOP_DOCS",
        ClientId::ClaudeCode => "MCP_KEY_CLAUDE_CODE_DOCS",
        ClientId::Cursor => "MCP_KEY_CURSOR_DOCS",
        ClientId::Vscode => "MCP_KEY_VSCODE_DOCS",
        ClientId::Windsurf => "MCP_KEY_WINDSURF_DOCS",
        ClientId::Zed => "MCP_KEY_ZED_DOCS",
        ClientId::Cline => "MCP_KEY_CLINE_DOCS",
        ClientId::Continue => "MCP_KEY_CONTINUE_DOCS",
        ClientId::GeminiCli => "MCP_KEY_GEMINI_CLI_DOCS",
        ClientId::Codex => "MCP_KEY_CODEX_DOCS",
        ClientId::CopilotCli => "MCP_KEY_COPILOT_CLI_DOCS",
    }
}

pub(super) fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|error| panic!("no temp dir: {error}"))
}

pub(super) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

pub(super) fn installed(request: &InstallRequest<'_>) -> Installed {
    install(request)
        .unwrap_or_else(|error| panic!("{} via {}: {error}", request.client, request.via))
}

/// The entry of server `docs` in the config of `spec` at `path`.
fn entry_of(spec: &ClientSpec, scope: Scope, path: &Path) -> Node {
    let location = spec
        .locations
        .iter()
        .find(|location| location.scope == scope)
        .unwrap_or_else(|| panic!("{} has no {scope:?} location", spec.id));
    let root = syntax::parse(location.format, &read(path))
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let servers = location
        .servers_path()
        .iter()
        .try_fold(&root, |node, segment| node.get(segment))
        .unwrap_or_else(|| panic!("{}: no servers in\n{}", spec.id, read(path)));
    match servers {
        Node::Map(_) => servers.get("docs").cloned(),
        Node::List(items) => items
            .iter()
            .find(|item| item.get("name").and_then(Node::as_str) == Some("docs"))
            .cloned(),
        _ => None,
    }
    .unwrap_or_else(|| panic!("{}: no server docs in\n{}", spec.id, read(path)))
}

/// Every string of `node`, for "does the key appear anywhere".
fn strings(node: &Node) -> Vec<String> {
    match node {
        Node::Map(members) => members
            .iter()
            .flat_map(|(_, child)| strings(child))
            .collect(),
        Node::List(items) => items.iter().flat_map(strings).collect(),
        Node::Str { value, .. } => vec![value.clone()],
        Node::Other => Vec::new(),
    }
}

/// Installs every form of every client in `scope` into a fresh home (and
/// project) and reads the result back with the crate's own scan.
fn round_trip(scope: Scope) {
    let key = new_key();
    for spec in registry::clients() {
        for via in mechanisms(spec.id) {
            let home = temp();
            let project_dir = temp();
            let project = (scope == Scope::Project).then_some(project_dir.path());
            let Some(path) = config_path_for(spec.id, scope, home.path(), project) else {
                assert!(scope == Scope::Project, "{} has a global config", spec.id);
                continue;
            };
            let request = request(spec.id, via, home.path(), project, &key);
            let done = installed(&request);
            let what = format!("{} via {via} in\n{}", spec.id, read(&path));
            assert_eq!(done.config_path, path, "{what}");
            assert!(done.created_file && !done.replaced_entry, "{what}");
            assert_eq!(done.after_roll, after_roll(via), "{what}");

            let mut options = DiscoverOptions::new(home.path());
            options.use_project_records = false;
            options.projects = project.map(Path::to_path_buf).into_iter().collect();
            options.env.clear();
            let collected = collect(&options);
            assert!(
                collected.problems.is_empty(),
                "{what}: {:?}",
                collected.problems
            );
            assert!(
                collected
                    .files
                    .iter()
                    .any(|file| file.client == spec.id && file.path == path),
                "the scan reads the file: {what}"
            );
            let ours: Vec<_> = collected
                .occurrences
                .iter()
                .filter(|occurrence| {
                    occurrence.file.client == spec.id && occurrence.item.server_name == "docs"
                })
                .collect();
            let plaintext = ours
                .iter()
                .filter(|occurrence| matches!(occurrence.item.found, Found::Plaintext { .. }))
                .count();
            let entry = entry_of(spec, scope, &path);
            let text = strings(&entry).join("\n");
            if via == Via::Literal {
                assert_eq!(plaintext, 1, "the key is found once: {what}");
            } else {
                assert_eq!(plaintext, 0, "{what}");
                assert!(!read(&path).contains(key.expose().as_str()), "{what}");
            }
            match via {
                Via::Env | Via::Input | Via::Literal => assert!(
                    ours.iter()
                        .any(|occurrence| occurrence.item.url.as_deref() == Some(URL)),
                    "the scan reads the URL: {what}"
                ),
                Via::Helper | Via::Bridge => {
                    assert!(text.contains(PROGRAM), "the program runs: {what}");
                    assert!(text.contains(slot(spec.id)), "the slot is named: {what}");
                }
            }
            if via == Via::Env {
                assert!(text.contains(env_var(spec.id)), "{what}");
            }
        }
    }
}

#[test]
fn every_mechanism_of_every_client_writes_a_global_config_the_scan_reads_back() {
    round_trip(Scope::Global);
}

#[test]
fn every_mechanism_of_every_client_writes_a_project_config_the_scan_reads_back() {
    round_trip(Scope::Project);
}

#[test]
fn every_client_has_a_literal_form_last_and_a_keyless_form_first() {
    for spec in registry::clients() {
        let vias = mechanisms(spec.id);
        assert_eq!(vias.last(), Some(&Via::Literal), "{}", spec.id);
        assert_ne!(default_via(spec.id), Via::Literal, "{}", spec.id);
        let order: Vec<Via> = spec.install.iter().map(|form| form.via).collect();
        assert_eq!(
            order, vias,
            "{}: the registry lists them in order, once",
            spec.id
        );
        for form in &spec.install {
            if form.input.is_some() {
                assert_eq!((spec.id, form.via), (ClientId::Vscode, Via::Input));
            }
        }
    }
    assert_eq!(default_via(ClientId::ClaudeCode), Via::Helper);
    assert_eq!(default_via(ClientId::Vscode), Via::Bridge);
    assert_eq!(default_via(ClientId::Cursor), Via::Env);
    assert_eq!(default_via(ClientId::ClaudeDesktop), Via::Bridge);
}

#[test]
fn names_parse_and_print_as_the_cli_writes_them() {
    for via in Via::ALL {
        assert_eq!(via.as_str().parse::<Via>().ok(), Some(via));
    }
    assert!(matches!(
        "auto".parse::<Via>(),
        Err(Error::InvalidInstall { .. })
    ));
    assert_eq!(
        slot_env_var("cursor-local-tools"),
        "MCP_KEY_CURSOR_LOCAL_TOOLS"
    );
    for spec in registry::clients() {
        assert_eq!(slot_env_var(slot(spec.id)), env_var(spec.id));
    }
    assert_eq!(after_roll(Via::Bridge), AfterRoll::Nothing);
    assert_eq!(after_roll(Via::Helper), AfterRoll::Reconnect);
    assert_eq!(after_roll(Via::Env), AfterRoll::Restart);
}

#[test]
fn config_paths_are_the_first_of_each_scope_and_none_without_a_fixed_file() {
    let home = Path::new("/home/me");
    let project = Path::new("/work/p");
    let path = |client, scope, project| config_path_for(client, scope, home, project);
    assert_eq!(
        path(ClientId::ClaudeCode, Scope::Global, None),
        Some(PathBuf::from("/home/me/.claude.json"))
    );
    assert_eq!(
        path(ClientId::ClaudeCode, Scope::Project, Some(project)),
        Some(PathBuf::from("/work/p/.mcp.json"))
    );
    assert_eq!(path(ClientId::Cursor, Scope::Project, None), None);
    assert_eq!(
        path(ClientId::Windsurf, Scope::Project, Some(project)),
        None
    );
    assert_eq!(
        path(ClientId::Continue, Scope::Project, Some(project)),
        None,
        "one file per server there"
    );
    assert_eq!(
        path(ClientId::Codex, Scope::Global, None),
        Some(PathBuf::from("/home/me/.codex/config.toml"))
    );
}
