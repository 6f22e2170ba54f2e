//! Connections: add, list, find, default, remove.

use mcp_keys_store::{ConnectionKind, Error, NewConnection};

use crate::support::{TestStore, add_connection, t0};

#[tokio::test]
async fn the_first_connection_becomes_the_default_and_later_ones_do_not() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let first = add_connection(&test.store, "local").await?;
    let second = add_connection(&test.store, "work").await?;
    assert!(first.is_default);
    assert!(!second.is_default);
    assert_eq!(test.store.default_connection().await?, Some(first.clone()));
    assert_eq!(test.store.list_connections().await?, [first, second]);
    Ok(())
}

#[tokio::test]
async fn a_connection_is_found_by_id_or_by_name() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let saved = test
        .store
        .add_connection(
            &NewConnection {
                name: "runtype".into(),
                kind: ConnectionKind::Runtype,
                base_url: "https://api.example.test".into(),
            },
            t0(),
        )
        .await?;
    assert_eq!(saved.kind, ConnectionKind::Runtype);
    assert_eq!(saved.created_at, t0());
    assert_eq!(test.store.connection(&saved.id).await?, saved);
    assert_eq!(
        test.store.find_connection("runtype").await?,
        Some(saved.clone())
    );
    assert_eq!(test.store.find_connection("nope").await?, None);
    // The token's keyring account is the id, which a rename cannot change.
    assert_eq!(saved.keyring_account(), saved.id);
    assert!(matches!(
        test.store.connection("nope").await,
        Err(Error::NotFound {
            what: "connection",
            ..
        })
    ));
    Ok(())
}

#[tokio::test]
async fn a_second_connection_with_the_same_name_is_refused() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    add_connection(&test.store, "work").await?;
    let error = add_connection(&test.store, "work").await;
    let error = error
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(error.contains("\"work\" exists already"), "{error}");
    let blank = add_connection(&test.store, "  ").await;
    assert!(matches!(
        blank.err().and_then(|e| e.downcast::<Error>().ok()),
        Some(Error::Invalid(_))
    ));
    Ok(())
}

#[tokio::test]
async fn setting_the_default_moves_it_so_exactly_one_remains() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let first = add_connection(&test.store, "a").await?;
    let second = add_connection(&test.store, "b").await?;
    test.store.set_default_connection(&second.id).await?;
    let defaults: Vec<String> = test
        .store
        .list_connections()
        .await?
        .into_iter()
        .filter(|connection| connection.is_default)
        .map(|connection| connection.id)
        .collect();
    assert_eq!(defaults, std::slice::from_ref(&second.id));
    assert!(matches!(
        test.store.set_default_connection("missing").await,
        Err(Error::NotFound { .. })
    ));
    // The failed call changed nothing.
    assert_eq!(
        test.store.default_connection().await?.map(|c| c.id),
        Some(second.id)
    );
    assert!(!test.store.connection(&first.id).await?.is_default);
    Ok(())
}

#[tokio::test]
async fn removing_the_default_promotes_the_oldest_remaining_connection() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let first = add_connection(&test.store, "a").await?;
    let second = add_connection(&test.store, "b").await?;
    let third = add_connection(&test.store, "c").await?;
    let removed = test.store.remove_connection(&first.id).await?;
    assert_eq!(removed.id, first.id);
    assert_eq!(
        test.store.default_connection().await?.map(|c| c.id),
        Some(second.id.clone())
    );
    // Removing one that is not the default leaves the default alone.
    test.store.remove_connection(&third.id).await?;
    assert_eq!(
        test.store.default_connection().await?.map(|c| c.id),
        Some(second.id.clone())
    );
    test.store.remove_connection(&second.id).await?;
    assert_eq!(test.store.default_connection().await?, None);
    assert!(matches!(
        test.store.remove_connection(&second.id).await,
        Err(Error::NotFound { .. })
    ));
    Ok(())
}

#[test]
fn connection_kinds_are_written_in_kebab_case() -> anyhow::Result<()> {
    assert_eq!(
        serde_json::to_string(&ConnectionKind::McpKeys)?,
        r#""mcp-keys""#
    );
    for kind in ConnectionKind::ALL {
        assert_eq!(kind.as_str().parse::<ConnectionKind>()?, kind);
        assert_eq!(serde_json::to_value(kind)?, kind.as_str());
    }
    Ok(())
}
