//! IDE scan results.

use chrono::Duration;
use mcp_keys_store::ScanResult;

use crate::support::{TestStore, t0};

fn result(client: &str, status: &str) -> ScanResult {
    ScanResult {
        client: client.into(),
        config_path: format!("/home/u/.config/{client}/mcp.json"),
        scope: "global".into(),
        server_name: "demo".into(),
        url: Some("http://127.0.0.1:7410/v1/products/p1/surfaces/s1/mcp".into()),
        key_prefix: Some("mcp_dev_AbCdEfGh".into()),
        fingerprint: Some("ab".repeat(32)),
        key_id: Some("k1".into()),
        surface_id: None,
        status: status.into(),
        scanned_at: t0(),
    }
}

#[tokio::test]
async fn each_scan_replaces_all_previous_results() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    store
        .replace_scan_results(
            &[result("cursor", "active"), result("zed", "revoked")],
            t0(),
        )
        .await?;
    assert_eq!(
        store.list_scan_results().await?,
        [result("cursor", "active"), result("zed", "revoked")]
    );
    let later = t0() + Duration::hours(1);
    store
        .replace_scan_results(&[result("vscode", "unknown")], later)
        .await?;
    let results = store.list_scan_results().await?;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].client, "vscode");
    // The scan's own time wins over whatever the result carried.
    assert_eq!(results[0].scanned_at, later);
    store.replace_scan_results(&[], later).await?;
    assert!(store.list_scan_results().await?.is_empty());
    Ok(())
}
