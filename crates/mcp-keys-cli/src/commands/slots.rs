//! The commands IDE configs run instead of holding a key (DESIGN §8):
//! `headers` (a headers helper), `bridge` (a stdio MCP server), `run` (a
//! client started with the key in its environment), and `slots list`. Each
//! reads the key from its keyring slot when it runs, so a roll that rewrote
//! the slot reaches the client without touching its config.

use std::io::Write;
use std::sync::Arc;

use clap::{Args, Subcommand};
use mcp_keys_client::bridge::{self, BridgeError, BridgeOptions, KeySource};
use mcp_keys_core::Sensitive;
use mcp_keys_manager::Manager;
use mcp_keys_store::SlotName;

use crate::context::Context;
use crate::exit::CliError;
use crate::output::relative;

/// The variables Claude Code sets for a headers helper: the server's name
/// and URL in its config.
const CLAUDE_SERVER_URL_VAR: &str = "CLAUDE_CODE_MCP_SERVER_URL";
const CLAUDE_SERVER_NAME_VAR: &str = "CLAUDE_CODE_MCP_SERVER_NAME";

/// Options of `mcp-keys headers`.
#[derive(Debug, Args)]
pub struct HeadersArgs {
    /// The slot to read (default: the one for the URL the client passes in
    /// CLAUDE_CODE_MCP_SERVER_URL).
    #[arg(long, value_name = "NAME")]
    pub slot: Option<String>,
}

/// Options of `mcp-keys bridge`.
#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// The slot whose surface to forward to, with its key.
    #[arg(long, value_name = "NAME")]
    pub slot: String,
}

/// Options of `mcp-keys run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A slot whose key to put into the command's environment, as NAME (in
    /// the slot's own variable, MCP_KEY_<NAME>) or NAME=VAR; repeat for more.
    #[arg(long = "slot", value_name = "NAME[=VAR]", required = true)]
    pub slots: Vec<String>,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `mcp-keys slots …`
#[derive(Debug, Subcommand)]
pub enum SlotsCommand {
    /// List the keyring slots of installed keys (never the keys).
    List,
    /// Delete a slot from the keyring: the clients that name it lose the key.
    Delete {
        /// Its name.
        slot: String,
    },
}

/// `mcp-keys headers`: `{"Authorization":"Bearer …"}` on stdout.
pub async fn headers(context: &Context, args: HeadersArgs) -> anyhow::Result<()> {
    let url = std::env::var(CLAUDE_SERVER_URL_VAR).ok();
    let server = std::env::var(CLAUDE_SERVER_NAME_VAR).ok();
    let name = context
        .manager
        .resolve_slot(args.slot.as_deref(), url.as_deref(), server.as_deref())
        .await?;
    let secret = read(&context.manager, name).await?;
    let line = Sensitive::new(format!(
        "{}\n",
        serde_json::json!({ "Authorization": format!("Bearer {}", secret.key.expose()) })
    ));
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(line.expose().as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// `mcp-keys bridge`: forwards stdin/stdout to the slot's surface.
pub async fn bridge(context: &Context, args: BridgeArgs) -> anyhow::Result<()> {
    let name = SlotName::new(&args.slot)?;
    let secret = read(&context.manager, name.clone()).await?;
    let url = secret.url.parse().map_err(|_| {
        CliError::Usage(format!(
            "keyring slot {name} holds no valid URL: install it again"
        ))
    })?;
    let keys: Arc<dyn KeySource> = Arc::new(SlotKeys {
        manager: context.manager.clone(),
        name,
    });
    let options = BridgeOptions::new(url);
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    bridge::run(options, keys, stdin, tokio::io::stdout()).await?;
    Ok(())
}

/// `mcp-keys run`: the command with the slots' keys in its environment.
pub async fn run(context: &Context, args: RunArgs) -> anyhow::Result<()> {
    let mut command = std::process::Command::new(&args.command[0]);
    command.args(&args.command[1..]);
    for spec in &args.slots {
        let (name, var) = match spec.split_once('=') {
            Some((name, var)) => (SlotName::new(name)?, var.to_owned()),
            None => {
                let name = SlotName::new(spec)?;
                let var = name.env_var();
                (name, var)
            }
        };
        if !mcp_keys_manager::mcp_keys_ide::is_variable_name(&var) {
            return Err(CliError::Usage(format!("{var:?} is not a variable name")).into());
        }
        let secret = read(&context.manager, name).await?;
        command.env(var, secret.key.expose());
    }
    exec(command)
}

/// `mcp-keys slots list|delete`.
pub async fn slots(context: &Context, command: SlotsCommand) -> anyhow::Result<()> {
    let store = context.manager.store();
    match command {
        SlotsCommand::List => {
            let slots = store.list_slots().await?;
            if context.output.json {
                return context.output.json(&slots);
            }
            let now = chrono::Utc::now();
            context.output.table(
                &["SLOT", "KEY", "URL", "VARIABLE", "UPDATED"],
                slots
                    .iter()
                    .map(|slot| {
                        vec![
                            slot.name.to_string().into(),
                            format!("{} ({})", slot.key_id, slot.key_prefix).into(),
                            slot.url.clone().into(),
                            slot.name.env_var().into(),
                            relative(slot.updated_at, now).into(),
                        ]
                    })
                    .collect(),
                "No keyring slots: install a key with `mcp-keys keys create SURFACE --name N \
                 --install CLIENT`.",
            )
        }
        SlotsCommand::Delete { slot } => {
            let name = SlotName::new(&slot)?;
            mcp_keys_store::delete_slot_secret(context.manager.secrets(), &name)?;
            let known = store.delete_slot(&name).await?;
            context.output.line(&if known {
                format!("Deleted keyring slot {name}.")
            } else {
                format!("No slot {name} was indexed; its keyring entry, if any, is deleted.")
            })
        }
    }
}

/// A slot's secret, read on a blocking thread.
async fn read(manager: &Manager, name: SlotName) -> anyhow::Result<mcp_keys_store::SlotSecret> {
    let manager = manager.clone();
    Ok(tokio::task::spawn_blocking(move || manager.read_slot(&name)).await??)
}

/// The bridge's keys: the slot, read again whenever the bridge asks.
#[derive(Debug)]
struct SlotKeys {
    manager: Manager,
    name: SlotName,
}

impl KeySource for SlotKeys {
    fn key(&self) -> Result<Sensitive<String>, BridgeError> {
        self.manager
            .read_slot(&self.name)
            .map(|secret| secret.key)
            .map_err(|error| BridgeError::Keyring(error.to_string()))
    }
}

/// Replaces this process with `command` (Unix); elsewhere runs it and exits
/// with its status.
#[cfg(unix)]
fn exec(mut command: std::process::Command) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    Err(anyhow::anyhow!(
        "cannot run {:?}: {error}",
        command.get_program()
    ))
}

#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> anyhow::Result<()> {
    let status = command.status()?;
    std::process::exit(status.code().unwrap_or(1));
}
