//! The scan benchmark of issue 5, as plain functions for `cargo xtask
//! bench`: a home with every client configured and N project folders.

use std::fs;
use std::path::{Path, PathBuf};

use mcp_keys_core::{ApiKey, Environment};

use crate::registry::Os;
use crate::{DiscoverOptions, Error, NoLookup, Result, ScanReport, scan};

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| Error::Io {
            action: "creating",
            path: parent.to_path_buf(),
            source,
        })?;
    }
    fs::write(path, text).map_err(|source| Error::Io {
        action: "writing",
        path: path.to_path_buf(),
        source,
    })
}

/// Writes, under `root`, a Linux-layout home with a config for every client
/// and `projects` project folders each with a Claude Code, Cursor, VS Code
/// and Codex project config. Returns the options that scan it (explicit
/// projects, no recorded ones, empty environment).
pub fn write_bench_home(root: &Path, projects: usize) -> Result<DiscoverOptions> {
    let key = ApiKey::generate(Environment::Development)
        .map_err(|error| Error::Registry(format!("key generation: {error}")))?;
    let key = key.expose_secret();
    let json = |servers: &str| {
        format!(
            "{{\n  \"{servers}\": {{\n    \"bench\": {{ \"url\": \"http://127.0.0.1:7410/mcp\", \"headers\": {{ \"Authorization\": \"Bearer {key}\" }} }}\n  }}\n}}\n"
        )
    };
    let home = root.join("home");
    for (rel, servers) in [
        (".config/Claude/claude_desktop_config.json", "mcpServers"),
        (".claude.json", "mcpServers"),
        (".cursor/mcp.json", "mcpServers"),
        (".config/Code/User/mcp.json", "servers"),
        (".codeium/windsurf/mcp_config.json", "mcpServers"),
        (".config/zed/settings.json", "context_servers"),
        (".cline/data/settings/cline_mcp_settings.json", "mcpServers"),
        (".gemini/settings.json", "mcpServers"),
        (".copilot/mcp-config.json", "mcpServers"),
    ] {
        write(&home.join(rel), &json(servers))?;
    }
    write(
        &home.join(".continue/config.yaml"),
        &format!(
            "mcpServers:\n  - name: bench\n    url: http://127.0.0.1:7410/mcp\n    requestOptions:\n      headers:\n        Authorization: Bearer {key}\n"
        ),
    )?;
    let toml = format!(
        "[mcp_servers.bench]\nurl = \"http://127.0.0.1:7410/mcp\"\nhttp_headers = {{ Authorization = \"Bearer {key}\" }}\n"
    );
    write(&home.join(".codex/config.toml"), &toml)?;
    let mut folders: Vec<PathBuf> = Vec::with_capacity(projects);
    for index in 0..projects {
        let project = root.join("projects").join(format!("p{index:04}"));
        write(&project.join(".mcp.json"), &json("mcpServers"))?;
        write(&project.join(".cursor/mcp.json"), &json("mcpServers"))?;
        write(&project.join(".vscode/mcp.json"), &json("servers"))?;
        write(&project.join(".codex/config.toml"), &toml)?;
        folders.push(project);
    }
    Ok(DiscoverOptions {
        home,
        projects: folders,
        use_project_records: false,
        os: Os::Linux,
        max_file_size: crate::DEFAULT_MAX_FILE_SIZE,
        env: Default::default(),
    })
}

/// The measured operation: a full offline scan of `options`.
pub fn bench_scan(options: &DiscoverOptions) -> ScanReport {
    scan(options, &NoLookup, chrono::Utc::now())
}
