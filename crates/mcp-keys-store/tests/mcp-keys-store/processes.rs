//! The desktop app and the CLI use the store at the same time: two real
//! processes (this test binary, run again as children) race on it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Child;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use mcp_keys_store::{AuditFilter, NewAuditEntry, ReminderReason, Store};

use crate::support::{CHILD_MARK, CHILD_ROLE_VAR, add_connection, child, child_lines, db_path, t0};

/// Keys both children try to claim a notification for.
const KEYS: usize = 200;
/// Connections and audit entries each writer adds.
const WRITES: usize = 60;

const CHILD_TEST: &str = "processes::child_entry_point";
const DB_VAR: &str = "MCP_KEYS_STORE_TEST_DB";
const GO_VAR: &str = "MCP_KEYS_STORE_TEST_GO";
const NAME_VAR: &str = "MCP_KEYS_STORE_TEST_NAME";

/// Starts two children in `role` on the database in `dir`, lets them go at
/// the same moment, and returns the lines each printed.
fn race(dir: &Path, role: &str) -> anyhow::Result<[Vec<String>; 2]> {
    let db = db_path(dir);
    let go = dir.join("go");
    let db = db.to_str().unwrap_or_default();
    let go_str = go.to_str().unwrap_or_default();
    let spawn = |name: &str| -> anyhow::Result<Child> {
        Ok(child(
            CHILD_TEST,
            role,
            &[(DB_VAR, db), (GO_VAR, go_str), (NAME_VAR, name)],
        )?
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?)
    };
    let first = spawn("a")?;
    let second = spawn("b")?;
    // Both have started their runtime by now on any sane machine; the go
    // file releases them together.
    std::thread::sleep(StdDuration::from_millis(300));
    std::fs::write(&go, b"go")?;
    Ok([
        child_lines(&first.wait_with_output()?)?,
        child_lines(&second.wait_with_output()?)?,
    ])
}

#[tokio::test]
async fn exactly_one_of_two_processes_wins_each_notification() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // Created before the race, so the children only race on the claims.
    Store::open(&db_path(dir.path())).await?.close().await;
    let [first, second] = race(dir.path(), "claim")?;
    let first: BTreeSet<String> = first.into_iter().collect();
    let second: BTreeSet<String> = second.into_iter().collect();
    assert!(
        first.is_disjoint(&second),
        "both sent: {:?}",
        first.intersection(&second).collect::<Vec<_>>()
    );
    let all: BTreeSet<String> = (0..KEYS).map(|index| format!("k{index}")).collect();
    let won: BTreeSet<String> = first.union(&second).cloned().collect();
    assert_eq!(won, all, "every notification was claimed by one of them");
    Ok(())
}

#[tokio::test]
async fn two_processes_writing_at_once_on_a_new_database_lose_nothing() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // No database yet: both children create and migrate it at once.
    let [first, second] = race(dir.path(), "write")?;
    assert_eq!(first, ["done"]);
    assert_eq!(second, ["done"]);
    let store = Store::open(&db_path(dir.path())).await?;
    let connections = store.list_connections().await?;
    assert_eq!(connections.len(), 2 * WRITES);
    assert_eq!(
        connections.iter().filter(|c| c.is_default).count(),
        1,
        "exactly one default"
    );
    let audit = store
        .list_audit(&AuditFilter {
            limit: Some(1000),
            ..AuditFilter::default()
        })
        .await?;
    assert_eq!(audit.len(), 2 * WRITES);
    for name in ["a", "b"] {
        for index in 0..WRITES {
            assert!(
                connections
                    .iter()
                    .any(|c| c.name == format!("{name}-{index}")),
                "{name}-{index} is missing"
            );
        }
    }
    Ok(())
}

/// The children's half of the tests above; passes and does nothing when
/// run as an ordinary test.
#[tokio::test]
async fn child_entry_point() -> anyhow::Result<()> {
    let Ok(role) = std::env::var(CHILD_ROLE_VAR) else {
        return Ok(());
    };
    let db = std::env::var(DB_VAR)?;
    let go = std::env::var(GO_VAR)?;
    let name = std::env::var(NAME_VAR)?;
    let deadline = Instant::now() + StdDuration::from_secs(30);
    while !Path::new(&go).exists() {
        anyhow::ensure!(Instant::now() < deadline, "never told to go");
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    let store = Store::open(Path::new(&db)).await?;
    match role.as_str() {
        "claim" => {
            for index in 0..KEYS {
                let key = format!("k{index}");
                if store
                    .try_claim_notification(
                        &key,
                        ReminderReason::RotationDue,
                        t0(),
                        Duration::days(1),
                    )
                    .await?
                {
                    println!("{CHILD_MARK}{key}");
                }
            }
        }
        "write" => {
            for index in 0..WRITES {
                add_connection(&store, &format!("{name}-{index}")).await?;
                store
                    .record_audit(
                        &NewAuditEntry {
                            actor: format!("child-{name}"),
                            action: "connection.add".into(),
                            ..NewAuditEntry::default()
                        },
                        t0(),
                    )
                    .await?;
            }
            println!("{CHILD_MARK}done");
        }
        other => anyhow::bail!("unknown child role {other:?}"),
    }
    store.close().await;
    Ok(())
}
