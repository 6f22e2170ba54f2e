//! `mcp-keys connections list|remove|default`.

use chrono::Utc;
use mcp_keys_store::Connection;

use crate::cli::ConnectionsCommand;
use crate::context::Context;
use crate::output::{Styled, relative};

/// Runs a `connections` subcommand.
pub async fn run(context: &Context, command: ConnectionsCommand) -> anyhow::Result<()> {
    let output = &context.output;
    match command {
        ConnectionsCommand::List => {
            let connections = context.manager.store().list_connections().await?;
            if output.json {
                return output.json(&connections);
            }
            let now = Utc::now();
            output.table(
                &["NAME", "KIND", "URL", "DEFAULT", "SAVED"],
                connections
                    .iter()
                    .map(|connection| {
                        vec![
                            connection.name.clone().into(),
                            connection.kind.as_str().into(),
                            connection.base_url.clone().into(),
                            if connection.is_default {
                                Styled::good("yes")
                            } else {
                                Styled::dim("")
                            },
                            relative(connection.created_at, now).into(),
                        ]
                    })
                    .collect(),
                "No saved connections: run `mcp-keys login --server URL`.",
            )
        }
        ConnectionsCommand::Remove { connection } => {
            let removed = context.manager.remove_connection(&connection).await?;
            done(context, &removed, "Removed connection")
        }
        ConnectionsCommand::Default { connection } => {
            let chosen = context.manager.set_default_connection(&connection).await?;
            done(context, &chosen, "The default connection is now")
        }
    }
}

fn done(context: &Context, connection: &Connection, what: &str) -> anyhow::Result<()> {
    let output = &context.output;
    if output.json {
        return output.json(connection);
    }
    output.line(&format!(
        "{what} {:?} ({}).",
        connection.name, connection.base_url
    ))
}
