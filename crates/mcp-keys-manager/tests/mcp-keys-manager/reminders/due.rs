//! Which keys are due, and why, at an injected "now".

use super::*;

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
        rotate_every: Some(RotationPeriod::Days(30)),
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
fn a_key_set_never_to_rotate_is_not_reminded_to_rotate_but_still_before_it_expires() {
    let never = with(key("k1", "Cursor", now() - days(400)), |key| {
        key.expires_at = Some(now() + days(3));
    });
    let mut facts = Facts::keys(vec![never]);
    facts.rotations = vec![KeyRotation {
        key_id: "k1".to_owned(),
        rotate_every: Some(RotationPeriod::Never),
        anchor_at: Some(now() - days(400)),
    }];
    assert_eq!(
        facts.due(now()),
        [due("k1", ReminderReason::Expiring)],
        "400 days old, never to rotate: only its expiry is due"
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

#[test]
fn the_keys_table_and_the_reminders_share_one_due_date() {
    let created = now() - days(10);
    let known = key("k1", "Cursor", created);
    let rotation = |rotate_every, anchor_at| KeyRotation {
        key_id: "k1".to_owned(),
        rotate_every,
        anchor_at,
    };
    assert_eq!(
        rotation_due_at(&known.key, None, &POLICY),
        Some(created + days(90)),
        "the environment's default, from creation"
    );
    assert_eq!(
        rotation_due_at(
            &known.key,
            Some(&rotation(Some(RotationPeriod::Days(30)), Some(now()))),
            &POLICY
        ),
        Some(now() + days(30)),
        "its own period, from its last roll"
    );
    assert_eq!(
        rotation_due_at(
            &known.key,
            Some(&rotation(Some(RotationPeriod::Never), None)),
            &POLICY
        ),
        None,
        "never"
    );
}
