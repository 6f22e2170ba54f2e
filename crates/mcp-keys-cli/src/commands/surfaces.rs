//! `mcp-keys surfaces list|create|set-upstream|sync|set-status|set-environment|set-auth-mode`.

use chrono::Utc;
use mcp_keys_client::{AuthMode, Surface, SurfaceFilter, SurfaceStatus, SurfaceUpdate};
use mcp_keys_core::Environment;

use crate::cli::{StatusArg, SurfacesCommand};
use crate::context::Context;
use crate::output::{Styled, relative};

/// Runs a `surfaces` subcommand.
pub async fn run(context: &Context, command: SurfacesCommand) -> anyhow::Result<()> {
    let session = context.session().await?;
    let output = &context.output;
    let now = Utc::now();
    match command {
        SurfacesCommand::List => {
            let surfaces = session
                .client()
                .list_surfaces_all(&SurfaceFilter::default())
                .await?;
            if output.json {
                return output.json(&surfaces);
            }
            output.table(
                &[
                    "ID",
                    "NAME",
                    "PRODUCT",
                    "ENVIRONMENT",
                    "STATUS",
                    "AUTH",
                    "CREATED",
                ],
                surfaces
                    .iter()
                    .map(|surface| {
                        vec![
                            surface.id.clone().into(),
                            surface.name.clone().into(),
                            surface.product_id.clone().into(),
                            environment(surface.environment),
                            status(surface.status),
                            surface.auth_mode.as_str().into(),
                            relative(surface.created_at, now).into(),
                        ]
                    })
                    .collect(),
                "No surfaces yet: create one with `mcp-keys surfaces create --product ID --name N`.",
            )
        }
        SurfacesCommand::Create {
            product,
            name,
            environment,
            capabilities,
            upstream,
            auth_mode,
        } => {
            let mut surface = session
                .create_surface(
                    &product,
                    &name,
                    environment.into(),
                    &capabilities,
                    upstream.upstream()?,
                    now,
                )
                .await?;
            // The manager's create sends no auth mode, so another mode is
            // set right after; until then the new surface has no keys and no
            // grants, so nothing can use it in the wrong mode.
            if let Some(mode) = auth_mode.filter(|mode| *mode != surface.auth_mode) {
                let update = SurfaceUpdate {
                    auth_mode: Some(mode),
                    ..SurfaceUpdate::default()
                };
                surface = session
                    .update_surface(&surface.product_id, &surface.id, &update, now)
                    .await
                    .map_err(|error| {
                        anyhow::Error::from(error).context(format!(
                            "created surface {} but could not set its auth mode to {mode}; \
                             retry with `mcp-keys surfaces set-auth-mode {} {mode}`",
                            surface.id, surface.id
                        ))
                    })?;
                kept_mode(&surface, mode)?;
            }
            if output.json {
                return output.json(&surface);
            }
            output.line(&format!(
                "Created surface {:?} with id {}{}.",
                surface.name,
                surface.id,
                surface
                    .url
                    .as_deref()
                    .map(|url| format!("; its MCP endpoint is {url}"))
                    .unwrap_or_default()
            ))
        }
        SurfacesCommand::SetStatus { surface, status } => {
            let update = SurfaceUpdate {
                status: Some(match status {
                    StatusArg::Active => SurfaceStatus::Active,
                    StatusArg::Inactive => SurfaceStatus::Inactive,
                }),
                ..SurfaceUpdate::default()
            };
            let updated = update_surface(&session, &surface, &update).await?;
            changed(context, &updated, &format!("is now {}", updated.status))
        }
        SurfacesCommand::SetUpstream {
            surface,
            upstream,
            none,
        } => {
            let upstream = match (upstream.upstream()?, none) {
                (Some(upstream), false) => Some(upstream),
                (None, true) => None,
                _ => {
                    return Err(crate::exit::CliError::Usage(
                        "give --upstream-stdio \"COMMAND ARGS...\", --upstream-url URL, or --none"
                            .to_owned(),
                    )
                    .into());
                }
            };
            let update = SurfaceUpdate {
                upstream: Some(upstream),
                ..SurfaceUpdate::default()
            };
            let updated = update_surface(&session, &surface, &update).await?;
            let what = match &updated.upstream {
                Some(mcp_keys_core::Upstream::Stdio { command, .. }) => {
                    format!("now fronts the command {command:?}")
                }
                Some(mcp_keys_core::Upstream::Http { url, .. }) => format!("now fronts {url}"),
                None => "fronts no MCP server now".to_owned(),
            };
            changed(context, &updated, &what)
        }
        SurfacesCommand::Sync { surface } => {
            let found = session.find_surface(&surface).await?;
            let synced = session
                .client()
                .sync_upstream_items(&found.product_id, &found.id)
                .await
                .map_err(mcp_keys_manager::Error::from)?;
            if output.json {
                return output.json(&synced);
            }
            output.table(
                &["CAPABILITY", "KIND", "DESCRIPTION"],
                synced
                    .items
                    .iter()
                    .map(|item| {
                        vec![
                            item.capability_name.clone().into(),
                            item.kind
                                .map(|kind| format!("{kind:?}").to_lowercase())
                                .unwrap_or_else(|| "added by hand".to_owned())
                                .into(),
                            item.description
                                .as_deref()
                                .and_then(|text| text.lines().next())
                                .unwrap_or_default()
                                .to_owned()
                                .into(),
                        ]
                    })
                    .collect(),
                "The MCP server offers nothing a key could be scoped to.",
            )
        }
        SurfacesCommand::SetEnvironment {
            surface,
            environment,
        } => {
            let update = SurfaceUpdate {
                environment: Some(environment.into()),
                ..SurfaceUpdate::default()
            };
            let updated = update_surface(&session, &surface, &update).await?;
            changed(
                context,
                &updated,
                &format!("is now in {}", updated.environment),
            )
        }
        SurfacesCommand::SetAuthMode { surface, mode } => {
            let update = SurfaceUpdate {
                auth_mode: Some(mode),
                ..SurfaceUpdate::default()
            };
            let updated = update_surface(&session, &surface, &update).await?;
            kept_mode(&updated, mode)?;
            changed(context, &updated, &auth_mode_change(mode))
        }
    }
}

