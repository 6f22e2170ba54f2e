//! Rotation reminders (issue 7): the due-date logic with an injected clock,
//! the notification plan and its claims in a real SQLite store, and the
//! facts gathered from a real key service or, offline, from the cache.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mcp_keys_client::{Client, KeyMetadata, NewKey, NewSurface};
use mcp_keys_core::Sensitive;
use mcp_keys_manager::{
    Actor, DueReminder, KnownKey, Manager, Reminder, ReminderFacts, Snooze, TrackedLeak, find_due,
};
use mcp_keys_server::{AppState, Config, Db, init_token_file, serve};
use mcp_keys_store::{
    ConnectionKind, KeyRotation, MemorySecrets, NewConnection, ReminderReason, RotationPolicy,
    ScanResult, SecretStore, Store,
};
use serde_json::json;
use tempfile::TempDir;
use tokio::sync::oneshot;

const POLICY: RotationPolicy = RotationPolicy {
    production_days: 90,
    development_days: 180,
};

/// A fixed "now" for every test.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// A production key created at `created_at`, as a server describes it.
fn key(id: &str, name: &str, created_at: DateTime<Utc>) -> KnownKey {
    known(json!({
        "id": id,
        "surfaceId": "srf_1",
        "productId": "prd_1",
        "name": name,
        "keyPrefix": format!("mcp_prod_{id}"),
        "keyHint": "abcd",
        "environment": "production",
        "createdAt": created_at,
    }))
}

fn known(value: serde_json::Value) -> KnownKey {
    let key: KeyMetadata = serde_json::from_value(value).unwrap_or_else(|error| {
        panic!("test key metadata does not parse: {error}");
    });
    KnownKey {
        connection_id: "conn_1".to_owned(),
        key,
    }
}

fn with(mut known: KnownKey, change: impl FnOnce(&mut KeyMetadata)) -> KnownKey {
    change(&mut known.key);
    known
}

#[derive(Default)]
struct Facts {
    keys: Vec<KnownKey>,
    rotations: Vec<KeyRotation>,
    scans: Vec<ScanResult>,
    leaks: Vec<TrackedLeak>,
    muted: HashSet<String>,
}

impl Facts {
    fn keys(keys: Vec<KnownKey>) -> Self {
        Self {
            keys,
            ..Self::default()
        }
    }

    fn due(&self, now: DateTime<Utc>) -> Vec<(String, ReminderReason)> {
        self.reminders(now)
            .into_iter()
            .map(|reminder| (reminder.due.key_id, reminder.due.reason))
            .collect()
    }

    fn reminders(&self, now: DateTime<Utc>) -> Vec<Reminder> {
        find_due(
            &ReminderFacts {
                keys: &self.keys,
                policy: POLICY,
                rotations: &self.rotations,
                scans: &self.scans,
                leaks: &self.leaks,
                muted: &self.muted,
            },
            now,
        )
    }
}

fn due(id: &str, reason: ReminderReason) -> (String, ReminderReason) {
    (id.to_owned(), reason)
}

fn scan(key_id: Option<&str>, prefix: &str, status: &str) -> ScanResult {
    ScanResult {
        client: "cursor".to_owned(),
        config_path: "/home/me/.cursor/mcp.json".to_owned(),
        scope: "global".to_owned(),
        server_name: "docs".to_owned(),
        url: Some("http://127.0.0.1:7410/mcp".to_owned()),
        key_prefix: Some(prefix.to_owned()),
        fingerprint: None,
        key_id: key_id.map(str::to_owned),
        surface_id: None,
        status: status.to_owned(),
        scanned_at: now() - TimeDelta::hours(1),
    }
}

#[test]
fn a_key_whose_rotation_falls_due_today_is_rotation_due() {
    let facts = Facts::keys(vec![key("k1", "Cursor", now() - days(90))]);
    assert_eq!(facts.due(now()), [due("k1", ReminderReason::RotationDue)]);
    let reminders = facts.reminders(now());
    assert_eq!(reminders[0].due.due_at, now(), "due 90 days after creation");
}

#[test]
fn a_key_past_its_rotation_by_a_day_is_overdue() {
    let facts = Facts::keys(vec![key("k1", "Cursor", now() - days(91))]);
    assert_eq!(
        facts.due(now()),
        [due("k1", ReminderReason::RotationOverdue)]
    );
}

