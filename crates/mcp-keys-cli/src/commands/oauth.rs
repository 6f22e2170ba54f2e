//! `mcp-keys oauth requests|approve|deny|grants|revoke` (DESIGN §9): the
//! owner's side of OAuth mode. Client names and redirect hosts come from
//! the OAuth clients themselves, so everything printed from them is made
//! printable first (the table and `Output::line` do; prompts here do).

use chrono::{DateTime, Utc};
use mcp_keys_client::{Grant, OAuthRequest, Surface, SurfaceFilter};
use mcp_keys_manager::Session;

use crate::cli::OauthCommand;
use crate::context::Context;
use crate::output::{Styled, printable, relative, relative_or};

/// Runs an `oauth` subcommand.
pub async fn run(context: &Context, command: OauthCommand) -> anyhow::Result<()> {
    let session = context.session().await?;
    match command {
        OauthCommand::Requests => requests(context, &session).await,
        OauthCommand::Approve { request, scopes } => {
            approve(context, &session, &request, &scopes).await
        }
        OauthCommand::Deny { request } => {
            session.deny_oauth_request(&request, Utc::now()).await?;
            if context.output.json {
                return context
                    .output
                    .json(&serde_json::json!({ "id": request, "denied": true }));
            }
            context.output.line(&format!(
                "Denied OAuth request {request}: the client is told access_denied."
            ))
        }
        OauthCommand::Grants { surface } => grants(context, &session, &surface).await,
        OauthCommand::Revoke {
            grant,
            surface,
            yes,
        } => revoke(context, &session, &grant, surface.as_deref(), yes).await,
    }
}

async fn requests(context: &Context, session: &Session) -> anyhow::Result<()> {
    let requests = session.client().list_oauth_requests().await?;
    let output = &context.output;
    if output.json {
        return output.json(&requests);
    }
    let now = Utc::now();
    output.table(
        &[
            "ID",
            "SURFACE",
            "CLIENT",
            "REDIRECT HOST",
            "SCOPES",
            "EXPIRES",
        ],
        requests
            .iter()
            .map(|request| request_row(request, now))
            .collect(),
        "No OAuth client is waiting for consent.",
    )
}

fn request_row(request: &OAuthRequest, now: DateTime<Utc>) -> Vec<Styled> {
    vec![
        request.id.clone().into(),
        request.surface_name.clone().into(),
        client_name(&request.client_name, &request.client_id).into(),
        request.redirect_host.clone().into(),
        scopes_cell(&request.scopes),
        if request.expires_at <= now {
            Styled::bad("expired")
        } else {
            Styled::plain(relative(request.expires_at, now))
        },
    ]
}

async fn approve(
    context: &Context,
    session: &Session,
    request_id: &str,
    scopes: &[String],
) -> anyhow::Result<()> {
    let client = session.client();
    // The surface's name, for the line below; the request is gone once
    // approved.
    let surface_name = client
        .list_oauth_requests()
        .await?
        .into_iter()
        .find(|request| request.id == request_id)
        .map(|request| request.surface_name);
    let scopes = (!scopes.is_empty()).then_some(scopes);
    let grant = session
        .approve_oauth_request(request_id, scopes, Utc::now())
        .await?;
    let output = &context.output;
    if output.json {
        return output.json(&grant);
    }
    let surface = surface_name
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| format!("surface {}", grant.surface_id));
    output.line(&approved_line(&grant, &surface))
}

/// `Approved: <client> may use <surface> (scopes …); grant <id>`.
fn approved_line(grant: &Grant, surface: &str) -> String {
    let scopes = if grant.scopes.is_empty() {
        "all capabilities".to_owned()
    } else {
        format!("scopes {}", grant.scopes.join(", "))
    };
    format!(
        "Approved: {} may use {surface} ({scopes}); grant {}",
        client_name(&grant.client_name, &grant.client_id),
        grant.id
    )
}

async fn grants(context: &Context, session: &Session, surface_id: &str) -> anyhow::Result<()> {
    let surface = session.find_surface(surface_id).await?;
    let grants = session
        .client()
        .list_grants(&surface.product_id, &surface.id)
        .await?;
    let output = &context.output;
    if output.json {
        return output.json(&grants);
    }
    let now = Utc::now();
    let empty = if surface.auth_mode.allows_oauth() {
        format!("Surface {:?} has no OAuth grants.", surface.name)
    } else {
        format!(
            "Surface {:?} has no OAuth grants: it accepts API keys only (`mcp-keys surfaces \
             set-auth-mode {} oauth` to change that).",
            surface.name, surface.id
        )
    };
    output.table(
        &[
            "ID",
            "CLIENT",
            "REDIRECT HOST",
            "SCOPES",
            "STATUS",
            "APPROVED BY",
            "CREATED",
            "LAST USED",
        ],
        grants.iter().map(|grant| grant_row(grant, now)).collect(),
        &empty,
    )
}

