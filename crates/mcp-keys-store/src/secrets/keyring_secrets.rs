//! The OS keyring through the `keyring` crate: the Secret Service over
//! D-Bus on Linux (gnome-keyring, KWallet, KeePassXC), the Keychain on
//! macOS, the Credential Manager on Windows.

use mcp_keys_core::Sensitive;

use super::{KEYRING_SERVICE, SecretError, SecretStore};

/// Secrets in the OS keyring, under service [`KEYRING_SERVICE`].
///
/// Each call connects anew, so a keyring unlocked or started after the
/// app (a desktop login that finishes late) is seen on the next call.
#[derive(Debug, Clone)]
pub struct KeyringSecrets {
    service: String,
}

impl KeyringSecrets {
    /// The OS keyring under the service name `mcp-keys`. Fails with
    /// [`SecretError::NoBackend`] on a platform without one; whether the
    /// keyring answers is only known at the first call.
    pub fn new() -> Result<Self, SecretError> {
        Self::with_service(KEYRING_SERVICE)
    }

    /// The OS keyring under another service name, so tests cannot touch
    /// the user's real entries.
    pub fn with_service(service: &str) -> Result<Self, SecretError> {
        // Without a platform store compiled in, the `keyring` crate falls
        // back to an in-memory mock that would lose every token silently.
        if cfg!(any(
            target_os = "linux",
            target_os = "macos",
            target_os = "windows"
        )) {
            Ok(Self {
                service: service.to_owned(),
            })
        } else {
            Err(SecretError::NoBackend)
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, account).map_err(classify)
    }
}

impl SecretStore for KeyringSecrets {
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(Sensitive::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(classify(error)),
        }
    }

    fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<(), SecretError> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(classify)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}

/// Maps the keyring crate's error to ours. The platform's own error says
/// more than the crate's summary, so it is looked at first.
fn classify(error: keyring::Error) -> SecretError {
    match error {
        keyring::Error::PlatformFailure(inner) => {
            platform_error(inner.as_ref()).unwrap_or_else(|| SecretError::Other {
                detail: inner.to_string(),
            })
        }
        keyring::Error::NoStorageAccess(inner) => {
            platform_error(inner.as_ref()).unwrap_or(SecretError::Denied)
        }
        // Carries the stored bytes: never put them in a message.
        keyring::Error::BadEncoding(_) => SecretError::Other {
            detail: "the saved token is not valid UTF-8".to_owned(),
        },
        keyring::Error::Ambiguous(_) => SecretError::Other {
            detail: "several keyring entries match this connection".to_owned(),
        },
        other => SecretError::Other {
            detail: other.to_string(),
        },
    }
}

/// What the Secret Service's own error means, when it is one.
#[cfg(target_os = "linux")]
fn platform_error(error: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<SecretError> {
    use dbus_secret_service::Error as Ss;

    let error = error.downcast_ref::<Ss>()?;
    Some(match error {
        Ss::Locked => SecretError::Locked,
        Ss::Prompt => SecretError::Denied,
        Ss::Unavailable => SecretError::Unavailable {
            detail: "no D-Bus session or no Secret Service on it".to_owned(),
        },
        Ss::NoResult => SecretError::Unavailable {
            detail: "the Secret Service has no default keyring".to_owned(),
        },
        // The bus failed, or has no Secret Service on it (the common
        // case of a headless session without gnome-keyring).
        Ss::Dbus(_) => SecretError::Unavailable {
            detail: format!("D-Bus: {error}"),
        },
        other => SecretError::Other {
            detail: other.to_string(),
        },
    })
}

#[cfg(not(target_os = "linux"))]
fn platform_error(_: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<SecretError> {
    None
}

#[cfg(test)]
mod tests {
    use super::classify;
    use crate::SecretErrorCode;

    /// The keyring crate's error as it wraps a Secret Service error.
    #[cfg(target_os = "linux")]
    fn no_access(error: dbus_secret_service::Error) -> keyring::Error {
        keyring::Error::NoStorageAccess(Box::new(error))
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn secret_service_failures_map_to_stable_codes() {
        use dbus_secret_service::Error as Ss;

        let code = |error| classify(error).code();
        assert_eq!(code(no_access(Ss::Locked)), SecretErrorCode::Locked);
        assert_eq!(code(no_access(Ss::Prompt)), SecretErrorCode::Denied);
        assert_eq!(
            code(keyring::Error::PlatformFailure(Box::new(Ss::Unavailable))),
            SecretErrorCode::Unavailable
        );
        assert_eq!(
            code(keyring::Error::PlatformFailure(Box::new(Ss::Parse))),
            SecretErrorCode::Other
        );
    }

    #[test]
    fn every_message_offers_the_token_variable() {
        for error in [
            keyring::Error::NoStorageAccess(Box::new(std::io::Error::other("refused"))),
            keyring::Error::PlatformFailure(Box::new(std::io::Error::other("broken"))),
            keyring::Error::BadEncoding(b"mgmt_not-shown".to_vec()),
        ] {
            let message = classify(error).to_string();
            assert!(message.contains("MCP_KEYS_TOKEN"), "{message}");
            // The bytes of a badly encoded entry never reach a message.
            assert!(!message.contains("mgmt_"), "{message}");
        }
    }
}
