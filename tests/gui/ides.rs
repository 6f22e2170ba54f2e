//! Which IDE uses which key: a key the app generated, pasted into
//! Cursor's config in the app's home folder, is identified as active on the
//! IDEs page and shown as "Used by Cursor" in the Keys tab; doctor's one-click
//! fix adds a project's config to its `.gitignore`.
//!
//! The app reads `HOME` for the clients' global configs, so each test gives it
//! a temporary one.
//!
//! WebKitWebDriver may capture a screenshot before the window has repainted
//! the last change, so [`shot`] waits a moment first.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};
use mcp_keys_e2e::{App, testid};

use crate::flows::{close_reveal, first_surface, shot, show_key, text_content, wait_for_text_in};

/// Generates a key named `name`; returns its text as Show displays it, with
/// the reveal closed again.
async fn generate(app: &App, name: &str) -> Result<String> {
    app.click("generate-key").await?;
    app.fill("generate-name", name).await?;
    app.click("generate-submit").await?;
    let key = show_key(app).await?;
    close_reveal(app).await?;
    Ok(key)
}

/// `mcp_dev_<id>`: what the app shows of a key, and its id.
fn prefix_and_id(key: &str) -> Result<(String, String)> {
    let id: String = key
        .strip_prefix("mcp_dev_")
        .context("a development key")?
        .chars()
        .take(8)
        .collect();
    Ok((format!("mcp_dev_{id}"), id))
}

/// Writes a Cursor config holding `key` for the server `server` at `url`,
/// readable by its owner only (as doctor wants a file with a plaintext key to be).
fn write_cursor_config(dir: &Path, server: &str, url: &str, key: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let config = dir.join(".cursor/mcp.json");
    std::fs::create_dir_all(dir.join(".cursor"))?;
    let json = serde_json::json!({
        "mcpServers": {
            server: { "url": url, "headers": { "Authorization": format!("Bearer {key}") } }
        }
    });
    std::fs::write(&config, serde_json::to_string_pretty(&json)?)?;
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

/// The IDE config fixtures (`tests/fixtures/ide`: a home folder with a config
/// of every client, and the projects they recorded) copied under `to`, with
/// `@FIXTURES@` in them replaced by `to` as the fixtures README says.
fn copy_fixtures(to: &Path) -> Result<()> {
    fn copy_tree(from: &Path, to: &Path, root: &Path) -> Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_tree(&entry.path(), &target, root)?;
            } else {
                let text = std::fs::read_to_string(entry.path())?;
                std::fs::write(
                    &target,
                    text.replace("@FIXTURES@", &root.display().to_string()),
                )?;
            }
        }
        Ok(())
    }
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/ide");
    for dir in ["home", "projects"] {
        copy_tree(&fixtures.join(dir), &to.join(dir), to)?;
    }
    Ok(())
}

/// Whether the keys table scrolls sideways (it should fit the window).
async fn keys_table_overflows(app: &App) -> Result<bool> {
    let overflow = app
        .eval(
            "const box = document.querySelector('[data-testid=keys-table-scroll]');
             return box.scrollWidth > box.clientWidth;",
        )
        .await?;
    overflow.as_bool().context("a boolean")
}

#[tokio::test]
async fn a_key_pasted_into_cursor_is_identified_as_active_and_used_by_cursor() -> Result<()> {
    let home = tempfile::tempdir()?;
    let home_path = home.path().to_str().context("a UTF-8 temp path")?;
    let app = App::launch_with_env("ides-cursor", &[("HOME", home_path)]).await?;
    let url = first_surface(&app).await?;
    let key = generate(&app, "MCP - Cursor").await?;
    let (prefix, id) = prefix_and_id(&key)?;
    write_cursor_config(home.path(), "docs", &url, &key)?;

    // A project in a git work tree whose config holds the key, unignored.
    let project = home.path().join("code/webapp");
    std::fs::create_dir_all(&project)?;
    let git = Command::new("git")
        .args(["init", "--quiet"])
        .current_dir(&project)
        .status()
        .context("running git (Debian package git)")?;
    ensure!(git.success(), "git init failed");
    write_cursor_config(&project, "docs", &url, &key)?;

    app.click("nav-ides").await?;
    app.find(&testid("ides-page")).await?;
    let cursor = testid("ide-client-cursor");
    let entry = format!("{cursor} {}", testid(&format!("ide-entry-{prefix}")));
    let row = wait_for_text_in(&app, &entry, "Active").await?;
    // The key's name comes from its surface, loaded once the scan named it.
    let row = wait_for_text_in(&app, &entry, "MCP - Cursor")
        .await
        .with_context(|| format!("the entry names the key: {row}"))?;
    assert!(
        row.contains("docs") && row.contains(&url),
        "the entry names the server and its URL: {row}"
    );
    shot(&app, "ides").await?;

    // Rust watches the configs it scanned: an edit shows without Scan again.
    write_cursor_config(home.path(), "docs-renamed", &url, &key)?;
    wait_for_text_in(&app, &entry, "docs-renamed")
        .await
        .context("the page scans again when Cursor's config changes")?;
    let client = text_content(&app, &cursor).await?;
    assert!(
        client.contains(&home.path().join(".cursor/mcp.json").display().to_string()),
        "Cursor's global config is listed: {client}"
    );
    assert!(
        !text_content(&app, "body").await?.contains(&key),
        "the IDEs page never holds the key itself"
    );

    // The project folder, then doctor's one-click fix for its config.
    app.fill("ides-project-input", &project.display().to_string())
        .await?;
    app.click("ides-project-add").await?;
    let finding = testid("ide-finding-plaintext_key_not_gitignored");
    app.find(&finding).await?;
    shot(&app, "ides-finding").await?;
    app.find(&format!("{finding} [data-testid^=ide-fix-]"))
        .await?
        .click()
        .await?;
    let result = text_content(&app, &testid("ide-fix-result")).await?;
    let gitignore = project.join(".gitignore");
    assert!(
        result.contains(&gitignore.display().to_string()),
        "the page says which .gitignore was written: {result}"
    );
    let ignored = std::fs::read_to_string(&gitignore)?;
    assert!(
        ignored.contains(".cursor/mcp.json"),
        "the config is in the project's .gitignore: {ignored}"
    );
    shot(&app, "ides-fixed").await?;

    // Back on the surface, its Keys tab says which client holds the key.
    app.find("[data-testid=sidebar] [data-testid^=surface-]")
        .await?
        .click()
        .await?;
    let used_by = wait_for_text_in(&app, &testid(&format!("key-used-by-{id}")), "Cursor").await?;
    assert_eq!(used_by.trim(), "Cursor", "one client holds the key");
    // The window opens 1200 px wide: a table that fits there fits 1280 too.
    assert!(
        !keys_table_overflows(&app).await?,
        "the keys table fits the window beside the sidebar"
    );
    shot(&app, "keys-used-by").await?;

    app.click(&format!("key-revoke-{id}")).await?;
    let affected = text_content(&app, &testid("revoke-affected-configs")).await?;
    assert!(
        affected.contains(&home.path().join(".cursor/mcp.json").display().to_string()),
        "the revoke dialog names the config that will break: {affected}"
    );
    shot(&app, "revoke-affected").await?;
    app.close().await
}

