//! `keys roll --update-configs` over configs that the real world writes and
//! hostile ones: the new key always reaches the user, every place of the
//! old key is replaced, and nothing is reported done that was not.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::Value;

use crate::cli::{Cli, KeyService, mcp_tools_list, text};

fn write(home: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let path = home.join(relative);
    std::fs::create_dir_all(path.parent().ok_or_else(|| anyhow::anyhow!("a parent"))?)?;
    std::fs::write(path, bytes)?;
    Ok(())
}

fn config_named<'a>(report: &'a Value, suffix: &str) -> Option<&'a Value> {
    report["configs"]["configs"]
        .as_array()?
        .iter()
        .find(|config| {
            config["configPath"]
                .as_str()
                .is_some_and(|path| path.ends_with(suffix))
        })
}

#[tokio::test]
async fn a_roll_replaces_every_place_of_the_key_reports_what_it_could_not_and_keeps_the_new_key()
-> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&[]).await?;
    let created = cli
        .json(&["keys", "create", &text(&surface, "id")?, "--name", "ide"])
        .await?;
    let (old_key, key_id) = (text(&created, "key")?, text(&created, "id")?);
    let url = text(&surface, "url")?;
    let home = tempfile::tempdir()?;
    let entry = |name: &str| {
        format!(r#""{name}":{{"url":"{url}","headers":{{"Authorization":"Bearer {old_key}"}}}}"#)
    };
    // Cursor: a byte-order mark, a duplicate `mcpServers` (clients keep the
    // last), readable by everyone.
    let mut cursor = vec![0xEF, 0xBB, 0xBF];
    cursor.extend(
        format!(
            "{{\r\n\"mcpServers\":{{{}}},\r\n\"mcpServers\":{{{}}}\r\n}}\r\n",
            entry("old"),
            entry("keys")
        )
        .as_bytes(),
    );
    write(home.path(), ".cursor/mcp.json", &cursor)?;
    std::fs::set_permissions(
        home.path().join(".cursor/mcp.json"),
        std::fs::Permissions::from_mode(0o644),
    )?;
    // Claude Code: the user scope and a project's local scope in one file.
    let claude = format!(
        r#"{{"mcpServers":{{{}}},"projects":{{"/home/ada/code/app":{{"mcpServers":{{{}}}}}}}}}"#,
        entry("keys"),
        entry("keys")
    );
    write(home.path(), ".claude.json", claude.as_bytes())?;
    // Continue: the key, then nesting deep enough to overflow a parser.
    let continue_yaml = format!(
        "token: \"Bearer {old_key}\"\nmore: {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(
        home.path(),
        ".continue/config.yaml",
        continue_yaml.as_bytes(),
    )?;

    let home_arg = home.path().display().to_string();
    let run = cli
        .run(&[
            "keys",
            "roll",
            &key_id,
            "--grace",
            "0",
            "--update-configs",
            "--home",
            &home_arg,
            "--json",
        ])
        .await?;
    assert_eq!(
        run.code, 1,
        "a config not updated is not a success: {}",
        run.stderr
    );
    let rolled: Value = serde_json::from_str(&run.stdout)?;
    let new_key = text(&rolled, "key")?;
    let (status, _) = mcp_tools_list(&surface, &new_key).await?;
    assert_eq!(
        status,
        StatusCode::OK,
        "the new key reached the user and works"
    );

    let cursor_after = std::fs::read(home.path().join(".cursor/mcp.json"))?;
    assert!(
        cursor_after.starts_with(&[0xEF, 0xBB, 0xBF]),
        "the BOM is kept"
    );
    let cursor_text = String::from_utf8(cursor_after)?;
    assert!(
        !cursor_text.contains(&old_key),
        "the shadowed entry is rolled too"
    );
    assert_eq!(cursor_text.matches(&new_key).count(), 2);
    assert!(cursor_text.contains("\r\n"), "CRLF kept");
    let mode = std::fs::metadata(home.path().join(".cursor/mcp.json"))?
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "a fresh key is not left world-readable"
    );
    let cursor_report = config_named(&rolled, ".cursor/mcp.json")
        .ok_or_else(|| anyhow::anyhow!("cursor is reported: {rolled}"))?;
    assert_eq!(cursor_report["replaced"], 2);
    assert_eq!(cursor_report["tightened"], true);

    let claude_after = std::fs::read_to_string(home.path().join(".claude.json"))?;
    assert!(
        !claude_after.contains(&old_key),
        "both scopes are rolled: {claude_after}"
    );

    let continue_report = config_named(&rolled, ".continue/config.yaml")
        .ok_or_else(|| anyhow::anyhow!("the unreadable config is reported: {rolled}"))?;
    assert_eq!(continue_report["updated"], false);
    assert!(
        std::fs::read_to_string(home.path().join(".continue/config.yaml"))? == continue_yaml,
        "a file that does not parse is never rewritten"
    );

    // The backups hold the old key: private, and gone once it is dead
    // (the grace was 0 s), at the next scan.
    let backups = cli.data_dir().join("backups");
    let names: Vec<_> = std::fs::read_dir(&backups)?.flatten().collect();
    assert_eq!(names.len(), 2, "one backup per edited file");
    for backup in &names {
        assert_eq!(backup.metadata()?.permissions().mode() & 0o777, 0o600);
    }
    cli.run(&["scan", "--home", &home_arg]).await?;
    assert_eq!(
        std::fs::read_dir(&backups)?.count(),
        0,
        "backups of a key past its grace are deleted"
    );
    Ok(())
}