#[test]
fn the_rotation_reminder_starts_seven_days_before_and_not_eight() {
    let seven = Facts::keys(vec![key("k1", "Cursor", now() - days(90 - 7))]);
    assert_eq!(seven.due(now()), [due("k1", ReminderReason::RotationDue)]);
    let eight = Facts::keys(vec![key("k1", "Cursor", now() - days(90 - 8))]);
    assert!(eight.due(now()).is_empty(), "8 days ahead is not yet due");
}

#[test]
fn development_keys_follow_their_own_default_period() {
    let dev = with(key("k1", "Dev", now() - days(100)), |key| {
        key.environment = mcp_keys_core::Environment::Development;
    });
    assert!(Facts::keys(vec![dev.clone()]).due(now()).is_empty());
    let old = with(dev, |key| key.created_at = now() - days(181));
    assert_eq!(
        Facts::keys(vec![old]).due(now()),
        [due("k1", ReminderReason::RotationOverdue)]
    );
}

#[test]
fn a_per_key_period_and_the_last_roll_override_the_default() {
    let mut facts = Facts::keys(vec![key("k1", "Cursor", now() - days(400))]);
    facts.rotations = vec![KeyRotation {
        key_id: "k1".to_owned(),
        rotate_every_days: Some(30),
        anchor_at: Some(now() - days(20)),
    }];
    assert!(facts.due(now()).is_empty(), "rolled 20 days ago, every 30");
    facts.rotations[0].anchor_at = Some(now() - days(31));
    assert_eq!(
        facts.due(now()),
        [due("k1", ReminderReason::RotationOverdue)]
    );
}

#[test]
fn a_key_expiring_in_seven_days_is_reminded_about_and_in_eight_is_not() {
    let seven = with(key("k1", "Cursor", now() - days(1)), |key| {
        key.expires_at = Some(now() + days(7));
    });
    assert_eq!(
        Facts::keys(vec![seven]).due(now()),
        [due("k1", ReminderReason::Expiring)]
    );
    let eight = with(key("k1", "Cursor", now() - days(1)), |key| {
        key.expires_at = Some(now() + days(8));
    });
    assert!(Facts::keys(vec![eight]).due(now()).is_empty());
}

#[test]
fn revoked_and_expired_keys_are_not_reminded_to_rotate() {
    let revoked = with(key("k1", "Old", now() - days(200)), |key| {
        key.revoked_at = Some(now() - days(3));
        key.is_active = false;
    });
    let expired = with(key("k2", "Older", now() - days(200)), |key| {
        key.expires_at = Some(now() - days(1));
    });
    assert!(Facts::keys(vec![revoked, expired]).due(now()).is_empty());
}

#[test]
fn the_old_half_of_a_roll_is_not_reminded_while_its_grace_runs_out() {
    let old = with(key("k1", "Cursor", now() - days(100)), |key| {
        key.expires_at = Some(now() + days(1));
    });
    let new = key("k2", "Cursor", now() - days(1));
    assert!(Facts::keys(vec![old, new]).due(now()).is_empty());
}

#[test]
fn a_revoked_key_still_in_an_ide_config_is_reported_once() {
    let revoked = with(key("k1", "Cursor", now() - days(10)), |key| {
        key.revoked_at = Some(now() - days(2));
        key.is_active = false;
    });
    let mut facts = Facts::keys(vec![revoked, key("k2", "Zed", now() - days(1))]);
    facts.scans = vec![
        scan(Some("k1"), "mcp_prod_k1", "revoked"),
        scan(None, "mcp_prod_k1", "revoked"),
        scan(Some("k2"), "mcp_prod_k2", "active"),
    ];
    assert_eq!(
        facts.due(now()),
        [due("k1", ReminderReason::RevokedKeyInUse)]
    );
    assert_eq!(
        facts.reminders(now())[0].due.due_at,
        now() - days(2),
        "counted from the revocation"
    );
}

#[test]
fn a_key_that_expired_by_the_clock_while_in_a_config_is_in_use_though_the_scan_said_active() {
    let expired = with(key("k1", "Cursor", now() - days(10)), |key| {
        key.expires_at = Some(now() - TimeDelta::minutes(5));
    });
    let mut facts = Facts::keys(vec![expired]);
    facts.scans = vec![scan(Some("k1"), "mcp_prod_k1", "active")];
    assert_eq!(
        facts.due(now()),
        [due("k1", ReminderReason::RevokedKeyInUse)]
    );
}

