//! Opening: a fresh file is created and migrated, reopening keeps the data,
//! the pragmas are set, the files are private, and the data folder follows
//! MCP_KEYS_DATA_DIR.

use mcp_keys_store::Store;

use crate::support::{TestStore, add_connection, db_path};

#[tokio::test]
async fn a_fresh_file_is_migrated_and_reopening_keeps_its_data() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // A folder that does not exist yet, two levels deep.
    let path = db_path(&dir.path().join("a").join("b"));
    let store = Store::open(&path).await?;
    add_connection(&store, "work").await?;
    store.close().await;

    let reopened = Store::open(&path).await?;
    let names: Vec<String> = reopened
        .list_connections()
        .await?
        .into_iter()
        .map(|connection| connection.name)
        .collect();
    assert_eq!(names, ["work"]);
    // The seeded defaults are there once, not once per open.
    assert_eq!(reopened.rotation_policy().await?.production_days, 90);
    Ok(())
}

#[tokio::test]
async fn the_database_file_is_in_wal_mode() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let path = test.store.path().to_owned();
    test.store.close().await;
    // WAL is a property of the file, so a plain connection of its own sees
    // it. Foreign keys and the busy timeout are per connection: the cascade
    // test below and the two-process tests depend on them.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut connection = sqlx::ConnectOptions::connect(&options).await?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut connection)
        .await?;
    assert_eq!(mode, "wal");
    Ok(())
}

#[tokio::test]
async fn removing_a_connection_cascades_to_its_cache_so_foreign_keys_are_on() -> anyhow::Result<()>
{
    let test = TestStore::new().await?;
    let connection = add_connection(&test.store, "work").await?;
    test.store
        .replace_cached_products(
            &connection.id,
            &[mcp_keys_store::CacheItem {
                id: "p1".into(),
                parent_id: String::new(),
                data: serde_json::json!({"id": "p1", "name": "Demo"}),
            }],
            crate::support::t0(),
        )
        .await?;
    test.store.remove_connection(&connection.id).await?;
    assert!(test.store.cached_products(&connection.id).await?.is_empty());
    Ok(())
}

#[cfg(unix)]
#[tokio::test]
async fn the_folder_and_the_files_are_private_to_the_user() -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let store = Store::open(&db_path(&data)).await?;
    add_connection(&store, "work").await?;
    let mode = |path: &std::path::Path| -> anyhow::Result<u32> {
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
    };
    assert_eq!(mode(&data)?, 0o700, "the data folder");
    for entry in std::fs::read_dir(&data)? {
        let path = entry?.path();
        // The database, its -wal and -shm files and the migration lock.
        assert_eq!(mode(&path)?, 0o600, "{}", path.display());
    }
    Ok(())
}

#[test]
fn the_data_folder_is_mcp_keys_in_the_platform_data_folder_unless_overridden() -> anyhow::Result<()>
{
    // The variable is not changed here (that would race with other tests):
    // whichever case this process is in, the answer must match it.
    let dir = mcp_keys_store::data_dir()?;
    match std::env::var_os(mcp_keys_store::DATA_DIR_VAR).filter(|value| !value.is_empty()) {
        Some(value) => assert_eq!(dir, std::path::PathBuf::from(value)),
        None => {
            assert!(dir.ends_with("mcp-keys"), "{}", dir.display());
            assert!(dir.is_absolute());
        }
    }
    Ok(())
}

#[test]
fn mcp_keys_data_dir_overrides_the_data_folder() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let output = crate::support::child(
        "open::child_prints_the_data_dir",
        "data-dir",
        &[(
            mcp_keys_store::DATA_DIR_VAR,
            dir.path().to_str().unwrap_or_default(),
        )],
    )?
    .output()?;
    let lines = crate::support::child_lines(&output)?;
    assert_eq!(lines, [dir.path().display().to_string()]);
    Ok(())
}

/// A child's half of the test above; passes and does nothing when run as
/// an ordinary test.
#[tokio::test]
async fn child_prints_the_data_dir() -> anyhow::Result<()> {
    if std::env::var(crate::support::CHILD_ROLE_VAR).as_deref() != Ok("data-dir") {
        return Ok(());
    }
    let dir = mcp_keys_store::data_dir()?;
    println!("{}{}", crate::support::CHILD_MARK, dir.display());
    // open_default uses that folder.
    let store = Store::open_default().await?;
    anyhow::ensure!(store.path() == dir.join(mcp_keys_store::DB_FILE_NAME));
    Ok(())
}
