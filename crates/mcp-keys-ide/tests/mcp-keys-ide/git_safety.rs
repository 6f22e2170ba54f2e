//! Doctor reads git facts of folders it did not choose (every project an IDE
//! recorded): nothing a repository configures may run while it does.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use mcp_keys_ide::{DoctorReport, FindingCode, collect, doctor};

use crate::support::{git, key, now, options};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A Cursor config whose server sends `key`.
fn cursor_config(key: &str) -> String {
    format!(
        r#"{{"mcpServers":{{"tools":{{"url":"http://127.0.0.1:7410/mcp","headers":{{"Authorization":"Bearer {key}"}}}}}}}}"#
    )
}

/// An executable script that creates `marker` when anything runs it.
fn trap(dir: &Path, marker: &Path) -> Result<String> {
    let script = dir.join("trap.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\ncat\n", marker.display()),
    )?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    Ok(script.display().to_string())
}

/// Doctor over `project`, as for a folder an IDE recorded.
fn run_doctor(root: &Path, project: &Path) -> DoctorReport {
    let mut options = options(root, &[]);
    options.projects = vec![project.to_path_buf()];
    doctor(&collect(&options), &HashMap::new(), now())
}

fn tracked_findings(report: &DoctorReport, suffix: &str) -> usize {
    report
        .findings
        .iter()
        .filter(|finding| {
            finding.code == FindingCode::PlaintextKeyTrackedByGit
                && finding
                    .config_path
                    .as_deref()
                    .is_some_and(|path| path.ends_with(suffix))
        })
        .count()
}

#[test]
fn a_cloned_repository_with_a_folder_laid_out_as_a_repository_runs_nothing() -> Result {
    let dir = tempfile::tempdir()?;
    let marker = dir.path().join("pwned");
    let script = trap(dir.path(), &marker)?;
    let origin = dir.path().join("origin");
    let cursor = origin.join(".cursor");
    std::fs::create_dir_all(cursor.join("objects/info"))?;
    std::fs::create_dir_all(cursor.join("refs/heads"))?;
    std::fs::write(cursor.join("objects/info/keep"), "")?;
    std::fs::write(cursor.join("refs/heads/keep"), "")?;
    std::fs::write(cursor.join("HEAD"), "ref: refs/heads/main\n")?;
    // A folder laid out as a git directory whose work tree is its parent:
    // git run inside `.cursor/` discovers it (safe.bareRepository=all is
    // git's default) and obeys its config.
    std::fs::write(
        cursor.join("config"),
        format!(
            "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = ..\n\tfsmonitor = \"{script}\"\n"
        ),
    )?;
    std::fs::write(cursor.join("mcp.json"), cursor_config(&key("K01")))?;
    git(&origin, &["init", "-q"])?;
    git(&origin, &["add", "-A"])?;
    git(&origin, &["commit", "-q", "-m", "project"])?;
    let projects = dir.path().join("home/projects");
    std::fs::create_dir_all(&projects)?;
    git(
        &projects,
        &["clone", "-q", &origin.display().to_string(), "cloned"],
    )?;

    let report = run_doctor(dir.path(), &projects.join("cloned"));

    assert!(
        !marker.exists(),
        "doctor must not run the fsmonitor of a folder laid out as a repository"
    );
    assert_eq!(
        tracked_findings(&report, "cloned/.cursor/mcp.json"),
        1,
        "the clone's own repository still says the file is tracked: {:#?}",
        report.findings
    );
    Ok(())
}

#[test]
fn an_attacker_git_config_runs_nothing_and_the_facts_still_hold() -> Result {
    let dir = tempfile::tempdir()?;
    let marker = dir.path().join("pwned");
    let script = trap(dir.path(), &marker)?;
    let project = dir.path().join("home/projects/evil");
    std::fs::create_dir_all(project.join(".cursor"))?;
    std::fs::write(project.join(".cursor/mcp.json"), cursor_config(&key("K01")))?;
    std::fs::write(project.join(".gitattributes"), "*.json diff=evil\n")?;
    git(&project, &["init", "-q"])?;
    git(&project, &["add", "-A"])?;
    git(&project, &["commit", "-q", "-m", "one"])?;
    std::fs::write(project.join(".cursor/mcp.json"), cursor_config(&key("K02")))?;
    git(&project, &["commit", "-q", "-am", "two"])?;
    let hooks = dir.path().join("hooks");
    std::fs::create_dir_all(&hooks)?;
    for hook in [
        "post-checkout",
        "pre-commit",
        "post-index-change",
        "reference-transaction",
    ] {
        std::fs::copy(&script, hooks.join(hook))?;
    }
    let mut config = std::fs::OpenOptions::new()
        .append(true)
        .open(project.join(".git/config"))?;
    use std::io::Write;
    write!(
        config,
        "[core]\n\tfsmonitor = \"{script}\"\n\thooksPath = \"{hooks}\"\n\tpager = \"{script}\"\n\
         [diff \"evil\"]\n\ttextconv = \"{script}\"\n\tcommand = \"{script}\"\n\
         [diff]\n\texternal = \"{script}\"\n\
         [log]\n\tshowSignature = true\n\
         [gpg]\n\tprogram = \"{script}\"\n",
        hooks = hooks.display()
    )?;

    let report = run_doctor(dir.path(), &project);

    assert!(
        !marker.exists(),
        "doctor must not run anything a repository's config names"
    );
    assert_eq!(
        tracked_findings(&report, "evil/.cursor/mcp.json"),
        1,
        "the tracked file is still reported: {:#?}",
        report.findings
    );
    Ok(())
}
