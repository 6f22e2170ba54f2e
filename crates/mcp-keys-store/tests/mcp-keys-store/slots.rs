//! Keyring slots: the secret in the keyring (the in-memory store here, the
//! real one in the end-to-end tests) and the index in the database, which
//! never holds the key.

use mcp_keys_core::{ApiKey, Environment, Sensitive};
use mcp_keys_store::{
    MemorySecrets, SlotName, SlotSecret, delete_slot_secret, read_slot, write_slot,
};

use crate::support::{TestStore, t0};

const URL: &str = "http://127.0.0.1:7410/mcp/srf_docs";

#[tokio::test]
async fn a_slot_keeps_its_key_in_the_keyring_and_only_its_prefix_in_the_index() -> anyhow::Result<()>
{
    let test = TestStore::new().await?;
    let secrets = MemorySecrets::default();
    let name = SlotName::new("claude-code-docs")?;
    let key = ApiKey::generate(Environment::Development)?;
    write_slot(
        &secrets,
        &name,
        &SlotSecret {
            url: URL.to_owned(),
            key_id: "k1".to_owned(),
            key: Sensitive::new(key.expose_secret().to_owned()),
        },
    )?;
    let slot = test
        .store
        .put_slot(&name, URL, "k1", &key, Some("srf_docs"), t0())
        .await?;
    assert_eq!(slot.key_prefix, key.key_prefix());

    let read = read_slot(&secrets, &name)?;
    assert_eq!(read.url, URL);
    assert_eq!(read.key_id, "k1");
    assert_eq!(read.key.expose(), key.expose_secret());

    assert_eq!(test.store.slots_of_key("k1").await?, vec![slot.clone()]);
    assert_eq!(test.store.slots_for_url(URL).await?, vec![slot.clone()]);
    let database = std::fs::read(crate::support::db_path(test.dir.path()))?;
    assert!(
        !database
            .windows(key.expose_secret().len())
            .any(|window| window == key.expose_secret().as_bytes()),
        "the key is not in the database"
    );

    assert!(
        test.store
            .set_slot_use(&name, "claude-code", "helper")
            .await?
    );
    // A roll moves the slot to the new key; the surface and its use are kept.
    let rolled = ApiKey::generate(Environment::Development)?;
    let moved = test
        .store
        .put_slot(&name, URL, "k2", &rolled, None, t0())
        .await?;
    assert_eq!(moved.surface_id.as_deref(), Some("srf_docs"));
    assert_eq!(moved.client.as_deref(), Some("claude-code"));
    assert_eq!(moved.via.as_deref(), Some("helper"));
    assert!(test.store.slots_of_key("k1").await?.is_empty());
    assert_eq!(test.store.list_slots().await?.len(), 1);

    delete_slot_secret(&secrets, &name)?;
    assert!(read_slot(&secrets, &name).is_err(), "gone from the keyring");
    assert!(test.store.delete_slot(&name).await?);
    assert!(test.store.slot(&name).await?.is_none());
    Ok(())
}

#[test]
fn slot_names_are_the_ones_configs_and_variables_can_carry() {
    assert!(SlotName::new("cursor-docs").is_ok());
    for bad in ["", "Cursor", "-docs", "docs slot", "docs/../x", "dócs"] {
        assert!(SlotName::new(bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        SlotName::slug(&["gemini-cli", "MCP Keys: Docs"]).env_var(),
        "MCP_KEY_GEMINI_CLI_MCP_KEYS_DOCS"
    );
}
