//! Secrets in memory, for unit tests of code that needs a [`SecretStore`].

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use mcp_keys_core::Sensitive;

use super::{SecretError, SecretStore};

/// A [`SecretStore`] in a map, gone with the process. For tests only: a
/// front end must use [`KeyringSecrets`](super::KeyringSecrets).
#[derive(Debug, Default)]
pub struct MemorySecrets {
    secrets: Mutex<HashMap<String, Sensitive<String>>>,
}

impl MemorySecrets {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Sensitive<String>>> {
        // A panic while holding the lock cannot leave a half-written map
        // (every operation is one call), so a poisoned lock is still usable.
        self.secrets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SecretStore for MemorySecrets {
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        Ok(self.map().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<(), SecretError> {
        self.map().insert(account.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.map().remove(account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::Sensitive;

    use super::MemorySecrets;
    use crate::{SecretError, SecretStore};

    #[test]
    fn a_saved_secret_is_read_back_until_it_is_deleted() -> Result<(), SecretError> {
        let secrets = MemorySecrets::new();
        assert!(secrets.get("a")?.is_none());
        secrets.set("a", &Sensitive::new("one".to_owned()))?;
        secrets.set("a", &Sensitive::new("two".to_owned()))?;
        assert_eq!(secrets.get("a")?, Some(Sensitive::new("two".to_owned())));
        secrets.delete("a")?;
        secrets.delete("a")?;
        assert!(secrets.get("a")?.is_none());
        Ok(())
    }
}
