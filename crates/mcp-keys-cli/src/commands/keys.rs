//! `mcp-keys keys list|create|revoke|roll`. A new key goes to stdout alone
//! (so `> key.txt` or `| pbcopy` takes exactly the key); what people read
//! about it goes to stderr.

use std::io::{BufRead, IsTerminal, Write};

use chrono::{DateTime, Utc};
use mcp_keys_client::{CreatedKey, KeyMetadata, Surface};
use mcp_keys_manager::{GenerateKey, Session};
use mcp_keys_store::RotationPeriod;
use serde::Serialize;

use crate::cli::{CreateKeyArgs, KeysCommand, RollKeyArgs};
use crate::commands::install;
use crate::commands::surfaces::environment;
use crate::context::Context;
use crate::exit::CliError;
use crate::output::{Styled, printable, relative, relative_or};
use mcp_keys_manager::mcp_keys_ide::install::AfterRoll;

/// Runs a `keys` subcommand.
pub async fn run(context: &Context, command: KeysCommand) -> anyhow::Result<()> {
    let session = context.session().await?;
    match command {
        KeysCommand::List { surface } => list(context, &session, &surface).await,
        KeysCommand::Create(args) => create(context, &session, args).await,
        KeysCommand::Revoke { key, yes } => revoke(context, &session, &key, yes).await,
        KeysCommand::Roll(args) => roll(context, &session, args).await,
        KeysCommand::Install(args) => install::install(context, &session, args).await,
    }
}

async fn list(context: &Context, session: &Session, surface_id: &str) -> anyhow::Result<()> {
    let now = Utc::now();
    let found = session.find_surface(surface_id).await?;
    let surface = session.surface(&found.product_id, &found.id, now).await?;
    let output = &context.output;
    if output.json {
        return output.json(&surface.keys);
    }
    output.table(
        &[
            "ID",
            "NAME",
            "KEY",
            "ENVIRONMENT",
            "STATUS",
            "SCOPES",
            "CREATED",
            "LAST USED",
            "EXPIRES",
        ],
        surface
            .keys
            .iter()
            .map(|key| {
                vec![
                    key.id.clone().into(),
                    key.name.clone().into(),
                    format!("{}…{}", key.key_prefix, key.key_hint).into(),
                    environment(key.environment),
                    status(key, now),
                    if key.scopes.is_empty() {
                        Styled::dim("all")
                    } else {
                        Styled::plain(key.scopes.join(","))
                    },
                    relative(key.created_at, now).into(),
                    relative_or(key.last_used_at, now, "never"),
                    relative_or(key.expires_at, now, "never"),
                ]
            })
            .collect(),
        &format!(
            "Surface {:?} has no keys: create one with `mcp-keys keys create {} --name N`.",
            surface.name, surface.id
        ),
    )
}

async fn create(context: &Context, session: &Session, args: CreateKeyArgs) -> anyhow::Result<()> {
    let surface = session.find_surface(&args.surface).await?;
    let created = session
        .generate_key(
            &surface.product_id,
            &surface.id,
            &GenerateKey {
                name: args.name.clone(),
                environment: args.environment.map(Into::into),
                scopes: args.scopes.clone(),
                expires_in_days: args.expires_in,
                rotate_every: args.rotate_every.map(RotationPeriod::Days),
            },
            Utc::now(),
        )
        .await?;
    if !args.install.is_empty() {
        return create_installed(context, session, &surface, &created, &args).await;
    }
    if context.output.json {
        return context.output.json(&NewKeyJson::from(&created));
    }
    print_key(&created)?;
    eprintln!(
        "Created key {:?} ({}, id {}) on surface {:?}. It is shown only this once.",
        created.metadata.name,
        created.key.key_prefix(),
        created.metadata.id,
        surface.name
    );
    Ok(())
}

/// `keys create --install`: the key goes into the clients, not to stdout,
/// unless an install failed (then it is printed, so it is not lost).
async fn create_installed(
    context: &Context,
    session: &Session,
    surface: &Surface,
    created: &CreatedKey,
    args: &CreateKeyArgs,
) -> anyhow::Result<()> {
    let results = install::install_all(
        session,
        surface,
        &created.metadata.id,
        &created.key,
        &args.install,
        &args.install_options,
    )
    .await?;
    let all_installed = results.iter().all(install::InstallResult::ok);
    if context.output.json {
        context.output.json(&InstalledKeyJson {
            key: (!all_installed).then(|| created.key.expose_secret()),
            metadata: &created.metadata,
            installs: &results,
        })?;
    } else {
        install::report(&results);
        if !all_installed {
            print_key(created)?;
            eprintln!("The key is above, so it is not lost: it is shown only this once.");
        }
        eprintln!(
            "Created key {:?} ({}, id {}) on surface {:?}.",
            created.metadata.name,
            created.key.key_prefix(),
            created.metadata.id,
            surface.name
        );
    }
    install::failed(&results)
}

