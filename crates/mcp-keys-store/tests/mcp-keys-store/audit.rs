//! The local audit log.

use chrono::Duration;
use mcp_keys_store::{AuditFilter, NewAuditEntry};

use crate::support::{TestStore, t0};

fn entry(action: &str, key_id: Option<&str>) -> NewAuditEntry {
    NewAuditEntry {
        actor: "cli".into(),
        action: action.into(),
        connection_id: Some("c1".into()),
        product_id: Some("p1".into()),
        surface_id: Some("s1".into()),
        key_id: key_id.map(str::to_owned),
        detail: Some("grace 1h".into()),
    }
}

#[tokio::test]
async fn entries_are_listed_newest_first_and_filtered_by_key() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    let created = store
        .record_audit(&entry("key.create", Some("k1")), t0())
        .await?;
    store
        .record_audit(&entry("connection.add", None), t0() + Duration::seconds(1))
        .await?;
    let rolled = store
        .record_audit(&entry("key.roll", Some("k1")), t0() + Duration::seconds(2))
        .await?;
    assert_eq!(created.at, t0());
    assert_eq!(created.detail.as_deref(), Some("grace 1h"));
    let all = store.list_audit(&AuditFilter::default()).await?;
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["key.roll", "connection.add", "key.create"]);
    let for_key = store
        .list_audit(&AuditFilter {
            key_id: Some("k1".into()),
            ..AuditFilter::default()
        })
        .await?;
    assert_eq!(for_key, [rolled.clone(), created.clone()]);
    Ok(())
}

#[tokio::test]
async fn the_log_is_paged_with_a_limit_and_the_last_id_seen() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    for index in 0..5 {
        test.store
            .record_audit(&entry(&format!("action.{index}"), None), t0())
            .await?;
    }
    let first = test
        .store
        .list_audit(&AuditFilter {
            limit: Some(2),
            ..AuditFilter::default()
        })
        .await?;
    let next = test
        .store
        .list_audit(&AuditFilter {
            limit: Some(2),
            before_id: first.last().map(|e| e.id),
            ..AuditFilter::default()
        })
        .await?;
    let actions: Vec<&str> = first
        .iter()
        .chain(&next)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["action.4", "action.3", "action.2", "action.1"]);
    Ok(())
}
