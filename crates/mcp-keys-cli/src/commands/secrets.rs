//! `mcp-keys secrets set|delete NAME`: the secrets that surfaces' upstreams
//! name (`{"secretRef": "NAME"}`, DESIGN §7), kept in the OS keyring where
//! the desktop app's embedded key service reads them. The value is read
//! from stdin, never from the command line. (`mcp-keys serve` reads its
//! secrets from `--secrets-file` or `MCP_KEYS_SECRET_<NAME>` instead.)

use mcp_keys_store::{KeyringSecrets, SecretStore as _, UPSTREAM_SECRETS_SERVICE};

use crate::cli::SecretsCommand;
use crate::commands::login::read_secret;
use crate::context::Context;
use crate::exit::CliError;

/// Runs a `secrets` subcommand.
pub fn run(context: &Context, command: SecretsCommand) -> anyhow::Result<()> {
    let keyring = KeyringSecrets::with_service(UPSTREAM_SECRETS_SERVICE)?;
    let output = &context.output;
    match command {
        SecretsCommand::Set { name } => {
            check_name(&name)?;
            let secret = read_secret(
                &format!("Value of secret {name}: "),
                &format!(
                    "no value on stdin: pipe it in, e.g. `mcp-keys secrets set {name} < file`"
                ),
            )?;
            keyring.set(&name, &secret)?;
            if output.json {
                return output.json(&serde_json::json!({"name": name, "saved": true}));
            }
            output.line(&format!(
                "Saved secret {name} in the OS keyring; upstreams that name it \
                 ({{\"secretRef\": \"{name}\"}}) get it at their next start."
            ))
        }
        SecretsCommand::Delete { name } => {
            check_name(&name)?;
            keyring.delete(&name)?;
            if output.json {
                return output.json(&serde_json::json!({"name": name, "deleted": true}));
            }
            output.line(&format!("Deleted secret {name} from the OS keyring."))
        }
    }
}

/// A secret's name as upstreams may name it (DESIGN §7).
fn check_name(name: &str) -> Result<(), CliError> {
    if mcp_keys_core::is_secret_name(name) {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{name:?} is not a secret name: 1 to 128 letters, digits, `_`, `.` or `-`"
        )))
    }
}
