//! Lists longer than a page: single pages and whole walks.

use anyhow::{Context, Result};
use mcp_keys_client::{EventFilter, NewKey, PageRequest};

use crate::support::Service;

#[tokio::test]
async fn a_walk_follows_the_cursor_over_several_pages_without_gaps() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client_paged(2)?;
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(client.create_product(&format!("Product {n}")).await?);
    }

    let first = client.list_products(&PageRequest::first(2)).await?;
    assert_eq!(first.data, created[..2]);
    assert_eq!(first.pagination.has_more, Some(true));
    assert_eq!(first.pagination.total_count, Some(5));
    let second = client
        .list_products(&PageRequest {
            limit: Some(2),
            cursor: Some(first.next_cursor().context("a cursor")?.to_owned()),
        })
        .await?;
    assert_eq!(second.data, created[2..4]);

    assert_eq!(
        client.list_products_all().await?,
        created,
        "three pages of two, in creation order"
    );
    Ok(())
}

#[tokio::test]
async fn key_and_event_lists_walk_their_pages_too() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client_paged(2)?;
    let (product, surface) = service.surface(&[]).await?;
    let mut ids = Vec::new();
    for n in 0..5 {
        let key = client
            .create_key(&product.id, &surface.id, &NewKey::named(format!("key {n}")))
            .await?;
        ids.push(key.metadata.id);
    }
    let listed: Vec<String> = client
        .list_keys_all(&product.id, &surface.id)
        .await?
        .into_iter()
        .map(|key| key.id)
        .collect();
    let mut sorted_ids = ids.clone();
    sorted_ids.sort();
    let mut sorted_listed = listed.clone();
    sorted_listed.sort();
    assert_eq!(sorted_listed, sorted_ids, "every key once: {listed:?}");

    let events = client.list_events_all(&EventFilter::default()).await?;
    assert_eq!(events.len(), 5, "one key_created per key");
    Ok(())
}
