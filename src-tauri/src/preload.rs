//! The first screen's data, fetched while the window and its WebView start
//! (about half a second on a small machine, during which the backend has
//! nothing else to do): the workspace tree, then the surface the UI opens
//! first, with all its keys.
//!
//! The first `workspace_load`, and the first `surface_get` of that surface,
//! take what was fetched instead of asking the key service again. Any other
//! call, any later one, and anything asked for more than [`FRESH_FOR`] after
//! the start (a window started hidden in the tray and opened hours later) is
//! fetched as usual.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use mcp_keys_client::Surface;
use mcp_keys_manager::{ConnectionTree, Error, Manager};
use tokio::sync::oneshot;

/// How long after the start a preloaded answer may still be handed out.
const FRESH_FOR: Duration = Duration::from_secs(20);

/// A surface of a saved connection, as `surface_get` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurfaceRef {
    pub connection_id: String,
    pub product_id: String,
    pub surface_id: String,
}

type Answer<T> = oneshot::Receiver<Result<T, Error>>;
type SurfaceSlot = Arc<Mutex<Option<(SurfaceRef, Answer<Surface>)>>>;

/// What is being, or was, preloaded; each answer is handed out once.
#[derive(Debug, Default)]
pub struct Preload {
    started: Mutex<Option<Instant>>,
    tree: Mutex<Option<Answer<Vec<ConnectionTree>>>>,
    surface: SurfaceSlot,
}

impl Preload {
    /// Starts fetching the tree and then the first surface, in the background.
    pub fn start(&self, manager: Manager) {
        let (tree_tx, tree_rx) = oneshot::channel();
        *lock(&self.started) = Some(Instant::now());
        *lock(&self.tree) = Some(tree_rx);
        let slot = Arc::clone(&self.surface);
        tauri::async_runtime::spawn(async move {
            let trees = manager.tree(Utc::now()).await;
            let first = trees.as_ref().ok().and_then(|trees| first_surface(trees));
            if let Some(first) = &first {
                // Filled before the tree is handed over, so the UI, which asks
                // for the surface after the tree, always finds it.
                let (surface_tx, surface_rx) = oneshot::channel();
                *lock(&slot) = Some((first.clone(), surface_rx));
                let _ = tree_tx.send(trees);
                let surface = match manager.session(Some(&first.connection_id)).await {
                    Ok(session) => {
                        session
                            .surface(&first.product_id, &first.surface_id, Utc::now())
                            .await
                    }
                    Err(error) => Err(error),
                };
                let _ = surface_tx.send(surface);
            } else {
                let _ = tree_tx.send(trees);
            }
        });
    }

    /// The preloaded tree, once, while fresh.
    pub async fn tree(&self) -> Option<Result<Vec<ConnectionTree>, Error>> {
        let answer = lock(&self.tree).take()?;
        if !self.fresh() {
            return None;
        }
        answer.await.ok()
    }

    /// The preloaded surface, once, if it is `wanted` and fresh.
    pub async fn surface(&self, wanted: &SurfaceRef) -> Option<Result<Surface, Error>> {
        let answer = {
            let mut slot = lock(&self.surface);
            match slot.as_ref() {
                Some((preloaded, _)) if preloaded == wanted => slot.take().map(|(_, a)| a)?,
                _ => return None,
            }
        };
        if !self.fresh() {
            return None;
        }
        answer.await.ok()
    }

    fn fresh(&self) -> bool {
        lock(&self.started).is_some_and(|started| started.elapsed() < FRESH_FOR)
    }
}

/// The surface the UI opens on start (`firstSurface` in
/// ui/src/model/selection.ts): the default connection's first, then the
/// others' in order; in each, the first product that has a surface.
fn first_surface(trees: &[ConnectionTree]) -> Option<SurfaceRef> {
    let mut ordered: Vec<&ConnectionTree> = trees.iter().collect();
    // Stable, as the UI's sort is: the default first, the rest in order.
    ordered.sort_by_key(|tree| !tree.connection.is_default);
    ordered.into_iter().find_map(|tree| {
        tree.products.iter().find_map(|product| {
            product.surfaces.first().map(|surface| SurfaceRef {
                connection_id: tree.connection.id.clone(),
                product_id: product.product.id.clone(),
                surface_id: surface.id.clone(),
            })
        })
    })
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