async fn revoke(
    context: &Context,
    session: &Session,
    key_id: &str,
    yes: bool,
) -> anyhow::Result<()> {
    let key = session.find_key(key_id).await?;
    if !yes {
        confirm(&format!(
            "Revoke key {:?} ({}…{}, id {})? Every client using it is refused from now on.",
            key.name, key.key_prefix, key.key_hint, key.id
        ))?;
    }
    let revoked = session
        .revoke_key(&key.product_id, &key.surface_id, &key.id, Utc::now())
        .await?
        .unwrap_or(key);
    let output = &context.output;
    if output.json {
        return output.json(&revoked);
    }
    output.line(&format!(
        "Revoked key {:?} ({}…{}, id {}).",
        revoked.name, revoked.key_prefix, revoked.key_hint, revoked.id
    ))
}

async fn roll(context: &Context, session: &Session, args: RollKeyArgs) -> anyhow::Result<()> {
    let key = session.find_key(&args.key).await?;
    let now = Utc::now();
    let options = if args.update_configs {
        let ide = crate::cli::IdeArgs {
            home: args.home.clone(),
            projects: args.projects.clone(),
        };
        Some(ide.options()?)
    } else {
        None
    };
    let done = session
        .roll_key_with_configs(
            &key.product_id,
            &key.surface_id,
            &key.id,
            args.grace,
            options.as_ref(),
            now,
        )
        .await?;
    let (rolled, report) = (done.rolled, done.report);
    if context.output.json {
        context.output.json(&RolledJson {
            new_key: NewKeyJson::from(&rolled.created),
            old_key: &rolled.old_key,
            degraded: rolled.degraded,
            slots: &rolled.slots,
            configs: report.as_ref(),
        })?;
        stale_slots(&rolled.slots)?;
        return incomplete(report.as_ref());
    }
    if let Some(report) = &report {
        for config in &report.configs {
            let path = printable(&config.config_path, false);
            match &config.error {
                None => eprintln!("updated {path} (read by {})", names(&config.clients)),
                Some(error) => eprintln!("NOT updated {path}: {}", printable(error, false)),
            }
            for place in &config.places {
                eprintln!("  at {}", printable(place, false));
            }
            if config.tightened {
                eprintln!("  it was readable by every user: now readable by you only (0600)");
            }
        }
        for variable in &report.variables {
            let what = if variable.holds_old_key {
                "holds the old key"
            } else {
                "is not set here and may hold the old key"
            };
            eprintln!(
                "UPDATE the variable {} ({what}), used by {} in {}",
                printable(&variable.variable, false),
                names(&variable.clients),
                printable(&variable.config_paths.join(", "), false)
            );
            for line in &variable.set_in {
                eprintln!("  set at {}", printable(line, false));
            }
        }
        for problem in &report.problems {
            eprintln!("warning: {}", printable(problem, false));
        }
        if !report.verified {
            eprintln!("warning: the new key did not verify against its surface");
        }
        if !report.restart.is_empty() {
            eprintln!(
                "Restart these clients to pick up the new key: {}",
                names(&report.restart)
            );
        }
    }
    for refill in &rolled.slots {
        match &refill.error {
            None => eprintln!(
                "keyring slot {} holds the new key{}",
                refill.slot,
                match (refill.client, refill.after_roll) {
                    (Some(client), Some(after)) => format!(": {client} {}", after_roll(after)),
                    _ => String::new(),
                }
            ),
            Some(error) => eprintln!(
                "keyring slot {} still holds the old key: {}",
                refill.slot,
                printable(error, false)
            ),
        }
    }
    print_key(&rolled.created)?;
    let until = rolled.old_key.expires_at.unwrap_or(now);
    eprintln!(
        "Rolled key {:?}: the new key ({}, id {}) is above and shown only this once; the old \
         one (id {}) {}.",
        rolled.created.metadata.name,
        rolled.created.key.key_prefix(),
        rolled.created.metadata.id,
        rolled.old_key.id,
        old_key_fate(until, now),
    );
    if rolled.degraded {
        eprintln!(
            "This server cannot roll keys itself: the new key was created, and mcp-keys (or \
             the MCP Keys app) revokes the old one on its first run after the grace period."
        );
    }
    stale_slots(&rolled.slots)?;
    incomplete(report.as_ref())
}

