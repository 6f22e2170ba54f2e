//! A surface's items, kept as its upstream offers them (DESIGN §7): synced
//! when the upstream starts, again whenever it says a list changed, and on
//! request (`POST …/surfaces/{id}/upstream/sync`).

use std::sync::Arc;
use std::time::Duration;

use rmcp::RoleClient;
use rmcp::service::{Peer, ServiceError};
use tokio::sync::Notify;

use crate::Db;
use crate::api::ItemKind;
use crate::db::{Prune, SyncedItem};
use crate::routes::validate;
use crate::time;

/// The most items kept from one upstream (a server may list thousands of
/// resources; keys are scoped to what people pick from a list).
const MAX_SYNCED_ITEMS: usize = 1000;

/// The longest description kept.
const MAX_DESCRIPTION_CHARS: usize = 1024;

/// How often the sync task looks whether its upstream went away.
const CLOSED_CHECK: Duration = Duration::from_secs(30);

/// What the upstream behind `peer` offers, as items: tools, prompts and
/// resources, for those it has. Names that cannot be scopes are skipped.
pub(super) async fn offered(peer: &Peer<RoleClient>) -> Result<Vec<SyncedItem>, ServiceError> {
    let capabilities = peer
        .peer_info()
        .map(|info| info.capabilities.clone())
        .unwrap_or_default();
    let mut items = Vec::new();
    if capabilities.tools.is_some() {
        for tool in peer.list_all_tools().await? {
            items.push((
                tool.name.to_string(),
                ItemKind::Tool,
                tool.description.map(|text| text.to_string()),
            ));
        }
    }
    if capabilities.prompts.is_some() {
        for prompt in peer.list_all_prompts().await? {
            items.push((
                prompt.name.clone(),
                ItemKind::Prompt,
                prompt.description.clone(),
            ));
        }
    }
    if capabilities.resources.is_some() {
        for resource in peer.list_all_resources().await? {
            items.push((
                resource.uri.clone(),
                ItemKind::Resource,
                resource.description.clone(),
            ));
        }
    }
    let mut synced: Vec<SyncedItem> = Vec::new();
    for (name, kind, description) in items {
        if validate::capability_name(&name).is_err() || synced.iter().any(|item| item.name == name)
        {
            continue;
        }
        synced.push(SyncedItem {
            name,
            kind,
            description: description
                .map(|text| text.chars().take(MAX_DESCRIPTION_CHARS).collect::<String>())
                .filter(|text| !text.trim().is_empty()),
        });
        if synced.len() == MAX_SYNCED_ITEMS {
            break;
        }
    }
    Ok(synced)
}

/// Syncs the items of `surface_id` from `peer` within `timeout`.
pub(super) async fn sync(
    db: &Db,
    surface_id: &str,
    peer: &Peer<RoleClient>,
    prune: Prune,
    timeout: Duration,
) -> Result<bool, String> {
    let items = tokio::time::timeout(timeout, offered(peer))
        .await
        .map_err(|_| {
            format!(
                "the upstream MCP server did not list what it offers within {} s",
                timeout.as_secs()
            )
        })?
        .map_err(|error| {
            format!("the upstream MCP server could not list what it offers: {error}")
        })?;
    db.sync_items(surface_id, &items, prune, time::now())
        .await
        .map_err(|error| error.to_string())
}

/// Syncs now, then whenever the upstream says a list changed, until its
/// connection closes.
pub(super) async fn keep_current(
    db: Db,
    surface_id: String,
    peer: Peer<RoleClient>,
    changed: Arc<Notify>,
    prune: Prune,
    timeout: Duration,
) {
    loop {
        if let Err(error) = sync(&db, &surface_id, &peer, prune, timeout).await {
            tracing::warn!(%surface_id, %error, "could not sync a surface's items from its upstream");
        }
        loop {
            if peer.is_transport_closed() {
                return;
            }
            if tokio::time::timeout(CLOSED_CHECK, changed.notified())
                .await
                .is_ok()
            {
                break;
            }
        }
    }
}
