//! The offline cache: each refresh replaces what it covers, per connection
//! and per surface.

use chrono::Duration;
use mcp_keys_store::{CacheItem, Error};
use serde_json::json;

use crate::support::{TestStore, add_connection, t0};

fn item(id: &str, parent: &str) -> CacheItem {
    CacheItem {
        id: id.to_owned(),
        parent_id: parent.to_owned(),
        data: json!({"id": id, "name": format!("{id} name"), "parent": parent}),
    }
}

fn ids(entities: &[mcp_keys_store::CachedEntity]) -> Vec<&str> {
    entities.iter().map(|entity| entity.id.as_str()).collect()
}

#[tokio::test]
async fn a_refresh_of_products_replaces_the_previous_one_of_that_connection_only()
-> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let work = add_connection(&test.store, "work").await?;
    let home = add_connection(&test.store, "home").await?;
    let store = &test.store;
    store
        .replace_cached_products(&work.id, &[item("p1", ""), item("p2", "")], t0())
        .await?;
    store
        .replace_cached_products(&home.id, &[item("h1", "")], t0())
        .await?;
    let later = t0() + Duration::minutes(5);
    store
        .replace_cached_products(&work.id, &[item("p2", ""), item("p3", "")], later)
        .await?;
    let products = store.cached_products(&work.id).await?;
    assert_eq!(ids(&products), ["p2", "p3"]);
    assert!(products.iter().all(|product| product.fetched_at == later));
    assert_eq!(products[0].data["name"], "p2 name");
    assert_eq!(products[0].parent_id, None);
    assert_eq!(ids(&store.cached_products(&home.id).await?), ["h1"]);
    Ok(())
}

#[tokio::test]
async fn surfaces_are_cached_with_their_product() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let work = add_connection(&test.store, "work").await?;
    test.store
        .replace_cached_surfaces(&work.id, &[item("s1", "p1"), item("s2", "p2")], t0())
        .await?;
    test.store
        .replace_cached_surfaces(&work.id, &[item("s2", "p2")], t0())
        .await?;
    let surfaces = test.store.cached_surfaces(&work.id).await?;
    assert_eq!(ids(&surfaces), ["s2"]);
    assert_eq!(surfaces[0].parent_id.as_deref(), Some("p2"));
    Ok(())
}

#[tokio::test]
async fn a_refresh_of_keys_replaces_only_that_surface() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let work = add_connection(&test.store, "work").await?;
    let store = &test.store;
    store
        .replace_cached_keys(&work.id, "s1", &[item("k1", "s1"), item("k2", "s1")], t0())
        .await?;
    store
        .replace_cached_keys(&work.id, "s2", &[item("k3", "s2")], t0())
        .await?;
    store
        .replace_cached_keys(&work.id, "s1", &[item("k4", "s1")], t0())
        .await?;
    assert_eq!(ids(&store.cached_keys(&work.id, Some("s1")).await?), ["k4"]);
    assert_eq!(ids(&store.cached_keys(&work.id, Some("s2")).await?), ["k3"]);
    assert_eq!(ids(&store.cached_keys(&work.id, None).await?), ["k3", "k4"]);
    // An empty refresh empties the surface.
    store.replace_cached_keys(&work.id, "s2", &[], t0()).await?;
    assert!(store.cached_keys(&work.id, Some("s2")).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_key_of_another_surface_is_refused_and_nothing_changes() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let work = add_connection(&test.store, "work").await?;
    test.store
        .replace_cached_keys(&work.id, "s1", &[item("k1", "s1")], t0())
        .await?;
    let refused = test
        .store
        .replace_cached_keys(&work.id, "s1", &[item("k9", "s9")], t0())
        .await;
    assert!(matches!(refused, Err(Error::Invalid(_))));
    assert_eq!(ids(&test.store.cached_keys(&work.id, None).await?), ["k1"]);
    Ok(())
}

#[tokio::test]
async fn caching_for_an_unknown_connection_fails() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let refused = test
        .store
        .replace_cached_products("no-such-connection", &[item("p1", "")], t0())
        .await;
    assert!(matches!(refused, Err(Error::Db(_))), "{refused:?}");
    Ok(())
}
