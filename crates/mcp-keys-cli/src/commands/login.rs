//! `mcp-keys login`: save a connection, its token in the OS keyring.

use std::io::{BufRead, IsTerminal};

use chrono::Utc;
use mcp_keys_core::Sensitive;
use mcp_keys_manager::NewConnectionRequest;
use mcp_keys_store::ConnectionKind;

use crate::cli::{LoginArgs, ServerKind};
use crate::context::Context;
use crate::exit::CliError;

/// Reads the token, checks it against `--server`, saves the connection.
pub async fn run(context: &Context, args: LoginArgs) -> anyhow::Result<()> {
    let url = context.server().ok_or_else(|| {
        CliError::Usage("login needs the server: `mcp-keys login --server URL`".to_owned())
    })?;
    let token = read_secret(
        &format!("Management token for {url}: "),
        "no token on stdin: pipe the management token in, e.g. \
         `mcp-keys login --server URL < token-file`",
    )?;
    let connection = context
        .manager
        .add_connection(
            NewConnectionRequest {
                kind: match args.kind {
                    ServerKind::McpKeys => ConnectionKind::McpKeys,
                    ServerKind::Runtype => ConnectionKind::Runtype,
                },
                name: args.name.unwrap_or_default(),
                base_url: url.to_owned(),
                token,
            },
            Utc::now(),
        )
        .await?;
    let output = &context.output;
    if output.json {
        return output.json(&connection);
    }
    output.line(&format!(
        "Saved connection {:?} to {}{}; its token is in the OS keyring.",
        connection.name,
        connection.base_url,
        if connection.is_default {
            " (the default)"
        } else {
            ""
        }
    ))
}

/// A secret from stdin, never from the command line: typed without echo
/// on a terminal (after `prompt`), else the first non-blank line
/// (`mcp-keys login --server URL < token-file`). `missing` says what to do
/// when there is none.
pub(crate) fn read_secret(prompt: &str, missing: &str) -> anyhow::Result<Sensitive<String>> {
    let stdin = std::io::stdin();
    let token = if stdin.is_terminal() {
        Sensitive::new(rpassword::prompt_password(prompt)?)
    } else {
        let mut lines = stdin.lock();
        loop {
            let mut buffer = String::new();
            let read = lines.read_line(&mut buffer)?;
            // Wrapped at once, so every line read is zeroized when dropped.
            let line = Sensitive::new(buffer);
            if read == 0 || !line.expose().trim().is_empty() {
                break line;
            }
        }
    };
    let trimmed = token.expose().trim();
    if trimmed.is_empty() {
        return Err(CliError::Usage(missing.to_owned()).into());
    }
    Ok(Sensitive::new(trimmed.to_owned()))
}
