//! Safe in-place edits: only the key's bytes change, backups, permissions,
//! symlinks, parse failures and concurrent changes.

use std::fs;
use std::path::{Path, PathBuf};

use mcp_keys_core::{ApiKey, Environment, Fingerprint};
use mcp_keys_ide::edit::{
    EditOptions, Target, add_gitignore_entry, content_hash, move_key_to_env, replace_key,
    write_atomic,
};
use mcp_keys_ide::{ClientId, Error, Occurrence, collect};

use crate::support::{copy_fixtures, key, options};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        copy_fixtures("home", dir.path())?;
        copy_fixtures("projects", dir.path())?;
        Ok(Self { dir })
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn edit_options(&self) -> EditOptions {
        EditOptions {
            backup_dir: self.path("backups"),
            ..EditOptions::default()
        }
    }

    /// The occurrence of key `name` in the file ending with `suffix`.
    fn occurrence(&self, name: &str, suffix: &str) -> Result<Occurrence> {
        let fingerprint = Fingerprint::of(&key(name));
        collect(&options(self.dir.path(), &[]))
            .occurrences
            .into_iter()
            .find(|occurrence| {
                occurrence.file.path.to_string_lossy().ends_with(suffix)
                    && occurrence
                        .key()
                        .is_some_and(|key| key.fingerprint == fingerprint)
            })
            .ok_or_else(|| format!("{name} in {suffix}").into())
    }
}

/// Asserts that `after` is `before` with every `old` replaced by `new` and
/// nothing else changed, except where `old` must stay (comments).
fn assert_only_key_changed(before: &str, after: &str, old: &str, new: &str, kept: usize) {
    assert_eq!(
        after.matches(old).count(),
        kept,
        "the old key stays only where it is not used"
    );
    assert_eq!(
        after.replace(new, old),
        before,
        "nothing but the key changed"
    );
}

#[test]
fn rotating_a_key_in_jsonc_keeps_comments_trailing_commas_and_order() -> Result {
    let fixture = Fixture::new()?;
    let path = fixture.path("home/.cursor/mcp.json");
    let before = fs::read_to_string(&path)?;
    let occurrence = fixture.occurrence("K06", ".cursor/mcp.json")?;
    let new_key = ApiKey::generate(Environment::Development)?;
    let outcome = replace_key(
        &Target::from(&occurrence),
        &Fingerprint::of(&key("K06")),
        &new_key,
        &fixture.edit_options(),
    )?;
    assert_eq!(outcome.replaced, 1);
    let after = fs::read_to_string(&path)?;
    assert_only_key_changed(&before, &after, &key("K06"), new_key.expose_secret(), 0);
    assert_eq!(
        fs::read_to_string(&outcome.backup)?,
        before,
        "the backup restores the old file"
    );
    assert!(outcome.backup.starts_with(fixture.path("backups")));
    Ok(())
}

#[test]
fn rotating_a_key_in_toml_and_yaml_changes_only_the_key() -> Result {
    let fixture = Fixture::new()?;
    for (name, rel, kept_in_comment) in [
        ("K18", "home/.codex/config.toml", 0),
        ("K14", "home/.continue/config.yaml", 0),
        ("K15", "projects/tools/.continue/mcpServers/team.yaml", 0),
    ] {
        let path = fixture.path(rel);
        let before = fs::read_to_string(&path)?;
        let occurrence = fixture.occurrence(name, rel)?;
        let new_key = ApiKey::generate(Environment::Development)?;
        replace_key(
            &Target::from(&occurrence),
            &Fingerprint::of(&key(name)),
            &new_key,
            &fixture.edit_options(),
        )?;
        let after = fs::read_to_string(&path)?;
        assert_only_key_changed(
            &before,
            &after,
            &key(name),
            new_key.expose_secret(),
            kept_in_comment,
        );
        // The commented-out key (K20) was left alone.
        assert_eq!(
            before.matches(&key("K20")).count(),
            after.matches(&key("K20")).count()
        );
    }
    Ok(())
}

