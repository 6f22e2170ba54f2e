//! The notification plan: one per key per day, grouped, snoozed, muted,
//! and claimed once between the app and the CLI.

use super::*;

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