#[test]
fn a_revoked_key_no_connection_knows_is_reported_by_its_prefix() {
    let facts = Facts {
        scans: vec![scan(None, "mcp_dev_AbCd1234", "revoked")],
        ..Facts::default()
    };
    let reminders = facts.reminders(now());
    assert_eq!(reminders.len(), 1);
    assert_eq!(
        reminders[0].due.key_id, "AbCd1234",
        "the id inside the prefix"
    );
    assert_eq!(reminders[0].connection_id, None);
}

#[test]
fn a_plaintext_key_in_a_git_tracked_file_comes_first() {
    let mut facts = Facts::keys(vec![key("k1", "Cursor", now() - days(95))]);
    facts.leaks = vec![TrackedLeak {
        key_prefix: "mcp_prod_k1".to_owned(),
        config_path: "/src/app/.cursor/mcp.json".to_owned(),
        found_at: now() - TimeDelta::hours(2),
    }];
    assert_eq!(
        facts.due(now()),
        [
            due("k1", ReminderReason::PlaintextKeyTrackedByGit),
            due("k1", ReminderReason::RotationOverdue),
        ]
    );
}

#[test]
fn a_muted_key_is_left_out_for_every_reason() {
    let mut facts = Facts::keys(vec![
        with(key("k1", "Cursor", now() - days(95)), |key| {
            key.expires_at = Some(now() + days(2));
        }),
        key("k2", "Zed", now() - days(95)),
    ]);
    facts.muted.insert("k1".to_owned());
    assert_eq!(
        facts.due(now()),
        [due("k2", ReminderReason::RotationOverdue)]
    );
}

#[test]
fn a_due_row_serializes_as_design_section_5_says() -> Result<()> {
    let facts = Facts::keys(vec![key("k1", "Cursor", now() - days(91))]);
    let row: DueReminder = facts.reminders(now()).remove(0).due;
    assert_eq!(
        serde_json::to_value(&row)?,
        json!({
            "keyId": "k1",
            "keyPrefix": "mcp_prod_k1",
            "name": "Cursor",
            "surfaceId": "srf_1",
            "reason": "rotation_overdue",
            "dueAt": "2026-03-09T09:00:00Z",
        })
    );
    Ok(())
}

/// A manager over a fresh store file, with tokens in memory.
struct Local {
    manager: Manager,
    secrets: Arc<MemorySecrets>,
    dir: TempDir,
}

impl Local {
    async fn new() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        Self::open(dir).await
    }

    async fn open(dir: TempDir) -> Result<Self> {
        let store = Store::open(&dir.path().join("mcp-keys.db")).await?;
        let secrets = Arc::new(MemorySecrets::new());
        let manager = Manager::new(store, secrets.clone(), Actor::App);
        Ok(Self {
            manager,
            secrets,
            dir,
        })
    }

    /// A second manager on the same database file, as the CLI beside the app.
    async fn beside(&self) -> Result<Manager> {
        let store = Store::open(&self.dir.path().join("mcp-keys.db")).await?;
        Ok(Manager::new(
            store,
            Arc::new(MemorySecrets::new()),
            Actor::Cli,
        ))
    }
}

fn overdue(ids: &[&str]) -> Vec<Reminder> {
    Facts::keys(
        ids.iter()
            .map(|id| key(id, &format!("Key {id}"), now() - days(100)))
            .collect(),
    )
    .reminders(now())
}

#[tokio::test]
async fn one_due_key_gives_one_notification_naming_it() -> Result<()> {
    let local = Local::new().await?;
    let plan = local
        .manager
        .plan_notifications(&overdue(&["k1"]), now())
        .await?;
    assert_eq!(plan.len(), 1);
    assert_eq!(
        plan[0].title,
        "\u{201c}Key k1\u{201d} is overdue for rotation"
    );
    assert!(
        plan[0].body.contains("mcp_prod_k1") && plan[0].body.contains("10 days ago"),
        "the body names the key and how late it is: {:?}",
        plan[0].body
    );
    assert_eq!(plan[0].key_ids, ["k1"]);
    assert_eq!(plan[0].target.due.key_id, "k1");
    Ok(())
}

#[tokio::test]
async fn several_due_keys_give_one_summary_notification() -> Result<()> {
    let local = Local::new().await?;
    let plan = local
        .manager
        .plan_notifications(&overdue(&["k1", "k2", "k3"]), now())
        .await?;
    assert_eq!(plan.len(), 1, "one summary, not three notifications");
    assert_eq!(plan[0].title, "3 keys need attention");
    assert_eq!(plan[0].body.lines().count(), 3, "{:?}", plan[0].body);
    assert_eq!(plan[0].key_ids.len(), 3);
    Ok(())
}

