//! Discovery: known paths only, recorded projects, symlinks, unreadable and
//! huge files.

use std::fs;

use mcp_keys_ide::{FindingCode, NoLookup, discover, scan};

use crate::support::{copy_fixtures, key, now, options};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[test]
fn projects_recorded_by_claude_code_and_vscode_are_found_and_remote_ones_skipped() -> Result {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    copy_fixtures("projects", dir.path())?;
    let discovery = discover(&options(dir.path(), &[]));
    let projects: Vec<String> = discovery
        .projects
        .iter()
        .map(|path| {
            path.strip_prefix(dir.path())
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        projects,
        ["projects/given", "projects/webapp", "projects/tools"]
    );
    let mut no_records = options(dir.path(), &[]);
    no_records.use_project_records = false;
    assert_eq!(discover(&no_records).projects.len(), 1);
    Ok(())
}

#[test]
fn configs_outside_the_known_paths_are_never_read() -> Result {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    fs::create_dir_all(dir.path().join("projects/given"))?;
    let stray = dir.path().join("home/Documents/old/.cursor/mcp.json");
    fs::create_dir_all(stray.parent().ok_or("parent")?)?;
    fs::write(
        &stray,
        format!(
            "{{\"mcpServers\":{{\"x\":{{\"headers\":{{\"A\":\"{}\"}}}}}}}}",
            key("K12")
        ),
    )?;
    let report = scan(&options(dir.path(), &[]), &NoLookup, now());
    assert!(
        report
            .entries
            .iter()
            .all(|entry| !entry.config_path.contains("Documents"))
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_followed() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    fs::create_dir_all(home.join(".cursor"))?;
    fs::create_dir_all(dir.path().join("projects/given"))?;
    std::os::unix::fs::symlink(home.join(".cursor/a.json"), home.join(".cursor/mcp.json"))?;
    std::os::unix::fs::symlink(home.join(".cursor/mcp.json"), home.join(".cursor/a.json"))?;
    let discovery = discover(&options(dir.path(), &[]));
    assert!(discovery.files.is_empty());
    assert_eq!(discovery.problems.len(), 1);
    assert_eq!(discovery.problems[0].code, FindingCode::BrokenSymlink);
    Ok(())
}

#[test]
fn a_huge_file_is_skipped_and_reported() -> Result {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    fs::create_dir_all(dir.path().join("projects/given"))?;
    let mut opts = options(dir.path(), &[]);
    opts.max_file_size = 300;
    let report = scan(&opts, &NoLookup, now());
    let large: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.code == FindingCode::ConfigTooLarge)
        .collect();
    assert!(large.iter().any(|p| {
        p.config_path
            .as_deref()
            .is_some_and(|path| path.ends_with(".claude.json"))
    }));
    assert!(
        report
            .entries
            .iter()
            .all(|entry| !entry.config_path.ends_with(".claude.json"))
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn an_unreadable_config_is_reported() -> Result {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    fs::create_dir_all(dir.path().join("projects/given"))?;
    let path = dir.path().join("home/.gemini/settings.json");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000))?;
    if fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reads, nothing to observe.
        return Ok(());
    }
    let report = scan(&options(dir.path(), &[]), &NoLookup, now());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.code == FindingCode::UnreadableConfig)
    );
    Ok(())
}

#[test]
fn the_watch_plan_covers_each_config_folder_and_only_config_files_concern_it() -> Result {
    let dir = tempfile::tempdir()?;
    copy_fixtures("home", dir.path())?;
    copy_fixtures("projects", dir.path())?;
    let options = options(dir.path(), &[]);
    let plan = mcp_keys_ide::WatchPlan::new(&options);
    let home = dir.path().join("home");
    let cursor = home.join(".cursor");
    assert!(plan.folders.contains(&cursor), "{:?}", plan.folders);
    assert!(plan.folders.contains(&home));
    // Never a folder that does not exist, never the whole tree below home.
    assert!(plan.folders.iter().all(|folder| folder.is_dir()));
    assert!(!plan.folders.contains(&home.join("Documents")));
    // A config not there yet concerns the plan (created later)...
    assert!(plan.concerns(&cursor.join("mcp.json")));
    assert!(plan.concerns(&home.join(".claude.json")));
    // ...an unrelated file in a watched folder does not.
    assert!(!plan.concerns(&home.join(".bash_history")));
    assert!(!plan.concerns(&cursor.join("argv.json")));
    for file in discover(&options).files {
        assert!(
            plan.concerns(&file.path) || plan.concerns(&file.target),
            "{file:?}"
        );
    }
    Ok(())
}
