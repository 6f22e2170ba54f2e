//! IDE glue against a real key service (mcp-keys-server in-process on
//! loopback) and a real SQLite store: a fixture home in a temp dir holds
//! configs with keys created on that service.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use mcp_keys_client::NewSurface;
use mcp_keys_core::{ApiKey, Environment, Sensitive};
use mcp_keys_ide::{ClientId, FindingCode, KeyStatus, KeyStorage};
use mcp_keys_manager::{
    Actor, GenerateKey, KeyServices, Manager, NewConnectionRequest, ScanOptions, Session,
};
use mcp_keys_server::testing::TestService;
use mcp_keys_store::{ConnectionKind, MemorySecrets, SlotName, Store};

type Result<T = ()> = anyhow::Result<T>;

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) manager: Manager,
    pub(crate) session: Session,
    pub(crate) product_id: String,
    pub(crate) surface_id: String,
    pub(crate) service: TestService,
}

impl Fixture {
    /// A key service with one development surface offering `search`, and a
    /// manager with a saved connection to it.
    pub(crate) async fn start() -> Result<Self> {
        let service = TestService::start().await?;
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        fs::create_dir_all(&data)?;
        let store = Store::open(&data.join("mcp-keys.db")).await?;
        let manager = Manager::new(store, Arc::new(MemorySecrets::new()), Actor::Cli);
        let now = Utc::now();
        manager
            .add_connection(
                NewConnectionRequest {
                    kind: ConnectionKind::McpKeys,
                    name: "test".into(),
                    base_url: service.url().to_owned(),
                    token: Sensitive::new(service.token().to_owned()),
                },
                now,
            )
            .await?;
        let session = manager.session(Some("test")).await?;
        let product = session.client().create_product("Docs").await?;
        let surface = session
            .client()
            .create_surface(
                &product.id,
                &NewSurface::mcp("Docs MCP").environment(Environment::Development),
            )
            .await?;
        session
            .client()
            .add_capability(&product.id, &surface.id, "search")
            .await?;
        Ok(Self {
            dir,
            manager,
            session,
            product_id: product.id,
            surface_id: surface.id,
            service,
        })
    }

    fn home(&self) -> std::path::PathBuf {
        self.dir.path().join("home")
    }

    /// A key on the surface: its id and text.
    pub(crate) async fn key(&self, name: &str) -> Result<(String, String)> {
        let created = self
            .session
            .generate_key(
                &self.product_id,
                &self.surface_id,
                &GenerateKey {
                    name: name.into(),
                    environment: None,
                    scopes: Vec::new(),
                    expires_in_days: None,
                    rotate_every: None,
                },
                Utc::now(),
            )
            .await?;
        Ok((
            created.metadata.id.clone(),
            created.key.expose_secret().to_owned(),
        ))
    }
}