#[tokio::test]
async fn a_key_with_several_reasons_is_notified_once_for_the_most_urgent() -> Result<()> {
    let local = Local::new().await?;
    let facts = Facts::keys(vec![with(key("k1", "Cursor", now() - days(95)), |key| {
        key.expires_at = Some(now() + days(1));
    })]);
    let plan = local
        .manager
        .plan_notifications(&facts.reminders(now()), now())
        .await?;
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].key_ids, ["k1"]);
    assert_eq!(plan[0].title, "\u{201c}Cursor\u{201d} expires soon");
    Ok(())
}

#[tokio::test]
async fn a_key_notified_today_is_not_notified_again_until_tomorrow() -> Result<()> {
    let local = Local::new().await?;
    let due = overdue(&["k1"]);
    assert_eq!(
        local.manager.plan_notifications(&due, now()).await?.len(),
        1
    );
    let later_today = now() + TimeDelta::hours(5);
    assert!(
        local
            .manager
            .plan_notifications(&due, later_today)
            .await?
            .is_empty(),
        "claimed today: not again"
    );
    let tomorrow = now() + days(1);
    assert_eq!(
        local
            .manager
            .plan_notifications(&due, tomorrow)
            .await?
            .len(),
        1,
        "claimed yesterday: again"
    );
    Ok(())
}

#[tokio::test]
async fn a_new_reason_the_same_day_does_not_notify_the_key_twice() -> Result<()> {
    let local = Local::new().await?;
    local
        .manager
        .plan_notifications(&overdue(&["k1"]), now())
        .await?;
    let mut facts = Facts::keys(vec![key("k1", "Key k1", now() - days(100))]);
    facts.leaks = vec![TrackedLeak {
        key_prefix: "mcp_prod_k1".to_owned(),
        config_path: "/src/.cursor/mcp.json".to_owned(),
        found_at: now(),
    }];
    let plan = local
        .manager
        .plan_notifications(&facts.reminders(now()), now() + TimeDelta::hours(1))
        .await?;
    assert!(plan.is_empty(), "one notification per key per day");
    Ok(())
}

#[tokio::test]
async fn a_key_snoozed_until_tomorrow_waits_until_then() -> Result<()> {
    let local = Local::new().await?;
    let until = local
        .manager
        .snooze_reminders("k1", Snooze::Day, now())
        .await?;
    assert_eq!(until, now() + days(1));
    let due = overdue(&["k1", "k2"]);
    let plan = local.manager.plan_notifications(&due, now()).await?;
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].key_ids, ["k2"], "k1 is snoozed");
    assert!(
        local
            .manager
            .plan_notifications(&due, now() + TimeDelta::hours(22))
            .await?
            .is_empty(),
        "k1 is still snoozed two hours before it ends, and k2 was notified today"
    );
    let plan = local
        .manager
        .plan_notifications(&due, now() + days(1))
        .await?;
    assert_eq!(plan.len(), 1);
    assert!(plan[0].key_ids.contains(&"k1".to_owned()), "snooze is over");
    Ok(())
}

