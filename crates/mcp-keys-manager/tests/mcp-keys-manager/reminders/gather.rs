//! The facts reminders are computed from, gathered from a real key service
//! or, offline, from the cache.

use super::*;

/// A client of `service` with its management token.
fn client(service: &TestService) -> Result<Client> {
    Ok(Client::new(
        service.url(),
        Sensitive::new(service.token().to_owned()),
    )?)
}

#[tokio::test]
async fn due_keys_are_found_on_the_server_and_offline_in_the_cache() -> Result<()> {
    let service = TestService::start().await?;
    let client = client(&service)?;
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
                base_url: service.url().to_owned(),
            },
            Utc::now(),
        )
        .await?;
    local.secrets.set(
        connection.keyring_account(),
        &Sensitive::new(service.token().to_owned()),
    )?;

    let today = local
        .manager
        .due_reminders(KeyServices::Saved, Utc::now(), &[])
        .await?;
    assert!(today.reminders.is_empty(), "a new key is not due");
    assert!(today.unreachable.is_empty());

    let in_100_days = created_at + days(100);
    let report = local
        .manager
        .due_reminders(KeyServices::Saved, in_100_days, &[])
        .await?;
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
    service.stop().await?;
    let offline = local
        .manager
        .due_reminders(KeyServices::Saved, in_100_days, &[])
        .await?;
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

#[tokio::test]
async fn a_key_generated_to_be_never_rotated_is_never_reminded_and_a_default_one_is() -> Result<()>
{
    let service = TestService::start().await?;
    let client = client(&service)?;
    let product = client.create_product("Docs").await?;
    let mut new_surface = NewSurface::mcp("Docs MCP");
    new_surface.environment = Some(mcp_keys_core::Environment::Production);
    let surface = client.create_surface(&product.id, &new_surface).await?;

    let local = Local::new().await?;
    let connection = local
        .manager
        .store()
        .add_connection(
            &NewConnection {
                name: "Docs".to_owned(),
                kind: ConnectionKind::McpKeys,
                base_url: service.url().to_owned(),
            },
            Utc::now(),
        )
        .await?;
    local.secrets.set(
        connection.keyring_account(),
        &Sensitive::new(service.token().to_owned()),
    )?;
    let session = local.manager.session_with(connection).await?;
    let generate = |name: &str, rotate_every| GenerateKey {
        name: name.to_owned(),
        environment: None,
        scopes: Vec::new(),
        expires_in_days: None,
        rotate_every,
    };
    let never = session
        .generate_key(
            &product.id,
            &surface.id,
            &generate("Never", Some(RotationPeriod::Never)),
            Utc::now(),
        )
        .await?;
    let default = session
        .generate_key(
            &product.id,
            &surface.id,
            &generate("Default", None),
            Utc::now(),
        )
        .await?;

    let in_two_years = Utc::now() + days(730);
    let due: Vec<_> = local
        .manager
        .due_reminders(KeyServices::Saved, in_two_years, &[])
        .await?
        .reminders
        .into_iter()
        .map(|reminder| (reminder.due.key_id, reminder.due.reason))
        .collect();
    assert_eq!(
        due,
        [(default.metadata.id, ReminderReason::RotationOverdue)],
        "the key set to never ({}) is left out; the other follows production's 90 days",
        never.metadata.id
    );
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
        detail: mcp_keys_ide::FindingDetail::default(),
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
