//! The embedded key service: started on the fixed loopback port (DESIGN §6)
//! with its database in the app's data folder, and the local connection
//! pointed at it with a management token kept in the OS keyring.

use chrono::Utc;
use std::net::{Ipv4Addr, SocketAddr};

use mcp_keys_core::{ManagementToken, Sensitive, local_port};
use mcp_keys_manager::Manager;
use mcp_keys_server::{Embedded, LocalToken, UpstreamSecrets};
use mcp_keys_store::{KeyringSecrets, SecretStore as _, UPSTREAM_SECRETS_SERVICE};

/// The key service's database, beside the app's own in the data folder.
const DB_FILE_NAME: &str = "key-service.db";

/// Starts the service and makes the local connection usable. The error is a
/// sentence for the UI.
pub async fn start(manager: &Manager) -> Result<Embedded, String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, local_port()));
    let data_dir = mcp_keys_store::data_dir().map_err(|error| error.to_string())?;
    let service =
        Embedded::start_with_secrets(&data_dir.join(DB_FILE_NAME), address, upstream_secrets())
            .await
            .map_err(|error| error.to_string())?;
    let saved = manager
        .local_token()
        .await
        .map_err(|error| error.to_string())?
        .and_then(|token| ManagementToken::parse(token.expose()).ok());
    let token = match service
        .local_token(saved.as_ref())
        .await
        .map_err(|error| error.to_string())?
    {
        LocalToken::Kept => saved,
        LocalToken::Minted(token) => Some(token),
    };
    if let Some(token) = token {
        manager
            .ensure_local_connection(
                service.url(),
                &Sensitive::new(token.expose_secret().to_owned()),
                Utc::now(),
            )
            .await
            .map_err(|error| error.to_string())?;
    }
    Ok(service)
}

/// Where the embedded service reads the secrets surfaces' upstreams name:
/// the OS keyring (`mcp-keys secrets set NAME`), or, on a platform without
/// one, `MCP_KEYS_SECRET_<NAME>` of the app's environment.
fn upstream_secrets() -> std::sync::Arc<dyn UpstreamSecrets> {
    match KeyringSecrets::with_service(UPSTREAM_SECRETS_SERVICE) {
        Ok(keyring) => std::sync::Arc::new(KeyringUpstreamSecrets(keyring)),
        Err(_) => std::sync::Arc::new(mcp_keys_server::EnvironmentSecrets),
    }
}

/// Upstream secrets in the OS keyring, by name.
#[derive(Debug)]
struct KeyringUpstreamSecrets(KeyringSecrets);

impl UpstreamSecrets for KeyringUpstreamSecrets {
    fn secret(&self, name: &str) -> Result<zeroize::Zeroizing<String>, String> {
        // A short blocking D-Bus call, once per upstream start.
        match self.0.get(name) {
            Ok(Some(secret)) => Ok(zeroize::Zeroizing::new(secret.expose().clone())),
            Ok(None) => Err(format!(
                "the secret {name:?} is not in the OS keyring: give its value in the \
                 surface's Server tab (Change), or save it with `mcp-keys secrets set {name}` \
                 (the value is read from stdin)"
            )),
            Err(error) => Err(format!("the secret {name:?} could not be read: {error}")),
        }
    }
}