/// An error when the server answered with another mode than `mode`: one
/// without OAuth mode ignores the field, and saying so beats claiming a
/// change that did not happen.
fn kept_mode(surface: &Surface, mode: AuthMode) -> anyhow::Result<()> {
    if surface.auth_mode != mode {
        anyhow::bail!(
            "the key service kept surface {} in {} mode: it may not support OAuth mode",
            surface.id,
            surface.auth_mode
        );
    }
    Ok(())
}

/// What `set-auth-mode` did, in words.
fn auth_mode_change(mode: AuthMode) -> String {
    match mode {
        AuthMode::ApiKey => "now accepts API keys only".to_owned(),
        AuthMode::Oauth => {
            "now accepts OAuth tokens only: approve clients with `mcp-keys oauth requests`"
                .to_owned()
        }
        AuthMode::Both => {
            "now accepts API keys and OAuth tokens: approve clients with `mcp-keys oauth requests`"
                .to_owned()
        }
    }
}

async fn update_surface(
    session: &mcp_keys_manager::Session,
    surface_id: &str,
    update: &SurfaceUpdate,
) -> anyhow::Result<Surface> {
    let surface = session.find_surface(surface_id).await?;
    Ok(session
        .update_surface(&surface.product_id, &surface.id, update, Utc::now())
        .await?)
}

fn changed(context: &Context, surface: &Surface, what: &str) -> anyhow::Result<()> {
    let output = &context.output;
    if output.json {
        return output.json(surface);
    }
    output.line(&format!(
        "Surface {:?} ({}) {what}.",
        surface.name, surface.id
    ))
}

/// Production stands out: a key there reaches real users.
pub fn environment(environment: Environment) -> Styled {
    match environment {
        Environment::Production => Styled::warn(environment.as_str()),
        Environment::Development => Styled::plain(environment.as_str()),
    }
}

fn status(status: SurfaceStatus) -> Styled {
    match status {
        SurfaceStatus::Active => Styled::good(status.as_str()),
        SurfaceStatus::Inactive | SurfaceStatus::Unknown => Styled::bad(status.as_str()),
    }
}
