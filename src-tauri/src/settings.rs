//! The user's preferences, kept in the local store so the CLI sees the same
//! rotation periods: the clipboard delay of a copied key, and the default
//! rotation period of production and development keys.

use std::time::Duration;

use mcp_keys_core::Environment;
use mcp_keys_manager::{Error, Manager};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How long a copied key stays on the clipboard when nothing says otherwise.
const DEFAULT_CLIPBOARD_CLEAR_SECONDS: u32 = 45;

/// The clipboard delay's name in the store.
const CLIPBOARD_PREFERENCE: &str = "clipboard_clear_seconds";

/// Overrides the stored clipboard delay (tests, and people who script it).
const CLIPBOARD_VAR: &str = "MCP_KEYS_CLIPBOARD_CLEAR_SECONDS";

/// The accepted clipboard delays, in seconds.
const CLIPBOARD_RANGE: std::ops::RangeInclusive<u32> = 1..=600;

/// The accepted rotation periods, in days (ten years at most).
const ROTATION_RANGE: std::ops::RangeInclusive<u32> = 1..=3650;

/// What the Settings page shows and edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Settings {
    /// A copied key is cleared from the clipboard after this many seconds,
    /// if the clipboard still holds it (1 to 600).
    pub clipboard_clear_seconds: u32,
    /// Production keys are due for rotation after this many days.
    pub production_rotation_days: u32,
    /// Development keys are due for rotation after this many days.
    pub development_rotation_days: u32,
}

impl Settings {
    /// The preferences as stored, with the defaults for what was never set.
    pub async fn load(manager: &Manager) -> Result<Self, Error> {
        let store = manager.store();
        let policy = store.rotation_policy().await?;
        let clipboard_clear_seconds = store
            .preference(CLIPBOARD_PREFERENCE)
            .await?
            .and_then(|value| value.parse().ok())
            .filter(|seconds| CLIPBOARD_RANGE.contains(seconds))
            .unwrap_or(DEFAULT_CLIPBOARD_CLEAR_SECONDS);
        Ok(Self {
            clipboard_clear_seconds,
            production_rotation_days: policy.production_days,
            development_rotation_days: policy.development_days,
        })
    }

    /// Checks and stores `self`; nothing is written when a value is out of
    /// range.
    pub async fn save(self, manager: &Manager) -> Result<Self, Error> {
        self.validate()?;
        let store = manager.store();
        store
            .set_preference(
                CLIPBOARD_PREFERENCE,
                &self.clipboard_clear_seconds.to_string(),
            )
            .await?;
        store
            .set_default_rotation(Environment::Production, self.production_rotation_days)
            .await?;
        store
            .set_default_rotation(Environment::Development, self.development_rotation_days)
            .await?;
        Self::load(manager).await
    }

    fn validate(&self) -> Result<(), Error> {
        if !CLIPBOARD_RANGE.contains(&self.clipboard_clear_seconds) {
            return Err(Error::Invalid(format!(
                "The clipboard delay must be between {} and {} seconds.",
                CLIPBOARD_RANGE.start(),
                CLIPBOARD_RANGE.end()
            )));
        }
        for (what, days) in [
            ("production", self.production_rotation_days),
            ("development", self.development_rotation_days),
        ] {
            if !ROTATION_RANGE.contains(&days) {
                return Err(Error::Invalid(format!(
                    "The rotation period of {what} keys must be between {} and {} days.",
                    ROTATION_RANGE.start(),
                    ROTATION_RANGE.end()
                )));
            }
        }
        Ok(())
    }
}

/// How long a copied key stays on the clipboard: `MCP_KEYS_CLIPBOARD_CLEAR_SECONDS`
/// when set (1 to 600), else the stored preference.
pub async fn clipboard_clear_after(manager: &Manager) -> Result<Duration, Error> {
    let from_env = std::env::var(CLIPBOARD_VAR)
        .ok()
        .and_then(|value| value.parse::<u32>().ok())
        .filter(|seconds| CLIPBOARD_RANGE.contains(seconds));
    let seconds = match from_env {
        Some(seconds) => seconds,
        None => Settings::load(manager).await?.clipboard_clear_seconds,
    };
    Ok(Duration::from_secs(u64::from(seconds)))
}

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn out_of_range_values_are_refused_with_the_range() {
        let good = Settings {
            clipboard_clear_seconds: 45,
            production_rotation_days: 90,
            development_rotation_days: 180,
        };
        assert!(good.validate().is_ok());
        for bad in [
            Settings {
                clipboard_clear_seconds: 0,
                ..good
            },
            Settings {
                clipboard_clear_seconds: 601,
                ..good
            },
            Settings {
                production_rotation_days: 0,
                ..good
            },
            Settings {
                development_rotation_days: 3651,
                ..good
            },
        ] {
            let error = bad.validate().err().map(|error| error.to_string());
            assert!(
                error
                    .as_deref()
                    .is_some_and(|text| text.contains("between")),
                "{bad:?}: {error:?}"
            );
        }
    }
}
