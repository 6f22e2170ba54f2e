//! No key or management token ever lands in the data folder, even when a
//! caller hands one to the store by mistake.

use mcp_keys_core::{ApiKey, Environment, ManagementToken, Sensitive};
use mcp_keys_store::test_support::{assert_no_secrets_in, assert_none_of_in, find_secrets_in};
use mcp_keys_store::{
    CacheItem, Error, MemorySecrets, NewAuditEntry, ReminderReason, ScanResult, SecretStore,
};
use serde_json::json;

use crate::support::{TestStore, add_connection, t0};

#[tokio::test]
async fn every_table_filled_with_public_key_facts_leaves_no_secret_on_disk() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    let key = ApiKey::generate(Environment::Production)?;
    let token = ManagementToken::generate()?;

    let connection = add_connection(store, "work").await?;
    // The token goes to a secret store, never to the database.
    let secrets = MemorySecrets::new();
    secrets.set(
        connection.keyring_account(),
        &Sensitive::new(token.expose_secret().to_owned()),
    )?;
    let metadata = json!({
        "id": key.id(),
        "keyPrefix": key.key_prefix(),
        "keyHint": key.key_hint(),
        "fingerprint": key.fingerprint().to_string(),
    });
    store
        .replace_cached_keys(
            &connection.id,
            "s1",
            &[CacheItem {
                id: key.id().to_owned(),
                parent_id: "s1".into(),
                data: metadata,
            }],
            t0(),
        )
        .await?;
    store
        .replace_scan_results(
            &[ScanResult {
                client: "cursor".into(),
                config_path: "/home/u/.cursor/mcp.json".into(),
                scope: "global".into(),
                server_name: "demo".into(),
                url: None,
                // A prefix next to a fingerprint: the shape of a key in the
                // file, but not its checksum.
                key_prefix: Some(key.key_prefix().to_owned()),
                fingerprint: Some(key.fingerprint().to_string()),
                key_id: Some(key.id().to_owned()),
                surface_id: Some("s1".into()),
                status: "active".into(),
                scanned_at: t0(),
            }],
            t0(),
        )
        .await?;
    store
        .record_audit(
            &NewAuditEntry {
                actor: "cli".into(),
                action: "key.create".into(),
                key_id: Some(key.id().to_owned()),
                ..NewAuditEntry::default()
            },
            t0(),
        )
        .await?;
    store
        .try_claim_notification(
            key.id(),
            ReminderReason::RotationDue,
            t0(),
            chrono::Duration::days(1),
        )
        .await?;
    store.set_rotation_anchor(key.id(), t0()).await?;

    // Looked at while the store is open (the WAL holds the latest writes)
    // and after it is closed (they are in the database file).
    assert_no_secrets_in(test.dir.path());
    assert_none_of_in(
        test.dir.path(),
        &[key.expose_secret(), token.expose_secret()],
    );
    store.close().await;
    assert_no_secrets_in(test.dir.path());
    assert_none_of_in(
        test.dir.path(),
        &[key.expose_secret(), token.expose_secret()],
    );
    Ok(())
}

#[tokio::test]
async fn a_plaintext_key_or_token_handed_to_the_store_is_refused() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    let key = ApiKey::generate(Environment::Development)?;
    let token = ManagementToken::generate()?;
    let connection = add_connection(store, "work").await?;

    // The body of a create response holds the key once: never cache it.
    let created = json!({"id": key.id(), "key": key.expose_secret()});
    let refused = store
        .replace_cached_keys(
            &connection.id,
            "s1",
            &[CacheItem {
                id: key.id().to_owned(),
                parent_id: "s1".into(),
                data: created,
            }],
            t0(),
        )
        .await;
    assert!(
        matches!(refused, Err(Error::SecretInData(_))),
        "{refused:?}"
    );

    let refused = store
        .record_audit(
            &NewAuditEntry {
                actor: "cli".into(),
                action: "connection.add".into(),
                detail: Some(format!("token {}", token.expose_secret())),
                ..NewAuditEntry::default()
            },
            t0(),
        )
        .await;
    assert!(
        matches!(refused, Err(Error::SecretInData(_))),
        "{refused:?}"
    );
    // The message names what was refused, not the secret.
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(!message.contains(token.expose_secret()));

    store.close().await;
    assert_no_secrets_in(test.dir.path());
    assert_none_of_in(
        test.dir.path(),
        &[key.expose_secret(), token.expose_secret()],
    );
    Ok(())
}

#[test]
fn the_scan_finds_a_key_or_token_in_any_file_and_names_only_its_prefix() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let key = ApiKey::generate(Environment::Production)?;
    let token = ManagementToken::generate()?;
    std::fs::create_dir(dir.path().join("nested"))?;
    let mut blob = vec![0_u8, 1, 2, 255];
    blob.extend_from_slice(key.expose_secret().as_bytes());
    std::fs::write(dir.path().join("nested").join("blob.bin"), blob)?;
    std::fs::write(
        dir.path().join("config.json"),
        format!(r#"{{"token":"{}"}}"#, token.expose_secret()),
    )?;
    // A prefix glued to a fingerprint is not a secret.
    std::fs::write(
        dir.path().join("public.txt"),
        format!("{}{}", key.key_prefix(), key.fingerprint()),
    )?;
    let found = find_secrets_in(dir.path())?;
    let prefixes: Vec<&str> = found.iter().map(|hit| hit.prefix.as_str()).collect();
    assert_eq!(prefixes, [token.token_prefix(), key.key_prefix()]);
    assert_eq!(found[1].offset, 4);
    let panic = std::panic::catch_unwind(|| assert_no_secrets_in(dir.path()));
    let message = panic
        .err()
        .and_then(|payload| payload.downcast::<String>().ok())
        .map(|message| *message)
        .unwrap_or_default();
    assert!(message.contains("blob.bin"), "{message}");
    assert!(
        !message.contains(key.expose_secret()),
        "the panic leaks the key"
    );
    assert!(
        !message.contains(token.expose_secret()),
        "the panic leaks the token"
    );
    Ok(())
}
