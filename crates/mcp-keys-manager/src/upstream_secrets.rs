//! The secrets that surfaces' upstreams name (`{"secretRef": NAME}`,
//! DESIGN §7), saved from the app. The app's embedded key service reads
//! them from the OS keyring, so the app can save one there; another key
//! service reads its own (its `MCP_KEYS_SECRET_<NAME>` variables or its
//! secrets file), out of the app's reach: for it, a person names a secret
//! already set there instead of giving its value.

use chrono::{DateTime, Utc};
use mcp_keys_core::NamedSecret;
use mcp_keys_store::{ConnectionKind, SecretStore};

use crate::session::Subject;
use crate::{Error, Session};

impl Session {
    /// Saves `secret` in `secrets`, the keyring the app's embedded key
    /// service reads upstream secrets from (service
    /// `mcp_keys_store::UPSTREAM_SECRETS_SERVICE`), replacing any value kept
    /// under its name. Refused unless this session is on that service's
    /// connection (kind `local`): a value saved here would never reach
    /// another service. Call it before storing the upstream that names it,
    /// so the upstream's first start finds it. Its name, never its value,
    /// goes to the audit log.
    pub async fn save_upstream_secret(
        &self,
        secrets: &dyn SecretStore,
        secret: &NamedSecret,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let name = &secret.name;
        let Some(connection) = self
            .connection()
            .filter(|connection| connection.kind == ConnectionKind::Local)
        else {
            return Err(Self::invalid(format!(
                "the app keeps secrets only for its own key service; set the secret {name} where \
                 this key service runs (its MCP_KEYS_SECRET_<NAME> variable or its secrets \
                 file) and give its name instead of its value"
            )));
        };
        // A short blocking call to the keyring, as for management tokens.
        secrets.set(name, &secret.value)?;
        self.audit(
            "upstream_secret.save",
            Subject::default(),
            Some(format!(
                "saved the upstream secret {name} in the OS keyring for {:?}",
                connection.name
            )),
            now,
        )
        .await;
        Ok(())
    }
}
