//! `mcp-keys reminders [--notify] [--json]`: the keys that need attention
//! (rotation due or overdue, expiring, revoked but still configured), for
//! people who live in the terminal or run it from cron or a systemd timer.
//! The same logic and the same claims as the desktop app: a notification
//! sent by one is never sent again by the other.

use chrono::Utc;
use mcp_keys_manager::{DueReminder, KeyServices, Notification, ScanOptions};
use mcp_keys_store::ReminderReason;

use crate::context::Context;
use crate::output::{Styled, printable, relative};

/// `mcp-keys reminders` options (`--json` is global).
#[derive(Debug, Clone, clap::Args)]
pub struct RemindersArgs {
    /// The IDE configs diagnosed for revoked keys still configured and
    /// plaintext keys in git-tracked files.
    #[command(flatten)]
    pub ide: crate::cli::IdeArgs,
    /// Also send desktop notifications for the keys not yet notified today
    /// (by this command or the app), not snoozed and not muted.
    #[arg(long)]
    pub notify: bool,
}

/// Lists what is due across every saved connection (a connection whose
/// server is out of reach is read from the local cache, with a warning on
/// stderr) and, with `--notify`, sends the notifications it wins. The IDE
/// configs of `options` are diagnosed first, for revoked keys still in use
/// and plaintext keys in git-tracked files.
pub async fn run(context: &Context, args: RemindersArgs) -> anyhow::Result<()> {
    let (manager, output) = (&context.manager, &context.output);
    let options: ScanOptions = args.ide.options()?;
    let options = &options;
    let now = Utc::now();
    let session = context.named_session().await?;
    let services = KeyServices::from(session.as_ref());
    let report = manager
        .due_reminders_after_doctor(options, services, now)
        .await?;
    for offline in &report.unreachable {
        eprintln!(
            "warning: {} is out of reach ({}); its keys come from the local cache, if any",
            printable(&offline.name, false),
            printable(&offline.message, false)
        );
    }
    if report.services == 0 {
        eprintln!(
            "warning: no key service to read keys from: no connection is saved and no \
             --server was given (`mcp-keys login --server URL`, or --server URL with \
             MCP_KEYS_TOKEN)"
        );
    }
    if args.notify {
        for notification in manager.plan_notifications(&report.reminders, now).await? {
            send(&notification);
        }
    }
    let rows: Vec<&DueReminder> = report
        .reminders
        .iter()
        .map(|reminder| &reminder.due)
        .collect();
    if output.json {
        return output.json(&rows);
    }
    output.table(
        &["KEY", "NAME", "REASON", "DUE", "SURFACE"],
        rows.iter()
            .map(|row| {
                vec![
                    row.key_prefix.clone().into(),
                    row.name.clone().into(),
                    reason(row.reason),
                    relative(row.due_at, now).into(),
                    row.surface_id.clone().unwrap_or_default().into(),
                ]
            })
            .collect(),
        "No key needs attention.",
    )
}

fn reason(reason: ReminderReason) -> Styled {
    let text = reason.as_str().replace('_', " ");
    match reason {
        ReminderReason::RotationDue => Styled::warn(text),
        ReminderReason::RotationOverdue
        | ReminderReason::Expiring
        | ReminderReason::RevokedKeyInUse
        | ReminderReason::PlaintextKeyTrackedByGit => Styled::bad(text),
    }
}

/// Sends one notification; a desktop without a notification server is a
/// warning, not a failure (cron has no desktop), and the claim is spent.
fn send(notification: &Notification) {
    let shown = notify_rust::Notification::new()
        .appname("MCP Keys")
        .summary(&notification.title)
        .body(&notification.body)
        .show();
    if let Err(error) = shown {
        eprintln!("warning: could not show a desktop notification: {error}");
    }
}
