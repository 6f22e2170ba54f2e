//! A surface in front of a real MCP server, set up in the app the way a
//! person would: share a folder, generate a key scoped to reading, and a
//! client reads a file through the embedded key service; the call is in
//! the Activity tab.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use mcp_keys_e2e::{App, testid};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::flows::{close_reveal, shot, show_key, wait_for_text_in};

/// One JSON-RPC request with `key`: the status and the answer.
async fn rpc(url: &str, key: &str, method: &str, params: Value) -> Result<(StatusCode, Value)> {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .header("User-Agent", "e2e-client")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

#[tokio::test]
async fn a_shared_folder_is_read_by_a_client_with_a_key_scoped_to_reading() -> Result<()> {
    let app = App::launch("server-share-folder").await?;
    let notes = app.desktop().home().join("notes");
    std::fs::create_dir_all(&notes)?;
    let todo = notes.join("todo.md");
    std::fs::write(&todo, "buy milk\n")?;

    // Share a folder: the surface's capabilities are the filesystem
    // server's tools, read from it (npx fetches the pinned server once).
    app.click("upstream-kind-folder").await?;
    app.fill("upstream-value", &notes.display().to_string())
        .await?;
    shot(&app, "share-folder-form").await?;
    app.click("first-surface-submit").await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    while app.find(&testid("surface-view")).await.is_err() {
        if Instant::now() > deadline {
            bail!("the surface did not open");
        }
    }
    app.click("tab-server").await?;
    wait_for_text_in(&app, &testid("server-items"), "read_text_file").await?;
    wait_for_text_in(&app, &testid("server-state"), "Running").await?;
    shot(&app, "server-tab").await?;
    app.click("tab-connect").await?;
    let url = app.text(&testid("connect-url")).await?.trim().to_owned();

    // A key that may only read.
    app.click("tab-keys").await?;
    app.click("generate-key").await?;
    app.fill("generate-name", "MCP - reader").await?;
    app.click("generate-scope-read_text_file").await?;
    shot(&app, "generate-scoped").await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    let key = show_key(&app).await?;
    close_reveal(&app).await?;

    // A client reads the file; a write is refused before the server sees it.
    let path = todo.display().to_string();
    let (status, read) = rpc(
        &url,
        &key,
        "tools/call",
        json!({"name": "read_text_file", "arguments": {"path": path}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert!(read.to_string().contains("buy milk"), "{read}");
    let (status, _) = rpc(
        &url,
        &key,
        "tools/call",
        json!({"name": "write_file", "arguments": {"path": path, "content": "x"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(std::fs::read_to_string(&todo)?, "buy milk\n");

    // The Activity tab shows who called what.
    // (Calls are written about once a second.)
    tokio::time::sleep(Duration::from_secs(2)).await;
    app.click("tab-activity").await?;
    app.click("activity-refresh").await?;
    let text = wait_for_text_in(&app, &testid("activity-list"), "read_text_file").await?;
    assert!(text.contains("e2e-client"), "{text}");
    shot(&app, "activity-call").await?;
    app.close().await
}
