//! Rotation reminders delivered for real: the app under Xvfb on
//! its own D-Bus session, where the notification server (dunst) is started
//! by D-Bus activation; `dbus-monitor` captures the
//! org.freedesktop.Notifications `Notify` call with its title and body.
//!
//! A key created a minute ago is made due by running the app with
//! `MCP_KEYS_CLOCK_OFFSET_DAYS` (honored by the reminder scheduler and the
//! reminder commands only), checks every 2 s with
//! `MCP_KEYS_REMINDER_INTERVAL_SECONDS`, and restarts keep the app's data
//! folder through `MCP_KEYS_DATA_DIR` while everything else is new.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{App, testid};
use serde_json::{Value, json};

const NOTIFY_MATCH: &str =
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'";

/// The key's name, and so the start of the notification's title.
const KEY_NAME: &str = "MCP - Cursor";

/// `dbus-monitor` on the app's session bus, writing to a file (reading a
/// pipe could block the test); killed when dropped. Shared with the OAuth
/// consent test, whose requests are notified the same way.
pub(crate) struct Monitor {
    child: Child,
    log: PathBuf,
}

impl Monitor {
    pub(crate) fn start(app: &App, dir: &Path, label: &str) -> Result<Self> {
        let log = dir.join(format!("notify-{label}.log"));
        let file = std::fs::File::create(&log)?;
        let child = Command::new("dbus-monitor")
            .args(["--session", NOTIFY_MATCH])
            .envs(app.desktop().env())
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .context("starting dbus-monitor (Debian package dbus)")?;
        // dbus-monitor prints the NameAcquired signal once it listens.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_to_string(&log)?.is_empty() {
            if Instant::now() > deadline {
                bail!("dbus-monitor did not start listening");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self { child, log })
    }

    fn captured(&self) -> Result<String> {
        Ok(std::fs::read_to_string(&self.log)?)
    }

