//! The key the bridge sends, read from its [`KeySource`] and reused for a
//! short while: reading costs a D-Bus round trip, and a key rolled or
//! replaced in the keyring must still reach a running bridge.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mcp_keys_core::{Sensitive, constant_time_eq};
use reqwest::header::HeaderValue;
use tokio::sync::Mutex;

use super::{BridgeError, KeySource};

/// The `Authorization` header of the current key, read again once it is
/// `ttl` old or after the service refused it.
pub(crate) struct Keys {
    source: Arc<dyn KeySource>,
    ttl: Duration,
    /// The last key read, as a header marked sensitive (so it never shows
    /// in `Debug`). An async lock: one task reads the keyring while the
    /// others wait for its answer instead of asking too.
    current: Mutex<Option<Read>>,
}

/// A key as read, and when.
struct Read {
    authorization: HeaderValue,
    at: Instant,
}

impl Keys {
    pub(crate) fn new(source: Arc<dyn KeySource>, ttl: Duration) -> Self {
        Self {
            source,
            ttl,
            current: Mutex::new(None),
        }
    }

    /// The header to send now: the key read last, unless it is `ttl` old.
    pub(crate) async fn authorization(&self) -> Result<HeaderValue, BridgeError> {
        let mut current = self.current.lock().await;
        if let Some(read) = current.as_ref()
            && read.at.elapsed() < self.ttl
        {
            return Ok(read.authorization.clone());
        }
        let authorization = self.read().await?;
        *current = Some(Read {
            authorization: authorization.clone(),
            at: Instant::now(),
        });
        Ok(authorization)
    }

    /// After the service refused `refused`: the key in the source now, read
    /// again whatever its age, when it is another key (worth one retry).
    /// `None` when the source still holds the refused key.
    pub(crate) async fn after_refusal(
        &self,
        refused: &HeaderValue,
    ) -> Result<Option<HeaderValue>, BridgeError> {
        let mut current = self.current.lock().await;
        // Another request refused at the same time may have read it already.
        if let Some(read) = current.as_ref()
            && !same(&read.authorization, refused)
            && read.at.elapsed() < self.ttl
        {
            return Ok(Some(read.authorization.clone()));
        }
        let authorization = self.read().await?;
        *current = Some(Read {
            authorization: authorization.clone(),
            at: Instant::now(),
        });
        Ok((!same(&authorization, refused)).then_some(authorization))
    }

    /// Asks the source, on a thread that may block.
    async fn read(&self) -> Result<HeaderValue, BridgeError> {
        let source = Arc::clone(&self.source);
        let key = tokio::task::spawn_blocking(move || source.key())
            .await
            .map_err(|_| BridgeError::Keyring("reading the key stopped unexpectedly".into()))??;
        let header = Sensitive::new(format!("Bearer {}", key.expose().trim()));
        let mut authorization =
            HeaderValue::from_str(header.expose()).map_err(|_| BridgeError::InvalidKey)?;
        authorization.set_sensitive(true);
        Ok(authorization)
    }
}

fn same(a: &HeaderValue, b: &HeaderValue) -> bool {
    constant_time_eq(a.as_bytes(), b.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use mcp_keys_core::Sensitive;

    use super::Keys;
    use crate::bridge::{BridgeError, KeySource};

    /// Answers `mcp_key_<n>` where n counts the reads.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    impl KeySource for Counting {
        fn key(&self) -> Result<Sensitive<String>, BridgeError> {
            let read = self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Sensitive::new(format!("mcp_key_{read}")))
        }
    }

    #[tokio::test]
    async fn a_key_is_reused_within_its_time_and_read_again_after_a_refusal()
    -> Result<(), BridgeError> {
        let source = Arc::new(Counting::default());
        let keys = Keys::new(
            Arc::clone(&source) as Arc<dyn KeySource>,
            Duration::from_secs(60),
        );
        let first = keys.authorization().await?;
        assert_eq!(keys.authorization().await?, first);
        assert_eq!(
            source.0.load(Ordering::SeqCst),
            1,
            "read once within the TTL"
        );
        assert!(first.is_sensitive());
        assert!(
            !format!("{first:?}").contains("mcp_key"),
            "Debug hides the key"
        );

        let second = keys.after_refusal(&first).await?;
        assert_eq!(
            second.as_ref().map(|value| value.as_bytes()),
            Some(&b"Bearer mcp_key_1"[..])
        );
        assert_eq!(keys.authorization().await?.as_bytes(), b"Bearer mcp_key_1");
        // A second request refused with the first key gets the new one
        // without another read.
        assert_eq!(keys.after_refusal(&first).await?, second);
        assert_eq!(source.0.load(Ordering::SeqCst), 2);
        Ok(())
    }

    #[tokio::test]
    async fn a_key_that_cannot_be_a_header_is_refused_without_quoting_it() {
        struct Broken;
        impl KeySource for Broken {
            fn key(&self) -> Result<Sensitive<String>, BridgeError> {
                Ok(Sensitive::new("mcp_secret\nvalue".to_owned()))
            }
        }
        let keys = Keys::new(Arc::new(Broken), Duration::ZERO);
        let error = keys
            .authorization()
            .await
            .err()
            .map(|error| error.to_string());
        let error = error.unwrap_or_default();
        assert!(error.contains("cannot be sent"), "{error}");
        assert!(!error.contains("mcp_secret"), "{error}");
    }
}
