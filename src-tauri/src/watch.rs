//! File watching for the IDEs page: when an IDE config the last scan looked
//! at changes (or one appears where a client would keep it), the UI is told
//! through [`AppEvent::IdeConfigsChanged`] and scans again, and the clients'
//! logs are read again for new failures. Folders are watched, never
//! recursively, and a change is only reported for a config path.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mcp_keys_manager::ScanOptions;
use mcp_keys_manager::mcp_keys_ide::WatchPlan;
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use tauri::{AppHandle, Emitter as _, Manager as _, Runtime};

use crate::client_logs::ClientLogWatch;
use crate::events::AppEvent;

/// Changes closer together than this are reported once (an editor's save is
/// several events; so is our own atomic write).
const DEBOUNCE: Duration = Duration::from_millis(400);

/// The watcher of the configs of the latest scan, managed by the app.
#[derive(Default)]
pub struct ConfigWatcher {
    state: Mutex<Option<Watching>>,
}

impl std::fmt::Debug for ConfigWatcher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ConfigWatcher")
            .finish_non_exhaustive()
    }
}

struct Watching {
    plan: Arc<WatchPlan>,
    /// Dropping it stops the watching.
    _debouncer: Debouncer<RecommendedWatcher>,
}

/// Watches the configs `options` covers instead of the previous ones (a
/// scan with other project folders moves the watch). Failing to watch is
/// logged: the page still works, it just does not refresh by itself.
pub fn follow<R: Runtime>(app: &AppHandle<R>, options: &ScanOptions) {
    let plan = Arc::new(options.watch_plan());
    let Some(watcher) = app.try_state::<ConfigWatcher>() else {
        return;
    };
    let mut state = watcher.state.lock().unwrap_or_else(PoisonError::into_inner);
    if state
        .as_ref()
        .is_some_and(|watching| *watching.plan == *plan)
    {
        return;
    }
    *state = None;
    match watch(app.clone(), Arc::clone(&plan)) {
        Ok(debouncer) => {
            tracing::debug!(folders = plan.folders.len(), "watching IDE configs");
            *state = Some(Watching {
                plan,
                _debouncer: debouncer,
            });
        }
        Err(error) => tracing::warn!(%error, "IDE configs are not watched"),
    }
}

fn watch<R: Runtime>(
    app: AppHandle<R>,
    plan: Arc<WatchPlan>,
) -> notify_debouncer_mini::notify::Result<Debouncer<RecommendedWatcher>> {
    let concerned = Arc::clone(&plan);
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        let changed = match result {
            Ok(events) => events.iter().any(|event| concerned.concerns(&event.path)),
            Err(error) => {
                tracing::warn!(%error, "watching IDE configs failed");
                false
            }
        };
        if !changed {
            return;
        }
        if let Err(error) = app.emit(AppEvent::IdeConfigsChanged.name(), ()) {
            tracing::warn!(%error, "could not tell the UI that IDE configs changed");
        }
        // A config changed: a client may have just been refused with it.
        if let Some(client_logs) = app.try_state::<ClientLogWatch>() {
            client_logs.check_soon();
        }
    })?;
    for folder in &plan.folders {
        // A folder removed since the plan was made is simply not watched.
        if let Err(error) = debouncer
            .watcher()
            .watch(folder, RecursiveMode::NonRecursive)
        {
            tracing::debug!(%error, folder = %folder.display(), "folder not watched");
        }
    }
    Ok(debouncer)
}
