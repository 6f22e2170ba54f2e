//! The commands doctor suggests are pasted into a shell: a hostile folder
//! name must stay one inert word there.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use mcp_keys_ide::{FindingCode, collect, doctor};

use crate::support::{key, now, options};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[test]
fn a_suggested_chmod_on_a_hostile_path_runs_nothing_else() -> Result {
    let dir = tempfile::tempdir()?;
    let project = dir
        .path()
        .join("home/projects/it's $(touch pwned) `touch pwned2`\nnext");
    std::fs::create_dir_all(project.join(".cursor"))?;
    let config = project.join(".cursor/mcp.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"mcpServers":{{"tools":{{"url":"http://127.0.0.1:7410/mcp","headers":{{"Authorization":"Bearer {}"}}}}}}}}"#,
            key("K01")
        ),
    )?;
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644))?;
    let mut options = options(dir.path(), &[]);
    options.projects = vec![project.clone()];

    let report = doctor(&collect(&options), &HashMap::new(), now());
    let finding = report
        .findings
        .iter()
        .find(|finding| finding.code == FindingCode::ConfigWorldReadable)
        .ok_or("the world-readable config is reported")?;
    let command = finding
        .fix
        .strip_prefix("Restrict it to your user: ")
        .ok_or("the fix is a command")?;
    let status = Command::new("sh")
        .args(["-c", command])
        .current_dir(dir.path())
        .status()?;

    assert!(status.success(), "the suggested command runs: {command}");
    assert_eq!(
        std::fs::metadata(&config)?.permissions().mode() & 0o777,
        0o600,
        "the command did what it says"
    );
    assert!(
        !dir.path().join("pwned").exists() && !dir.path().join("pwned2").exists(),
        "nothing in the path ran: {command}"
    );
    Ok(())
}