#[tokio::test]
async fn a_week_long_snooze_survives_reopening_the_store() -> Result<()> {
    let local = Local::new().await?;
    local
        .manager
        .snooze_reminders("k1", Snooze::Week, now())
        .await?;
    local.manager.store().close().await;
    let reopened = Local::open(local.dir).await?;
    let due = overdue(&["k1"]);
    assert!(
        reopened
            .manager
            .plan_notifications(&due, now() + days(6))
            .await?
            .is_empty()
    );
    assert_eq!(
        reopened
            .manager
            .plan_notifications(&due, now() + days(7))
            .await?
            .len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn a_muted_key_is_never_notified_and_unmuting_brings_it_back() -> Result<()> {
    let local = Local::new().await?;
    local.manager.mute_reminders("k1", true, now()).await?;
    let due = overdue(&["k1"]);
    assert!(
        local
            .manager
            .plan_notifications(&due, now())
            .await?
            .is_empty()
    );
    local.manager.mute_reminders("k1", false, now()).await?;
    assert_eq!(
        local.manager.plan_notifications(&due, now()).await?.len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn the_app_and_the_cli_racing_on_one_store_send_each_key_once() -> Result<()> {
    let local = Local::new().await?;
    let cli = local.beside().await?;
    let ids: Vec<String> = (0..12).map(|n| format!("k{n}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let due = overdue(&refs);
    for round in 0..5 {
        let at = now() + days(round);
        let (app_plan, cli_plan) = tokio::join!(
            local.manager.plan_notifications(&due, at),
            cli.plan_notifications(&due, at)
        );
        let mut sent: Vec<String> = app_plan?
            .into_iter()
            .chain(cli_plan?)
            .flat_map(|notification| notification.key_ids)
            .collect();
        sent.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(sent, expected, "round {round}: every key exactly once");
    }
    Ok(())
}

/// A real key service with an in-memory database on a free port.
struct Service {
    base: String,
    token: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Service {
    async fn start() -> Result<Self> {
        let db = Db::connect("sqlite::memory:").await?;
        let dir = tempfile::tempdir()?;
        let token_file = dir.path().join("token");
        init_token_file(&db, &token_file).await?;
        let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let state = AppState::new(db, Config::new(base.clone()));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            base,
            token,
            stop: Some(stop),
        })
    }

    fn client(&self) -> Result<Client> {
        Ok(Client::new(&self.base, Sensitive::new(self.token.clone()))?)
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[tokio::test]
async fn due_keys_are_found_on_the_server_and_offline_in_the_cache() -> Result<()> {
    let mut service = Service::start().await?;
    let client = service.client()?;
    let product = client.create_product("Docs").await?;
    let mut new_surface = NewSurface::mcp("Docs MCP");
    new_surface.environment = Some(mcp_keys_core::Environment::Production);
    let surface = client.create_surface(&product.id, &new_surface).await?;
    let created = client
        .create_key(&product.id, &surface.id, &NewKey::named("MCP - Cursor"))
        .await?;
    let created_at = created.metadata.created_at;

    let local = Local::new().await?;
    let connection = local
        .manager
        .store()
        .add_connection(
            &NewConnection {
                name: "Docs".to_owned(),
                kind: ConnectionKind::McpKeys,
                base_url: service.base.clone(),
            },
            Utc::now(),
        )
        .await?;
    local.secrets.set(
        connection.keyring_account(),
        &Sensitive::new(service.token.clone()),
    )?;

    let today = local.manager.due_reminders(Utc::now(), &[]).await?;
    assert!(today.reminders.is_empty(), "a new key is not due");
    assert!(today.unreachable.is_empty());

    let in_100_days = created_at + days(100);
    let report = local.manager.due_reminders(in_100_days, &[]).await?;
    let reminder = report.reminders.first().context("the key is overdue")?;
    assert_eq!(reminder.due.key_id, created.metadata.id);
    assert_eq!(reminder.due.reason, ReminderReason::RotationOverdue);
    assert_eq!(reminder.due.due_at, created_at + days(90));
    assert_eq!(
        reminder.connection_id.as_deref(),
        Some(connection.id.as_str())
    );
    assert_eq!(reminder.product_id.as_deref(), Some(product.id.as_str()));

    local
        .manager
        .snooze_reminders(&created.metadata.id, Snooze::Week, in_100_days)
        .await?;
    service.stop();
    let offline = local.manager.due_reminders(in_100_days, &[]).await?;
    assert_eq!(offline.unreachable.len(), 1, "the server is gone");
    assert_eq!(offline.unreachable[0].connection_id, connection.id);
    let cached = offline
        .reminders
        .first()
        .context("the cache still knows the key")?;
    assert_eq!(cached.due.key_id, created.metadata.id);
    assert_eq!(cached.snoozed_until, Some(in_100_days + days(7)));
    Ok(())
}

#[test]
fn doctor_findings_of_keys_tracked_by_git_become_leaks_and_others_do_not() {
    use mcp_keys_manager::mcp_keys_ide::{Finding, FindingCode, Severity};
    let finding = |code, prefix: Option<&str>| Finding {
        severity: Severity::Error,
        code,
        client: None,
        config_path: Some("/src/app/.cursor/mcp.json".to_owned()),
        key_prefix: prefix.map(str::to_owned),
        message: String::new(),
        fix: String::new(),
    };
    let leaks = TrackedLeak::from_findings(
        &[
            finding(FindingCode::PlaintextKeyTrackedByGit, Some("mcp_prod_k1")),
            finding(FindingCode::PlaintextKeyNotGitignored, Some("mcp_prod_k2")),
            finding(FindingCode::PlaintextKeyTrackedByGit, None),
        ],
        now(),
    );
    assert_eq!(
        leaks,
        [TrackedLeak {
            key_prefix: "mcp_prod_k1".to_owned(),
            config_path: "/src/app/.cursor/mcp.json".to_owned(),
            found_at: now(),
        }]
    );
}
