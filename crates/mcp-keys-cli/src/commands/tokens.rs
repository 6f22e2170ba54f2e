//! `mcp-keys tokens list|create|revoke`: the service's management tokens.

use std::io::Write;

use chrono::Utc;
use serde::Serialize;

use crate::cli::TokensCommand;
use crate::context::Context;
use crate::output::{Styled, relative, relative_or};

/// What `tokens create --json` prints: the token, this once, and its
/// metadata.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewTokenJson<'a> {
    token: &'a str,
    #[serde(flatten)]
    metadata: &'a mcp_keys_client::TokenMetadata,
}

/// Runs a `tokens` subcommand.
pub async fn run(context: &Context, command: TokensCommand) -> anyhow::Result<()> {
    let session = context.session().await?;
    let client = session.client();
    let output = &context.output;
    let now = Utc::now();
    match command {
        TokensCommand::List => {
            let tokens = client.list_tokens().await?;
            if output.json {
                return output.json(&tokens);
            }
            output.table(
                &["ID", "NAME", "STATUS", "CREATED", "LAST USED"],
                tokens
                    .iter()
                    .map(|token| {
                        let status = match (&token.revoked_at, token.current) {
                            (Some(_), _) => Styled::bad("revoked"),
                            (None, true) => Styled::good("active (this one)"),
                            (None, false) => Styled::good("active"),
                        };
                        vec![
                            token.id.clone().into(),
                            token.name.clone().into(),
                            status,
                            relative(token.created_at, now).into(),
                            relative_or(token.last_used_at, now, "never"),
                        ]
                    })
                    .collect(),
                "No management tokens.",
            )
        }
        TokensCommand::Create { name } => {
            let created = client.create_token(&name).await?;
            if output.json {
                return output.json(&NewTokenJson {
                    token: created.token.expose(),
                    metadata: &created.metadata,
                });
            }
            // Only the token on stdout, so `mcp-keys tokens create > file`
            // (or a pipe to `mcp-keys login`) takes it whole.
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{}", created.token.expose())?;
            stdout.flush()?;
            eprintln!(
                "Created management token {:?} (id {}). It is shown only now: keep it in a password manager or pipe it to `mcp-keys login`.",
                crate::output::printable(&created.metadata.name, false),
                created.metadata.id
            );
            Ok(())
        }
        TokensCommand::Revoke { token, yes } => {
            if !yes {
                super::keys::confirm(&format!(
                    "Revoke management token {token}? Every program using it is refused from now on."
                ))?;
            }
            let revoked = client.revoke_token(&token).await?;
            if output.json {
                return output.json(&revoked);
            }
            output.line(&format!(
                "Revoked management token {:?} (id {}).",
                revoked.name, revoked.id
            ))
        }
    }
}
