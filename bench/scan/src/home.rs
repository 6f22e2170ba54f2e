//! The scan bench's home: a Linux-layout home with a config for
//! every client and N project folders, each with a Claude Code, Cursor,
//! VS Code and Codex project config, all holding one real-format key.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use mcp_keys_core::{ApiKey, Environment};
use mcp_keys_ide::{DEFAULT_MAX_FILE_SIZE, DiscoverOptions, Os};

/// Writes the home under `root` with `projects` project folders; the options
/// that scan it (explicit projects, no recorded ones, empty environment).
pub fn write(root: &Path, projects: usize) -> Result<DiscoverOptions> {
    let key = ApiKey::generate(Environment::Development).context("generating the bench key")?;
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
        write_file(&home.join(rel), &json(servers))?;
    }
    write_file(
        &home.join(".continue/config.yaml"),
        &format!(
            "mcpServers:\n  - name: bench\n    url: http://127.0.0.1:7410/mcp\n    requestOptions:\n      headers:\n        Authorization: Bearer {key}\n"
        ),
    )?;
    let toml = format!(
        "[mcp_servers.bench]\nurl = \"http://127.0.0.1:7410/mcp\"\nhttp_headers = {{ Authorization = \"Bearer {key}\" }}\n"
    );
    write_file(&home.join(".codex/config.toml"), &toml)?;
    let mut folders: Vec<PathBuf> = Vec::with_capacity(projects);
    for index in 0..projects {
        let project = root.join("projects").join(format!("p{index:04}"));
        write_file(&project.join(".mcp.json"), &json("mcpServers"))?;
        write_file(&project.join(".cursor/mcp.json"), &json("mcpServers"))?;
        write_file(&project.join(".vscode/mcp.json"), &json("servers"))?;
        write_file(&project.join(".codex/config.toml"), &toml)?;
        folders.push(project);
    }
    Ok(DiscoverOptions {
        home,
        projects: folders,
        use_project_records: false,
        os: Os::Linux,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
        env: Default::default(),
        slots: Default::default(),
    })
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_keys_ide::{NoLookup, scan};

    #[test]
    fn the_benchmark_home_has_every_client_and_every_project_scanned() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let options = write(dir.path(), 50)?;
        let report = scan(&options, &NoLookup, chrono::Utc::now());
        assert_eq!(report.problems, Vec::new());
        // 11 global configs with one key each, 4 project configs per project
        // (.mcp.json read by two clients).
        assert_eq!(report.entries.len(), 11 + 5 * 50);
        let clients: std::collections::BTreeSet<_> =
            report.entries.iter().map(|entry| entry.client).collect();
        assert_eq!(clients.len(), 11, "every client is configured");
        Ok(())
    }
}