/// Cursor's global config with a comment, so edits can be seen to keep it.
fn write_cursor_config(home: &Path, key: &str) -> Result<std::path::PathBuf> {
    let path = home.join(".cursor/mcp.json");
    fs::create_dir_all(path.parent().ok_or_else(|| anyhow::anyhow!("no parent"))?)?;
    fs::write(
        &path,
        format!(
            "{{\n  // the docs server\n  \"mcpServers\": {{\n    \"docs\": {{\n      \"url\": \"http://127.0.0.1/mcp\",\n      \"headers\": {{ \"Authorization\": \"Bearer {key}\" }}\n    }}\n  }}\n}}\n"
        ),
    )?;
    Ok(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_key_is_active_with_its_id_and_the_scan_is_saved() -> Result {
    let fixture = Fixture::start().await?;
    let (key_id, key) = fixture.key("cursor").await?;
    write_cursor_config(&fixture.home(), &key)?;
    let now = Utc::now();

    let scan = fixture
        .manager
        .scan(
            &ScanOptions::for_home(fixture.home()),
            KeyServices::Saved,
            now,
        )
        .await?;

    assert!(scan.unreachable.is_empty(), "{:?}", scan.unreachable);
    let entries: Vec<_> = scan
        .entries
        .iter()
        .map(|entry| (entry.client, entry.status, entry.key_id.clone()))
        .collect();
    assert_eq!(
        entries,
        [(ClientId::Cursor, KeyStatus::Active, Some(key_id.clone()))]
    );
    let usage = fixture.manager.key_usage(&key_id).await?;
    assert_eq!(usage.len(), 1);
    assert_eq!(
        (usage[0].client.as_str(), usage[0].status.as_str()),
        ("cursor", "active")
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_is_reported_revoked_and_doctor_says_it_is_in_use() -> Result {
    let fixture = Fixture::start().await?;
    let (key_id, key) = fixture.key("claude").await?;
    write_cursor_config(&fixture.home(), &key)?;
    let now = Utc::now();
    fixture
        .session
        .revoke_key(&fixture.product_id, &fixture.surface_id, &key_id, now)
        .await?;
    let options = ScanOptions::for_home(fixture.home());

    let scan = fixture
        .manager
        .scan(&options, KeyServices::Saved, now)
        .await?;
    let report = fixture
        .manager
        .doctor(&options, KeyServices::Saved, now)
        .await?;

    assert_eq!(scan.entries.len(), 1);
    assert_eq!(scan.entries[0].status, KeyStatus::Revoked);
    assert!(
        report
            .findings
            .iter()
            .any(|finding| finding.code == FindingCode::RevokedKeyInUse
                && finding.client == Some(ClientId::Cursor)),
        "{:?}",
        report.findings
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roll_rewrites_the_config_in_place_and_the_new_key_verifies() -> Result {
    let fixture = Fixture::start().await?;
    let (key_id, key) = fixture.key("cursor").await?;
    let path = write_cursor_config(&fixture.home(), &key)?;
    let before = fs::read_to_string(&path)?;

    let rolled = fixture
        .session
        .roll_key_with_configs(
            &fixture.product_id,
            &fixture.surface_id,
            &key_id,
            Duration::from_secs(3600),
            Some(&ScanOptions::for_home(fixture.home())),
            Utc::now(),
        )
        .await?;

    let new_key = rolled.rolled.created.key.expose_secret().to_owned();
    let after = fs::read_to_string(&path)?;
    assert_eq!(after, before.replace(&key, &new_key));
    assert!(after.contains("// the docs server"));
    let report = rolled
        .report
        .as_ref()
        .context("configs were to be updated")?;
    assert!(report.verified, "{:?}", report.verify_code);
    assert_eq!(report.old_key_id, key_id);
    assert_eq!(report.configs.len(), 1);
    assert!(report.configs[0].updated, "{:?}", report.configs[0].error);
    assert_eq!(report.restart, [ClientId::Cursor]);
    let backup = report.configs[0]
        .backup
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no backup"))?;
    assert!(Path::new(backup).starts_with(fixture.manager.backup_dir()));
    assert_eq!(fs::read_to_string(backup)?, before);

    // The rewritten config now scans as the new, active key.
    let scan = fixture
        .manager
        .scan(
            &ScanOptions::for_home(fixture.home()),
            KeyServices::Saved,
            Utc::now(),
        )
        .await?;
    assert_eq!(
        scan.entries
            .iter()
            .map(|entry| (entry.status, entry.key_id.clone()))
            .collect::<Vec<_>>(),
        [(KeyStatus::Active, Some(report.new_key_id.clone()))]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gitignore_fix_takes_only_configs_of_the_last_scan_and_never_writes_through_a_link()
-> Result {
    let fixture = Fixture::start().await?;
    let (_, key) = fixture.key("cursor").await?;
    let project = fixture.dir.path().join("project");
    let config = project.join(".cursor/mcp.json");
    fs::create_dir_all(project.join(".git"))?;
    write_cursor_config(&project, &key)?;
    // A path the window sends that no scan produced: refused.
    let elsewhere = fixture.dir.path().join("elsewhere/.git");
    fs::create_dir_all(&elsewhere)?;
    let stranger = fixture.dir.path().join("elsewhere/notes.json");
    let refused = fixture.manager.ignore_config(&stranger).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(!fixture.dir.path().join("elsewhere/.gitignore").exists());

    let mut options = ScanOptions::for_home(fixture.home());
    options.projects = vec![project.clone()];
    fixture
        .manager
        .scan(&options, KeyServices::Saved, Utc::now())
        .await?;
    // The project's .gitignore links to a file outside it: not followed.
    let victim = fixture.dir.path().join("victim");
    fs::write(&victim, "precious\n")?;
    std::os::unix::fs::symlink(&victim, project.join(".gitignore"))?;
    let linked = fixture.manager.ignore_config(&config).await;
    assert!(linked.is_err(), "{linked:?}");
    assert_eq!(fs::read_to_string(&victim)?, "precious\n");

    // A background reminder run knows only the home folder: it must not
    // drop the page's project configs from the stored scan (the fix below,
    // "Used by" and the revoke dialog read it).
    fixture
        .manager
        .due_reminders_after_doctor(
            &ScanOptions::for_home(fixture.home()),
            KeyServices::Saved,
            Utc::now(),
        )
        .await?;
    assert!(
        fixture
            .manager
            .store()
            .list_scan_results()
            .await?
            .iter()
            .any(|result| Path::new(&result.config_path) == config),
        "the project's config is still in the stored scan"
    );

    fs::remove_file(project.join(".gitignore"))?;
    let written = fixture.manager.ignore_config(&config).await?;
    assert_eq!(fs::read_to_string(written)?, "/.cursor/mcp.json\n");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_in_a_keyring_slot_is_identified_and_a_missing_slot_says_so() -> Result {
    let fixture = Fixture::start().await?;
    let (key_id, key) = fixture.key("cursor").await?;
    let now = Utc::now();
    let slot = SlotName::new("cursor-docs")?;
    fixture
        .manager
        .keep_in_slot(
            &slot,
            "http://127.0.0.1/mcp",
            Some(&fixture.surface_id),
            &key_id,
            &ApiKey::parse(&key)?,
            now,
        )
        .await?;
    // "docs" takes the slot's key through `mcp-keys run`; "tools" runs a
    // bridge whose slot is in no keyring.
    let path = fixture.home().join(".cursor/mcp.json");
    fs::create_dir_all(path.parent().context("a parent")?)?;
    fs::write(
        &path,
        r#"{"mcpServers": {
  "docs": {"url": "http://127.0.0.1/mcp", "headers": {"Authorization": "Bearer ${env:MCP_KEY_CURSOR_DOCS}"}},
  "tools": {"command": "/opt/mcp-keys/mcp-keys", "args": ["bridge", "--slot", "cursor-tools"]}
}}"#,
    )?;
    let options = ScanOptions::for_home(fixture.home());

    let scan = fixture
        .manager
        .scan(&options, KeyServices::Saved, now)
        .await?;
    let report = fixture
        .manager
        .doctor(&options, KeyServices::Saved, now)
        .await?;

    let summary: Vec<_> = scan
        .entries
        .iter()
        .map(|entry| {
            (
                entry.server_name.as_str(),
                entry.storage,
                entry.slot.as_deref(),
                entry.status,
                entry.key_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "docs",
                KeyStorage::Keyring,
                Some("cursor-docs"),
                KeyStatus::Active,
                Some(key_id.as_str())
            ),
            (
                "tools",
                KeyStorage::Keyring,
                Some("cursor-tools"),
                KeyStatus::Unknown,
                None
            ),
        ]
    );
    let reason = scan.entries[1].status_reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains("keyring slot cursor-tools"),
        "the reason is the missing slot, not the key services: {reason}"
    );
    let codes: Vec<FindingCode> = report.findings.iter().map(|f| f.code).collect();
    assert!(
        codes.contains(&FindingCode::KeyringSlotMissing)
            && !codes.contains(&FindingCode::KeyNotIdentified),
        "{:?}",
        report.findings
    );
    let usage = fixture.manager.key_usage(&key_id).await?;
    assert_eq!(usage.len(), 1, "the slot's key is used by Cursor");
    Ok(())
}
