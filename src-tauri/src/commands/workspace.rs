//! The tree of connections, products and surfaces, and creating them.

use chrono::Utc;
use mcp_keys_client::{
    AuthMode, Event, EventFilter, Product, Surface, SurfaceStatus, SurfaceUpdate, UpstreamStatus,
};
use mcp_keys_core::{Environment, NamedSecret, Sensitive, Upstream, UpstreamChoice};
use mcp_keys_manager::{ConnectionTree, ProductTree, Session, SurfaceDetail};
use mcp_keys_store::{Connection, KeyringSecrets, UPSTREAM_SECRETS_SERVICE};
use serde::Serialize;
use tauri::{AppHandle, Manager as _, Runtime};
use ts_rs::TS;

use crate::error::{ErrorKind, IpcError, IpcResult};
use crate::preload::{OpenedSurface, Preload};
use crate::services::ServicesExt;

/// Everything the sidebar shows.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkspaceTree {
    /// Each saved connection with its products and surfaces.
    pub connections: Vec<ConnectionView>,
    /// Why the embedded key service is not running, if it is not.
    pub local_error: Option<String>,
    /// Why the OS keyring cannot be used, if it cannot (tokens are then
    /// kept for this run only).
    pub keyring_error: Option<String>,
    /// The surface the window opens first, with its keys, when they were
    /// read while the window started; `None` means ask `surface_get`.
    pub opened: Option<OpenedSurface>,
}

/// One connection in the sidebar, with its error as the UI's error type.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionView {
    /// The saved connection.
    pub connection: Connection,
    /// Its products with their surfaces (without keys).
    pub products: Vec<ProductTree>,
    /// Why the server could not be read, if it could not.
    pub error: Option<IpcError>,
    /// Whether `products` come from the local cache.
    pub offline: bool,
}

impl From<ConnectionTree> for ConnectionView {
    fn from(tree: ConnectionTree) -> Self {
        Self {
            connection: tree.connection,
            products: tree.products,
            error: tree.error.map(IpcError::from),
            offline: tree.offline,
        }
    }
}

/// Reads every connection's tree (cached ones when a server is unreachable).
/// The first call answers with what was read while the window started, the
/// first surface's keys included (see `preload`).
#[tauri::command]
pub async fn workspace_load<R: Runtime>(app: AppHandle<R>) -> IpcResult<WorkspaceTree> {
    let services = app.services().await?;
    let preloaded = match app.try_state::<Preload>() {
        Some(preload) => preload.take().await,
        None => None,
    };
    let (connections, opened) = match preloaded {
        Some(first) => (first.trees?, first.opened),
        None => (services.manager.tree(Utc::now()).await?, None),
    };
    Ok(WorkspaceTree {
        connections: connections.into_iter().map(ConnectionView::from).collect(),
        local_error: services.local_error.clone(),
        keyring_error: services.keyring_error.clone(),
        opened,
    })
}

/// One surface with its capabilities and all its keys, and when each key
/// is due for rotation.
#[tauri::command]
pub async fn surface_get<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
) -> IpcResult<SurfaceDetail> {
    let session = app.session(&connection_id).await?;
    Ok(session
        .surface_detail(&product_id, &surface_id, Utc::now())
        .await?)
}

/// Creates a product (the manager checks the name and records it in the
/// local audit log).
#[tauri::command]
pub async fn product_create<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    name: String,
) -> IpcResult<Product> {
    let session = app.session(&connection_id).await?;
    Ok(session.create_product(&name, Utc::now()).await?)
}

/// Creates a surface with its capabilities, or in front of the MCP server
/// `upstream` (whose items come from it: `surface_sync`). `secret` is the
/// value of the secret the upstream names, saved first (see `save_secret`).
#[tauri::command]
#[allow(clippy::too_many_arguments)] // One per field of the form; Tauri passes them by name.
pub async fn surface_create<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    name: String,
    environment: Environment,
    capabilities: Vec<String>,
    upstream: Option<UpstreamChoice>,
    secret: Option<Sensitive<String>>,
) -> IpcResult<Surface> {
    let (upstream, secret) = chosen(upstream.as_ref(), secret)?;
    let session = app.session(&connection_id).await?;
    save_secret(&session, secret).await?;
    Ok(session
        .create_surface(
            &product_id,
            &name,
            environment,
            &capabilities,
            upstream,
            Utc::now(),
        )
        .await?)
}

/// Sets the MCP server a surface fronts, or (with none) makes it front
/// nothing. `secret` is the value of the secret the upstream names, saved
/// first (see `save_secret`).
#[tauri::command]
pub async fn surface_set_upstream<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    upstream: Option<UpstreamChoice>,
    secret: Option<Sensitive<String>>,
) -> IpcResult<Surface> {
    let (upstream, secret) = chosen(upstream.as_ref(), secret)?;
    let session = app.session(&connection_id).await?;
    save_secret(&session, secret).await?;
    let update = SurfaceUpdate {
        upstream: Some(upstream),
        ..SurfaceUpdate::default()
    };
    Ok(session
        .update_surface(&product_id, &surface_id, &update, Utc::now())
        .await?)
}

/// Sets which credentials a surface accepts: API keys, OAuth, or both
/// (only a surface whose mode includes OAuth advertises it).
#[tauri::command]
pub async fn surface_set_auth_mode<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    auth_mode: AuthMode,
) -> IpcResult<Surface> {
    let session = app.session(&connection_id).await?;
    let update = SurfaceUpdate {
        auth_mode: Some(auth_mode),
        ..SurfaceUpdate::default()
    };
    Ok(session
        .update_surface(&product_id, &surface_id, &update, Utc::now())
        .await?)
}