#[test]
fn crlf_line_endings_survive_an_edit() -> Result {
    let fixture = Fixture::new()?;
    let path = fixture.path("home/.copilot/mcp-config.json");
    let crlf = fs::read_to_string(&path)?.replace('\n', "\r\n");
    fs::write(&path, &crlf)?;
    let occurrence = fixture.occurrence("K19", "mcp-config.json")?;
    let new_key = ApiKey::generate(Environment::Development)?;
    replace_key(
        &Target::from(&occurrence),
        &Fingerprint::of(&key("K19")),
        &new_key,
        &fixture.edit_options(),
    )?;
    let after = fs::read_to_string(&path)?;
    assert_only_key_changed(&crlf, &after, &key("K19"), new_key.expose_secret(), 0);
    Ok(())
}

#[cfg(unix)]
#[test]
fn permissions_are_kept_and_a_symlinked_config_stays_a_symlink() -> Result {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new()?;
    let home = fixture.path("home");
    // The real file lives in a dotfiles folder; the config path links to it.
    let real = fixture.path("dotfiles/windsurf.json");
    fs::create_dir_all(fixture.path("dotfiles"))?;
    let link = home.join(".codeium/windsurf/mcp_config.json");
    fs::rename(&link, &real)?;
    std::os::unix::fs::symlink(&real, &link)?;
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640))?;

    let occurrence = fixture.occurrence("K10", "mcp_config.json")?;
    assert!(occurrence.file.is_symlink(), "discovery reports the link");
    let new_key = ApiKey::generate(Environment::Development)?;
    let outcome = replace_key(
        &Target::from(&occurrence),
        &Fingerprint::of(&key("K10")),
        &new_key,
        &fixture.edit_options(),
    )?;
    assert_eq!(outcome.written, fs::canonicalize(&real)?);
    assert!(
        fs::symlink_metadata(&link)?.file_type().is_symlink(),
        "the link is kept"
    );
    assert!(fs::read_to_string(&real)?.contains(new_key.expose_secret()));
    assert_eq!(fs::metadata(&real)?.permissions().mode() & 0o777, 0o640);
    let backup_mode = fs::metadata(&outcome.backup)?.permissions().mode() & 0o777;
    assert_eq!(backup_mode, 0o600, "the backup holds a key: user only");
    Ok(())
}

#[test]
fn a_file_that_does_not_parse_is_never_written() -> Result {
    let fixture = Fixture::new()?;
    let path = fixture.path("home/.cursor/mcp.json");
    let occurrence = fixture.occurrence("K06", ".cursor/mcp.json")?;
    let broken = fs::read_to_string(&path)?.replacen('{', "{ \"x\": [", 1);
    fs::write(&path, &broken)?;
    let new_key = ApiKey::generate(Environment::Development)?;
    let result = replace_key(
        &Target::from(&occurrence),
        &Fingerprint::of(&key("K06")),
        &new_key,
        &fixture.edit_options(),
    );
    assert!(matches!(result, Err(Error::Parse { .. })), "{result:?}");
    assert_eq!(fs::read_to_string(&path)?, broken);
    assert!(
        !fixture.path("backups").exists(),
        "no backup either: nothing was done"
    );
    Ok(())
}

#[test]
fn a_key_that_is_no_longer_there_is_not_found() -> Result {
    let fixture = Fixture::new()?;
    let occurrence = fixture.occurrence("K06", ".cursor/mcp.json")?;
    let new_key = ApiKey::generate(Environment::Development)?;
    let other = Fingerprint::of(&key("K01"));
    let result = replace_key(
        &Target::from(&occurrence),
        &other,
        &new_key,
        &fixture.edit_options(),
    );
    assert!(matches!(result, Err(Error::KeyNotFound(_))), "{result:?}");
    Ok(())
}