/// What a client installed through a slot needs after a roll, in words.
fn after_roll(after: AfterRoll) -> &'static str {
    match after {
        AfterRoll::Nothing => "needs nothing (its bridge reads the slot)",
        AfterRoll::Reconnect => {
            "uses it at its next connection (its headers helper reads the slot)"
        }
        AfterRoll::Restart => "needs a restart through `mcp-keys run` (it reads the key at start)",
        AfterRoll::Reenter => "asks for the key again: clear its saved input",
        AfterRoll::Rewrite => "had the key written into its config",
    }
}

/// An error (after the key was printed) when a keyring slot still holds
/// the old key: its clients fail once the grace period ends.
fn stale_slots(slots: &[mcp_keys_manager::SlotRefill]) -> anyhow::Result<()> {
    let stale = slots.iter().filter(|refill| refill.error.is_some()).count();
    if stale > 0 {
        anyhow::bail!(
            "the key was rolled (the new key is above), but {stale} keyring slot(s) still hold \
             the old key: see the lines above, then `mcp-keys keys install NEW_KEY_ID --client \
             CLIENT` for each"
        );
    }
    Ok(())
}

/// An error (after the key was printed) when a config still holds the old
/// key or something else went wrong after the roll: the exit code must
/// not say that everything was done.
fn incomplete(report: Option<&mcp_keys_manager::ConfigRollReport>) -> anyhow::Result<()> {
    let Some(report) = report else {
        return Ok(());
    };
    let failed = report
        .configs
        .iter()
        .filter(|config| !config.updated)
        .count()
        + report
            .variables
            .iter()
            .filter(|variable| variable.holds_old_key)
            .count();
    if failed > 0 || !report.problems.is_empty() {
        anyhow::bail!(
            "the key was rolled (the new key is above), but {failed} config(s) or variable(s) \
             still hold the old key or could not be checked: see the lines above"
        );
    }
    Ok(())
}

/// Client ids as written in JSON, comma-separated.
fn names(clients: &[mcp_keys_manager::mcp_keys_ide::ClientId]) -> String {
    clients
        .iter()
        .map(|client| client.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn old_key_fate(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if until <= now {
        "no longer works".to_owned()
    } else {
        format!(
            "keeps working until {} ({})",
            until.to_rfc3339(),
            relative(until, now)
        )
    }
}

/// The key alone on stdout.
fn print_key(created: &CreatedKey) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", created.key.expose_secret())?;
    stdout.flush()?;
    Ok(())
}

/// Asks on the terminal; without one, refuses (a script must say `--yes`).
pub(super) fn confirm(question: &str) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Refused(
            "not revoking without confirmation: stdin is not a terminal, so pass --yes".into(),
        )
        .into());
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::Refused("not revoked: the answer was not yes".into()).into())
    }
}

fn status(key: &KeyMetadata, now: DateTime<Utc>) -> Styled {
    if key.revoked_at.is_some() || !key.is_active {
        Styled::bad("revoked")
    } else if key.expires_at.is_some_and(|at| at <= now) {
        Styled::bad("expired")
    } else {
        Styled::good("active")
    }
}

/// A new key and its metadata, as `keys create --json` prints it: the
/// API's own shape (`key` beside the metadata fields).
#[derive(Serialize)]
struct NewKeyJson<'a> {
    key: &'a str,
    #[serde(flatten)]
    metadata: &'a KeyMetadata,
}

impl<'a> From<&'a CreatedKey> for NewKeyJson<'a> {
    fn from(created: &'a CreatedKey) -> Self {
        Self {
            key: created.key.expose_secret(),
            metadata: &created.metadata,
        }
    }
}

/// `keys create --install --json`: the key's metadata and each install; the
/// key itself only when an install failed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InstalledKeyJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    #[serde(flatten)]
    metadata: &'a KeyMetadata,
    installs: &'a [install::InstallResult],
}

/// `keys roll --json`: the new key as `keys create` prints it, the old
/// key's metadata (its new `expiresAt`), and whether the roll degraded.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RolledJson<'a> {
    #[serde(flatten)]
    new_key: NewKeyJson<'a>,
    old_key: &'a KeyMetadata,
    degraded: bool,
    /// The keyring slots that now hold the new key.
    slots: &'a [mcp_keys_manager::SlotRefill],
    /// With `--update-configs`: what happened to each IDE config.
    #[serde(skip_serializing_if = "Option::is_none")]
    configs: Option<&'a mcp_keys_manager::ConfigRollReport>,
}