    /// Waits until a captured `Notify` call holds every one of `needles`.
    pub(crate) async fn wait_for(&self, needles: &[&str], timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let captured = self.captured()?;
            if notify_calls(&captured)
                .iter()
                .any(|call| needles.iter().all(|needle| call.contains(needle)))
            {
                return Ok(captured);
            }
            if Instant::now() > deadline {
                bail!("no Notify call with {needles:?} within {timeout:?}; captured:\n{captured}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `Notify` method calls of a dbus-monitor capture, one string each.
fn notify_calls(captured: &str) -> Vec<String> {
    captured
        .split("method call")
        .filter(|call| call.contains("member=Notify"))
        .map(str::to_owned)
        .collect()
}

/// Calls an app command from the page, as the UI's IPC layer does.
async fn invoke(app: &App, command: &str, args: Value) -> Result<Value> {
    let script = "const [command, args, done] = arguments;
        window.__TAURI_INTERNALS__.invoke(command, args)
            .then((ok) => done({ ok }), (error) => done({ error }));";
    let answer = app
        .client()
        .execute_async(script, vec![json!(command), args])
        .await?;
    match answer.get("ok") {
        Some(ok) => Ok(ok.clone()),
        None => bail!("{command} failed: {answer}"),
    }
}

async fn launch(label: &str, data: &Path, offset_days: u32) -> Result<App> {
    let data = data.display().to_string();
    let offset = offset_days.to_string();
    App::launch_with_env(
        &format!("reminders-{label}"),
        &[
            ("MCP_KEYS_DATA_DIR", data.as_str()),
            ("MCP_KEYS_CLOCK_OFFSET_DAYS", offset.as_str()),
            ("MCP_KEYS_REMINDER_INTERVAL_SECONDS", "2"),
            // The first check waits until the test listens on the bus.
            ("MCP_KEYS_REMINDER_START_DELAY_SECONDS", "4"),
        ],
    )
    .await
}

/// The key's reminders as `reminders_list` reports them.
async fn reminders_of(app: &App, key_id: &str) -> Result<Vec<Value>> {
    let report = invoke(app, "reminders_list", json!({})).await?;
    Ok(report["reminders"]
        .as_array()
        .context("reminders_list answers {reminders: [...]}")?
        .iter()
        .filter(|reminder| reminder["keyId"] == key_id)
        .cloned()
        .collect())
}

#[tokio::test]
async fn a_key_due_for_rotation_is_notified_over_dbus_and_its_snooze_survives_a_restart()
-> Result<()> {
    let data = tempfile::tempdir()?;
    let logs = tempfile::tempdir()?;

    // 200 days from now every new key is past its rotation (90 days for
    // production keys, 180 for development ones).
    let app = launch("due", data.path(), 200).await?;
    let monitor = Monitor::start(&app, logs.path(), "due")?;
    app.click("first-surface-submit").await?;
    app.find(&testid("surface-view")).await?;
    // The Keys tab has loaded (an empty list) before Generate is clicked.
    app.find(&testid("keys-empty")).await?;
    app.click("generate-key").await?;
    app.fill("generate-name", KEY_NAME).await?;
    app.click("generate-submit").await?;
    app.find(&testid("reveal-dialog")).await?;
    app.click("reveal-close").await?;
    app.click("reveal-close-confirm").await?;

    let captured = monitor
        .wait_for(
            &[
                KEY_NAME,
                "is overdue for rotation",
                "was due for rotation on",
            ],
            Duration::from_secs(30),
        )
        .await?;
    assert!(
        captured
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| word.starts_with("mcp_"))
            .all(|word| word.len() < 30),
        "the notification names the key by its public prefix, never the key"
    );
    app.screenshot("notified").await?;

    // A click on the notification (its default action, invoked through the
    // notification server as a click would) opens the key with Roll ready.
    let clicked = Command::new("dunstctl")
        .args(["action", "0"])
        .envs(app.desktop().env())
        .status()
        .context("running dunstctl (Debian package dunst)")?;
    assert!(clicked.success(), "dunstctl action: {clicked}");
    app.find(&testid("roll-dialog")).await?;
    app.wait_for_text(KEY_NAME).await?;
    app.screenshot("opened-with-roll").await?;
    app.click("roll-cancel").await?;

    let report = invoke(&app, "reminders_list", json!({})).await?;
    let key_id = report["reminders"][0]["keyId"]
        .as_str()
        .context("the new key is listed as due")?
        .to_owned();
    assert_eq!(report["reminders"][0]["reason"], "rotation_overdue");
    assert_eq!(report["reminders"][0]["name"], KEY_NAME);

    let until = invoke(
        &app,
        "reminder_snooze",
        json!({ "keyId": key_id, "snooze": "week" }),
    )
    .await?;
    assert!(until.is_string(), "the snooze answers until when: {until}");
    drop(monitor);
    app.close().await?;

    // Two days later: the daily claim has run out, the week's snooze holds.
    let app = launch("snoozed", data.path(), 202).await?;
    let monitor = Monitor::start(&app, logs.path(), "snoozed")?;
    let reminders = reminders_of(&app, &key_id).await?;
    assert!(
        reminders
            .iter()
            .all(|reminder| reminder["snoozedUntil"].is_string()),
        "the snooze is still known after the restart: {reminders:?}"
    );
    // The first check runs after 4 s, then every 2 s.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let captured = monitor.captured()?;
    assert!(
        !notify_calls(&captured)
            .iter()
            .any(|call| call.contains(KEY_NAME)),
        "a snoozed key is not notified after a restart; captured:\n{captured}"
    );
    drop(monitor);
    app.close().await?;

    // Eight days later the snooze is over and the reminder comes back.
    let app = launch("snooze-over", data.path(), 208).await?;
    let monitor = Monitor::start(&app, logs.path(), "snooze-over")?;
    monitor
        .wait_for(
            &[KEY_NAME, "is overdue for rotation"],
            Duration::from_secs(30),
        )
        .await?;
    drop(monitor);
    app.close().await
}