#[test]
fn a_change_made_meanwhile_by_another_program_is_not_overwritten() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("config.json");
    fs::write(&path, "{\"a\": 1}")?;
    let read = content_hash(b"{\"a\": 1}");
    // Another program writes between our read and our write.
    fs::write(&path, "{\"a\": 2}")?;
    let result = write_atomic(&path, b"{\"a\": 3}", Some(read));
    assert!(
        matches!(result, Err(Error::ConcurrentChange(_))),
        "{result:?}"
    );
    assert_eq!(fs::read_to_string(&path)?, "{\"a\": 2}");
    let leftovers: Vec<_> = fs::read_dir(dir.path())?.collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    Ok(())
}

#[test]
fn a_key_moves_to_the_clients_own_variable_syntax() -> Result {
    let fixture = Fixture::new()?;
    for (name, rel, client, expected) in [
        (
            "K06",
            "home/.cursor/mcp.json",
            ClientId::Cursor,
            "Bearer ${env:MCP_KEYS_CURSOR}\"",
        ),
        (
            "K05",
            "projects/webapp/.mcp.json",
            ClientId::ClaudeCode,
            "Bearer ${MCP_KEYS_CURSOR}\"",
        ),
        (
            "K16",
            "home/.gemini/settings.json",
            ClientId::GeminiCli,
            "Bearer ${MCP_KEYS_CURSOR}\"",
        ),
    ] {
        let path = fixture.path(rel);
        let before = fs::read_to_string(&path)?;
        let occurrence = fixture.occurrence(name, rel)?;
        assert_eq!(occurrence.file.client, client);
        move_key_to_env(
            &Target::from(&occurrence),
            &Fingerprint::of(&key(name)),
            "MCP_KEYS_CURSOR",
            &fixture.edit_options(),
        )?;
        let after = fs::read_to_string(&path)?;
        assert!(after.contains(expected), "{after}");
        assert!(!after.contains(&key(name)));
        let reference = expected.trim_start_matches("Bearer ").trim_end_matches('"');
        assert_eq!(
            after.replace(reference, &key(name)),
            before,
            "only the key's bytes changed"
        );
    }
    Ok(())
}

#[test]
fn clients_without_a_variable_form_refuse_the_move() -> Result {
    let fixture = Fixture::new()?;
    let occurrence = fixture.occurrence("K18", "home/.codex/config.toml")?;
    let result = move_key_to_env(
        &Target::from(&occurrence),
        &Fingerprint::of(&key("K18")),
        "X",
        &fixture.edit_options(),
    );
    assert!(
        matches!(result, Err(Error::EnvRefUnsupported { client: "codex" })),
        "{result:?}"
    );
    let occurrence = fixture.occurrence("K06", ".cursor/mcp.json")?;
    let result = move_key_to_env(
        &Target::from(&occurrence),
        &Fingerprint::of(&key("K06")),
        "1BAD",
        &fixture.edit_options(),
    );
    assert!(
        matches!(result, Err(Error::InvalidVariableName(_))),
        "{result:?}"
    );
    Ok(())
}

#[test]
fn a_gitignore_entry_is_added_once_with_the_files_line_endings() -> Result {
    let dir = tempfile::tempdir()?;
    let project = dir.path();
    let options = EditOptions {
        backup_dir: project.join("backups"),
        ..EditOptions::default()
    };
    let config = project.join(".cursor/mcp.json");
    let created = add_gitignore_entry(project, &config, &options)?;
    assert_eq!(fs::read_to_string(&created.written)?, "/.cursor/mcp.json\n");
    fs::write(project.join(".gitignore"), "target\r\nnode_modules")?;
    add_gitignore_entry(project, &config, &options)?;
    assert_eq!(
        fs::read_to_string(project.join(".gitignore"))?,
        "target\r\nnode_modules\r\n/.cursor/mcp.json\r\n"
    );
    let again = add_gitignore_entry(project, &config, &options)?;
    assert_eq!(again.replaced, 0, "an existing entry is not added twice");
    assert!(add_gitignore_entry(project, Path::new("/elsewhere/x.json"), &options).is_err());
    Ok(())
}