/// Turns a surface on (`active`: it accepts its keys) or off (`inactive`:
/// every key gets 403): the IDEs page's fix for a client refused because
/// its surface was turned off.
#[tauri::command]
pub async fn surface_set_status<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    status: SurfaceStatus,
) -> IpcResult<Surface> {
    let session = app.session(&connection_id).await?;
    let update = SurfaceUpdate {
        status: Some(status),
        ..SurfaceUpdate::default()
    };
    Ok(session
        .update_surface(&product_id, &surface_id, &update, Utc::now())
        .await?)
}

/// Starts the surface's MCP server if needed and makes the surface's
/// capabilities what it offers now.
#[tauri::command]
pub async fn surface_sync<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
) -> IpcResult<Surface> {
    let session = app.session(&connection_id).await?;
    Ok(session
        .client()
        .sync_upstream_items(&product_id, &surface_id)
        .await
        .map_err(mcp_keys_manager::Error::from)?)
}

/// What the surface's MCP server is doing.
#[tauri::command]
pub async fn upstream_status<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
) -> IpcResult<UpstreamStatus> {
    let session = app.session(&connection_id).await?;
    Ok(session
        .client()
        .upstream_status(&product_id, &surface_id)
        .await
        .map_err(mcp_keys_manager::Error::from)?)
}

/// The upstream a person chose, checked, with the secret value they typed
/// for it and the name it is kept under.
fn chosen(
    choice: Option<&UpstreamChoice>,
    secret: Option<Sensitive<String>>,
) -> IpcResult<(Option<Upstream>, Option<NamedSecret>)> {
    let invalid = |reason: &str| {
        IpcError::new(
            ErrorKind::InvalidInput,
            format!("The MCP server: {reason}."),
        )
    };
    match choice {
        Some(choice) => {
            let (upstream, secret) = choice
                .upstream_with_secret(secret)
                .map_err(|reason| invalid(&reason))?;
            Ok((Some(upstream), secret))
        }
        None if secret.is_some() => Err(invalid("a secret was given without a server to use it")),
        None => Ok((None, None)),
    }
}

/// Saves the secret a person typed in the OS keyring the embedded key
/// service reads, before the upstream that names it is stored (so its first
/// start finds it); refused for another key service, whose secrets the app
/// cannot reach. Keyring failures keep their codes.
async fn save_secret(session: &Session, secret: Option<NamedSecret>) -> IpcResult<()> {
    let Some(secret) = secret else {
        return Ok(());
    };
    let keyring = KeyringSecrets::with_service(UPSTREAM_SECRETS_SERVICE)
        .map_err(mcp_keys_manager::Error::from)?;
    Ok(session
        .save_upstream_secret(&keyring, &secret, Utc::now())
        .await?)
}

/// How far back the Activity tab reads a surface's events.
const EVENTS_DAYS: i64 = 30;

/// The surface's audit events of the last 30 days, newest first.
#[tauri::command]
pub async fn events_list<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    surface_id: String,
) -> IpcResult<Vec<Event>> {
    let session = app.session(&connection_id).await?;
    // The last 30 days, as long as the service keeps failures: the log of
    // a surface under attack is counted rows, but still not read whole.
    let filter = EventFilter {
        surface_id: Some(surface_id),
        since: Some(Utc::now() - chrono::TimeDelta::days(EVENTS_DAYS)),
        ..EventFilter::default()
    };
    let mut events = session
        .client()
        .list_events_all(&filter)
        .await
        .map_err(mcp_keys_manager::Error::from)?;
    events.sort_by_key(|event| std::cmp::Reverse(event.created_at));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::{Sensitive, UpstreamChoice, UpstreamSecretChoice};

    use super::chosen;
    use crate::error::ErrorKind;

    fn remote(header: &str) -> UpstreamChoice {
        UpstreamChoice::Url {
            url: "https://mcp.example.org/mcp".to_owned(),
            credential: Some(UpstreamSecretChoice {
                name: header.to_owned(),
                secret_ref: None,
            }),
        }
    }

    fn value(text: &str) -> Option<Sensitive<String>> {
        Some(Sensitive::new(text.to_owned()))
    }

    #[test]
    fn a_typed_secret_is_saved_under_the_name_the_upstream_refers_to() {
        let (upstream, secret) =
            chosen(Some(&remote("Authorization")), value("Bearer s3cr3t")).expect("a valid choice");
        let secret = secret.expect("a value was typed");
        let refs: Vec<_> = upstream.iter().flat_map(|u| u.secret_refs()).collect();
        assert_eq!(refs, [secret.name.as_str()]);
        assert_eq!(secret.value.expose(), "Bearer s3cr3t");
    }

    #[test]
    fn bad_input_is_invalid_input_and_never_echoes_the_value() {
        for (choice, reason) in [
            (Some(remote("Bad Header")), "is not a header name"),
            (Some(remote("Authorization")), "is empty"),
            (None, "without a server"),
        ] {
            let typed = if reason == "is empty" { " " } else { "s3cr3t" };
            let error = chosen(choice.as_ref(), value(typed)).expect_err(reason);
            assert_eq!(error.code, ErrorKind::InvalidInput, "{reason}");
            assert!(
                error.message.contains(reason) && !error.message.contains("s3cr3t"),
                "{error:?}"
            );
        }
    }
}
