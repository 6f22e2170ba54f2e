//! The first screen's data, fetched while the window and its WebView start
//! (about half a second on a small machine, during which the backend has
//! nothing else to do): the workspace tree, and the surface the UI opens
//! first with all its keys.
//!
//! The first `workspace_load` answers with both, so the window draws the
//! Keys tab in the same frame as the sidebar instead of asking again after
//! it. Any later call, and a first one more than [`FRESH_FOR`] after the
//! start (a window started hidden in the tray and opened hours later), is
//! fetched as usual.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use mcp_keys_manager::{ConnectionTree, Error, Manager, SurfaceDetail};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tokio::sync::oneshot;
use ts_rs::TS;

use crate::services::ServicesExt as _;

/// How long after the start the preloaded screen may still be handed out.
const FRESH_FOR: Duration = Duration::from_secs(20);

/// The surface the window opens first, with all its keys.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedSurface {
    /// The saved connection it is on.
    pub connection_id: String,
    /// Its product.
    pub product_id: String,
    /// The surface, keys included, with when each key is due for rotation.
    pub surface: SurfaceDetail,
}

/// What the first `workspace_load` answers with.
#[derive(Debug)]
pub struct FirstScreen {
    /// Every saved connection's tree.
    pub trees: Result<Vec<ConnectionTree>, Error>,
    /// The first surface, when there is one and it could be read.
    pub opened: Option<OpenedSurface>,
}

/// The preloaded first screen, handed out once.
#[derive(Debug, Default)]
pub struct Preload {
    pending: Mutex<Option<(Instant, oneshot::Receiver<FirstScreen>)>>,
}

impl Preload {
    /// Starts fetching the first screen in the background, once the app's
    /// services have started.
    pub fn start<R: Runtime>(&self, app: &AppHandle<R>) {
        let (sender, receiver) = oneshot::channel();
        *self.pending.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), receiver));
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            // Without services nothing is sent: `workspace_load` says why.
            if let Ok(services) = app.services().await {
                let _ = sender.send(first_screen(&services.manager).await);
            }
        });
    }

    /// The preloaded first screen: once, and only while fresh.
    pub async fn take(&self) -> Option<FirstScreen> {
        let (started, receiver) = self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        if started.elapsed() > FRESH_FOR {
            return None;
        }
        receiver.await.ok()
    }
}

async fn first_screen(manager: &Manager) -> FirstScreen {
    let trees = manager.tree(Utc::now()).await;
    let opened = match trees.as_ref().ok().and_then(|trees| first_surface(trees)) {
        Some((connection_id, product_id, surface_id)) => {
            let surface = match manager.session(Some(&connection_id)).await {
                Ok(session) => {
                    session
                        .surface_detail(&product_id, &surface_id, Utc::now())
                        .await
                }
                Err(error) => Err(error),
            };
            // An error is left for the UI's own `surface_get`, which shows it.
            surface.ok().map(|surface| OpenedSurface {
                connection_id,
                product_id,
                surface,
            })
        }
        None => None,
    };
    FirstScreen { trees, opened }
}

/// The surface the UI opens on start (`firstSurface` in
/// ui/src/model/selection.ts): the default connection's first, then the
/// others' in order; in each, the first product that has a surface.
fn first_surface(trees: &[ConnectionTree]) -> Option<(String, String, String)> {
    let mut ordered: Vec<&ConnectionTree> = trees.iter().collect();
    // Stable, as the UI's sort is: the default first, the rest in order.
    ordered.sort_by_key(|tree| !tree.connection.is_default);
    ordered.into_iter().find_map(|tree| {
        tree.products.iter().find_map(|product| {
            product.surfaces.first().map(|surface| {
                (
                    tree.connection.id.clone(),
                    product.product.id.clone(),
                    surface.id.clone(),
                )
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use mcp_keys_manager::{ConnectionTree, ProductTree};
    use mcp_keys_store::{Connection, ConnectionKind};
    use serde_json::json;

    use super::first_surface;

    fn tree(id: &str, is_default: bool, surfaces: &[&[&str]]) -> ConnectionTree {
        let products = surfaces
            .iter()
            .enumerate()
            .map(|(index, ids)| ProductTree {
                product: serde_json::from_value(json!({
                    "id": format!("{id}_prod_{index}"),
                    "name": "Docs",
                    "createdAt": "2026-01-01T00:00:00Z",
                }))
                .expect("a product"),
                surfaces: ids
                    .iter()
                    .map(|surface| {
                        serde_json::from_value(json!({
                            "id": surface,
                            "name": "Search",
                            "createdAt": "2026-01-01T00:00:00Z",
                        }))
                        .expect("a surface")
                    })
                    .collect(),
            })
            .collect();
        ConnectionTree {
            connection: Connection {
                id: id.to_owned(),
                name: id.to_owned(),
                kind: ConnectionKind::McpKeys,
                base_url: "http://127.0.0.1:7410".to_owned(),
                is_default,
                created_at: chrono::Utc::now(),
            },
            products,
            error: None,
            offline: false,
        }
    }

    fn ids(first: Option<(String, String, String)>) -> Option<(String, String)> {
        first.map(|(connection, _, surface)| (connection, surface))
    }

    #[test]
    fn the_first_surface_is_the_default_connections_first_in_its_first_product_with_one() {
        let trees = [
            tree("other", false, &[&["surf_other"]]),
            tree("default", true, &[&[], &["surf_b", "surf_c"]]),
        ];

        assert_eq!(
            ids(first_surface(&trees)),
            Some(("default".to_owned(), "surf_b".to_owned()))
        );
    }

    #[test]
    fn without_a_surface_on_the_default_the_others_are_tried_in_order() {
        let trees = [
            tree("default", true, &[&[]]),
            tree("first", false, &[&["surf_1"]]),
            tree("second", false, &[&["surf_2"]]),
        ];

        assert_eq!(
            ids(first_surface(&trees)),
            Some(("first".to_owned(), "surf_1".to_owned()))
        );
        assert_eq!(first_surface(&[tree("default", true, &[])]), None);
    }
}
