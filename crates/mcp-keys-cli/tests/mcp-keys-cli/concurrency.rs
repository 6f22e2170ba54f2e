//! The CLI and another process (the desktop app, here this test) write the
//! shared store at the same time, and nothing is lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use mcp_keys_store::{AuditFilter, NewAuditEntry, Store};

use crate::cli::{Cli, KeyService, text};

/// CLI processes started at once.
const COMMANDS: usize = 8;

#[tokio::test]
async fn cli_processes_and_another_writer_share_the_store_without_losing_writes() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Arc::new(Cli::ad_hoc(&service)?);
    let surface = cli.surface(&[]).await?;
    let surface_id = text(&surface, "id")?;
    // Open as the desktop app would, and write for as long as the
    // commands run.
    let store = Store::open(&cli.db_path()).await?;
    let before = audit_actions(&store).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let store = store.clone();
        let stop = Arc::clone(&stop);
        tokio::spawn(async move {
            let mut written = 0;
            while !stop.load(Ordering::Relaxed) {
                let entry = NewAuditEntry {
                    actor: "app".to_owned(),
                    action: "test.write".to_owned(),
                    connection_id: None,
                    product_id: None,
                    surface_id: None,
                    key_id: None,
                    detail: Some(format!("write {written}")),
                };
                store.record_audit(&entry, Utc::now()).await?;
                written += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            anyhow::Ok(written)
        })
    };

    let mut commands = tokio::task::JoinSet::new();
    for n in 0..COMMANDS {
        let cli = Arc::clone(&cli);
        let args: Vec<String> = if n % 2 == 0 {
            vec![
                "keys".into(),
                "create".into(),
                surface_id.clone(),
                "--name".into(),
                format!("k{n}"),
            ]
        } else {
            vec!["products".into(), "create".into(), format!("p{n}")]
        };
        commands.spawn(async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cli.run(&args).await
        });
    }
    while let Some(result) = commands.join_next().await {
        let run = result??;
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.await??;

    let after = audit_actions(&store).await?;
    let added = |action: &str| {
        after.iter().filter(|a| *a == action).count()
            - before.iter().filter(|a| *a == action).count()
    };
    assert_eq!(
        added("key.create"),
        COMMANDS / 2,
        "every key the CLI created is in the log"
    );
    assert_eq!(
        added("product.create"),
        COMMANDS / 2,
        "every product the CLI created is in the log"
    );
    assert!(written > 0);
    assert_eq!(added("test.write"), written, "and so is every other write");
    Ok(())
}

async fn audit_actions(store: &Store) -> Result<Vec<String>> {
    let entries = store
        .list_audit(&AuditFilter {
            limit: Some(10_000),
            ..AuditFilter::default()
        })
        .await
        .context("reading the audit log")?;
    Ok(entries.into_iter().map(|entry| entry.action).collect())
}