#[tokio::test]
async fn every_client_found_is_listed_with_what_is_wrong_in_the_dark_theme() -> Result<()> {
    let root = tempfile::tempdir()?;
    copy_fixtures(root.path())?;
    let home = root.path().join("home");
    let home_path = home.to_str().context("a UTF-8 temp path")?;
    let app = App::launch_with_env(
        "ides-fixtures-dark",
        &[("HOME", home_path), ("GTK_THEME", "Adwaita:dark")],
    )
    .await?;

    app.click("nav-ides").await?;
    for client in [
        "claude-desktop",
        "claude-code",
        "cursor",
        "vscode",
        "zed",
        "codex",
    ] {
        app.find(&testid(&format!("ide-client-{client}"))).await?;
    }
    // No connection knows the fixture keys; one of them is mistyped.
    let cursor = text_content(&app, &testid("ide-client-cursor")).await?;
    assert!(
        cursor.contains("Unknown"),
        "Cursor's key is unknown: {cursor}"
    );
    let reference = text_content(&app, &testid("ide-entry-env-CURSOR_SEARCH_KEY")).await?;
    assert!(
        reference.contains("$CURSOR_SEARCH_KEY") && reference.contains("Env variable"),
        "a reference to an unset variable is shown as such: {reference}"
    );
    app.find("[data-testid^=ide-entry-][data-status=checksum_error]")
        .await?;
    // The fixture files are readable by everyone: doctor says so.
    app.find(&testid("ide-finding-config_world_readable"))
        .await?;
    let background = app
        .eval(
            "return getComputedStyle(document.querySelector('[data-testid=ides-page]').closest('main')).backgroundColor",
        )
        .await?;
    assert_eq!(
        background.as_str(),
        Some("rgb(17, 17, 19)"),
        "the page takes the dark theme's background"
    );
    shot(&app, "ides").await?;
    app.close().await
}

#[tokio::test]
async fn a_literal_key_in_cursor_migrates_into_the_keyring_and_undo_puts_it_back() -> Result<()> {
    let app = App::launch("ides-migrate").await?;
    // The HOME the app scans: its private desktop's.
    let home = app
        .desktop()
        .env()
        .into_iter()
        .find(|(name, _)| *name == "HOME")
        .map(|(_, value)| PathBuf::from(value))
        .context("the app's environment has a HOME")?;
    let url = first_surface(&app).await?;
    let key = generate(&app, "MCP - Cursor").await?;
    write_cursor_config(&home, "docs", &url, &key)?;
    let config = home.join(".cursor/mcp.json");
    let before = std::fs::read(&config)?;

    app.click("nav-ides").await?;
    app.find(&testid("ides-page")).await?;
    app.click("ides-refresh").await?;
    app.click("ides-migrate").await?;
    // The dry run comes first: the plan, and the file as it was.
    let plan = wait_for_text_in(&app, &testid("migrate-plan"), "Will move: docs").await?;
    assert!(
        plan.contains("through env"),
        "Cursor names the key through a variable: {plan}"
    );
    assert_eq!(std::fs::read(&config)?, before, "a dry run writes nothing");
    shot(&app, "migrate-plan").await?;

    app.click("migrate-move").await?;
    let restart = wait_for_text_in(&app, &testid("migrate-restart"), "Cursor").await?;
    let result = text_content(&app, &testid("migrate-result")).await?;
    assert!(
        result.contains("mcp-keys run --slot"),
        "the result says how to start Cursor with the slot's key: {result} / {restart}"
    );
    let text = std::fs::read_to_string(&config)?;
    assert!(!text.contains(&key), "the key left Cursor's config: {text}");
    assert!(
        !text.contains("mcp_dev_") && !text.contains("mcp_prod_"),
        "no key of any kind in Cursor's config: {text}"
    );
    assert!(
        text.contains("${env:MCP_KEY_"),
        "the entry names the variable mcp-keys run sets: {text}"
    );
    shot(&app, "migrate-result").await?;

    app.click("migrate-undo").await?;
    wait_for_text_in(&app, &testid("migrate-undone-0"), "Restored").await?;
    assert_eq!(
        std::fs::read(&config)?,
        before,
        "undo puts Cursor's config back byte for byte"
    );
    app.click("migrate-close").await?;
    app.close().await
}
