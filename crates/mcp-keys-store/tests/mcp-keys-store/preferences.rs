//! Preferences: named values that survive reopening the store, never a key.

use mcp_keys_core::ApiKey;
use mcp_keys_store::{Error, Store};

use crate::support::{TestStore, db_path};

#[tokio::test]
async fn a_preference_is_unset_until_set_then_kept_across_reopening() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    assert_eq!(
        test.store.preference("clipboard_clear_seconds").await?,
        None
    );
    test.store
        .set_preference("clipboard_clear_seconds", "30")
        .await?;
    test.store
        .set_preference("clipboard_clear_seconds", "20")
        .await?;
    let reopened = Store::open(&db_path(test.dir.path())).await?;
    assert_eq!(
        reopened.preference("clipboard_clear_seconds").await?,
        Some("20".to_owned())
    );
    Ok(())
}

#[tokio::test]
async fn a_key_is_refused_as_a_preference_value() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let key = ApiKey::generate(mcp_keys_core::Environment::Development)?;
    let refused = test.store.set_preference("note", key.expose_secret()).await;
    assert!(
        matches!(refused, Err(Error::SecretInData(_))),
        "{refused:?}"
    );
    assert_eq!(test.store.preference("note").await?, None);
    Ok(())
}