fn grant_row(grant: &Grant, now: DateTime<Utc>) -> Vec<Styled> {
    vec![
        grant.id.clone().into(),
        client_name(&grant.client_name, &grant.client_id).into(),
        grant.redirect_host.clone().into(),
        scopes_cell(&grant.scopes),
        grant_status(grant),
        grant.approved_by.clone().into(),
        relative(grant.created_at, now).into(),
        relative_or(grant.last_used_at, now, "never"),
    ]
}

async fn revoke(
    context: &Context,
    session: &Session,
    grant_id: &str,
    surface_id: Option<&str>,
    yes: bool,
) -> anyhow::Result<()> {
    let (surface, grant) = find_grant(session, grant_id, surface_id).await?;
    if !yes {
        super::keys::confirm(&printable(
            &format!(
                "Revoke grant {} ({} on surface {:?})? Its tokens are refused from now on.",
                grant.id,
                client_name(&grant.client_name, &grant.client_id),
                surface.name
            ),
            false,
        ))?;
    }
    session
        .revoke_grant(&surface.product_id, &surface.id, &grant.id, Utc::now())
        .await?;
    let client = session.client();
    let output = &context.output;
    if output.json {
        // The grant as the service has it now (revoked); as found before
        // if the list cannot be read again.
        let now = client
            .list_grants(&surface.product_id, &surface.id)
            .await
            .ok()
            .and_then(|grants| grants.into_iter().find(|found| found.id == grant.id));
        return output.json(&now.unwrap_or(grant));
    }
    output.line(&format!(
        "Revoked grant {}: {} may no longer use {:?}.",
        grant.id,
        client_name(&grant.client_name, &grant.client_id),
        surface.name
    ))
}

/// The grant `grant_id` and its surface. A grant id alone does not say its
/// surface, and revoking needs it: with `--surface` only that surface is
/// read, else surfaces that accept OAuth are searched first (where grants
/// are), then the others (a surface set back to api_key keeps its grants).
async fn find_grant(
    session: &Session,
    grant_id: &str,
    surface_id: Option<&str>,
) -> anyhow::Result<(Surface, Grant)> {
    let client = session.client();
    let mut surfaces = match surface_id {
        Some(surface_id) => vec![session.find_surface(surface_id).await?],
        None => client.list_surfaces_all(&SurfaceFilter::default()).await?,
    };
    surfaces.sort_by_key(|surface| !surface.auth_mode.allows_oauth());
    for surface in surfaces {
        let grants = client.list_grants(&surface.product_id, &surface.id).await?;
        if let Some(grant) = grants.into_iter().find(|grant| grant.id == grant_id) {
            return Ok((surface, grant));
        }
    }
    Err(mcp_keys_client::Error::NotFound {
        what: match surface_id {
            Some(surface_id) => format!("grant {grant_id} of surface {surface_id}"),
            None => format!("grant {grant_id}"),
        },
    }
    .into())
}

/// The client's name, else its id (a client may register without a name).
fn client_name(name: &str, client_id: &str) -> String {
    if name.trim().is_empty() {
        client_id.to_owned()
    } else {
        name.to_owned()
    }
}

/// Scopes as a cell: none means every capability of the surface.
fn scopes_cell(scopes: &[String]) -> Styled {
    if scopes.is_empty() {
        Styled::dim("all")
    } else {
        Styled::plain(scopes.join(","))
    }
}

fn grant_status(grant: &Grant) -> Styled {
    if grant.revoked_at.is_some() || !grant.is_active {
        Styled::bad("revoked")
    } else {
        Styled::good("active")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use mcp_keys_client::Grant;

    use super::{approved_line, client_name};

    fn grant(scopes: &[&str]) -> Option<Grant> {
        let created_at = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).single()?;
        Some(Grant {
            id: "g1".into(),
            product_id: "p".into(),
            surface_id: "s".into(),
            client_id: "https://client.example/meta.json".into(),
            client_name: "Claude Code".into(),
            redirect_host: "127.0.0.1".into(),
            scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
            is_active: true,
            created_at,
            last_used_at: None,
            revoked_at: None,
            approved_by: "management_token".into(),
        })
    }

    #[test]
    fn an_approval_is_one_line_naming_client_surface_scopes_and_grant() {
        let Some(narrow) = grant(&["search", "fetch"]) else {
            return;
        };
        assert_eq!(
            approved_line(&narrow, "Docs"),
            "Approved: Claude Code may use Docs (scopes search, fetch); grant g1"
        );
        let Some(all) = grant(&[]) else { return };
        assert_eq!(
            approved_line(&all, "Docs"),
            "Approved: Claude Code may use Docs (all capabilities); grant g1"
        );
    }

    #[test]
    fn a_client_without_a_name_is_shown_by_its_id() {
        assert_eq!(client_name("Cursor", "c1"), "Cursor");
        assert_eq!(client_name("  ", "c1"), "c1", "a blank name says nothing");
    }
}
