//! Rotation policies: how often keys should be rolled, a default
//! per environment and an override per key, and the moment each key's
//! period counts from.

use chrono::{DateTime, Utc};
use mcp_keys_core::Environment;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::time::{from_millis_opt, to_millis};
use crate::{Error, Store};

/// The default rotation periods, editable in Settings. Out of the box:
/// production keys every 90 days (Runtype's guidance), development keys
/// every 180.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationPolicy {
    /// Days between rotations of a production key.
    pub production_days: u32,
    /// Days between rotations of a development key.
    pub development_days: u32,
}

impl RotationPolicy {
    /// The default period for keys of `environment`.
    pub fn days_for(&self, environment: Environment) -> u32 {
        match environment {
            Environment::Production => self.production_days,
            Environment::Development => self.development_days,
        }
    }
}

/// A key's own rotation period, overriding its environment's default. In
/// JSON `{"days": 30}` or `"never"`; where a period is optional, its absence
/// means the environment's default, which is why "never" is a value of its
/// own rather than a missing number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RotationPeriod {
    /// Rolled every this many days (at least 1).
    Days(u32),
    /// Never reminded to rotate.
    Never,
}

/// What the store knows about one key's rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyRotation {
    /// The key's id.
    pub key_id: String,
    /// Its own period, overriding its environment's default; `None` when it
    /// has none.
    pub rotate_every: Option<RotationPeriod>,
    /// When its period starts: its creation or its last roll. `None` when
    /// only the override is known; the key's `createdAt` applies then.
    #[ts(type = "string | null")]
    pub anchor_at: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct KeyRotationRow {
    key_id: String,
    rotate_every_days: Option<i64>,
    never_rotate: bool,
    anchor_at: Option<i64>,
}

impl TryFrom<KeyRotationRow> for KeyRotation {
    type Error = Error;

    fn try_from(row: KeyRotationRow) -> Result<Self, Error> {
        let rotate_every = if row.never_rotate {
            Some(RotationPeriod::Never)
        } else {
            row.rotate_every_days
                .map(days_from_db)
                .transpose()?
                .map(RotationPeriod::Days)
        };
        Ok(Self {
            rotate_every,
            anchor_at: from_millis_opt(row.anchor_at)?,
            key_id: row.key_id,
        })
    }
}

fn days_from_db(days: i64) -> Result<u32, Error> {
    u32::try_from(days).map_err(|_| Error::Corrupt(format!("rotation period {days}")))
}

fn check_days(days: u32) -> Result<i64, Error> {
    if days == 0 {
        return Err(Error::Invalid(
            "a rotation period is at least 1 day".to_owned(),
        ));
    }
    Ok(i64::from(days))
}

impl Store {
    /// The default rotation periods.
    pub async fn rotation_policy(&self) -> Result<RotationPolicy, Error> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT environment, rotate_every_days FROM rotation_defaults")
                .fetch_all(&self.pool)
                .await?;
        let days = |environment: Environment| -> Result<u32, Error> {
            let (_, days) = rows
                .iter()
                .find(|(name, _)| name == environment.as_str())
                .ok_or_else(|| Error::Corrupt(format!("no rotation default for {environment}")))?;
            days_from_db(*days)
        };
        Ok(RotationPolicy {
            production_days: days(Environment::Production)?,
            development_days: days(Environment::Development)?,
        })
    }

    /// Sets the default rotation period of keys of `environment`.
    pub async fn set_default_rotation(
        &self,
        environment: Environment,
        days: u32,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO rotation_defaults (environment, rotate_every_days) VALUES ($1, $2)
             ON CONFLICT (environment) DO UPDATE SET rotate_every_days = excluded.rotate_every_days",
        )
        .bind(environment.as_str())
        .bind(check_days(days)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Sets (`Some`) or clears (`None`) a key's own rotation period.
    pub async fn set_key_rotation_override(
        &self,
        key_id: &str,
        period: Option<RotationPeriod>,
    ) -> Result<(), Error> {
        let (days, never) = match period {
            Some(RotationPeriod::Days(days)) => (Some(check_days(days)?), false),
            Some(RotationPeriod::Never) => (None, true),
            None => (None, false),
        };
        sqlx::query(
            "INSERT INTO key_rotation (key_id, rotate_every_days, never_rotate) VALUES ($1, $2, $3)
             ON CONFLICT (key_id) DO UPDATE SET
                 rotate_every_days = excluded.rotate_every_days,
                 never_rotate = excluded.never_rotate",
        )
        .bind(key_id)
        .bind(days)
        .bind(never)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records when a key's rotation period starts: when it was created or
    /// last rolled.
    pub async fn set_rotation_anchor(&self, key_id: &str, at: DateTime<Utc>) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO key_rotation (key_id, anchor_at) VALUES ($1, $2)
             ON CONFLICT (key_id) DO UPDATE SET anchor_at = excluded.anchor_at",
        )
        .bind(key_id)
        .bind(to_millis(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A roll made `new_key_id` the successor of `old_key_id` at `at`: the
    /// new key keeps the old one's override and its period starts now.
    pub async fn record_roll(
        &self,
        old_key_id: &str,
        new_key_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO key_rotation (key_id, rotate_every_days, never_rotate, anchor_at)
             VALUES (
                 $2,
                 (SELECT rotate_every_days FROM key_rotation WHERE key_id = $1),
                 coalesce((SELECT never_rotate FROM key_rotation WHERE key_id = $1), 0),
                 $3
             )
             ON CONFLICT (key_id) DO UPDATE SET
                 rotate_every_days = excluded.rotate_every_days,
                 never_rotate = excluded.never_rotate,
                 anchor_at = excluded.anchor_at",
        )
        .bind(old_key_id)
        .bind(new_key_id)
        .bind(to_millis(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What the store knows about one key's rotation, if anything.
    pub async fn key_rotation(&self, key_id: &str) -> Result<Option<KeyRotation>, Error> {
        let row: Option<KeyRotationRow> = sqlx::query_as(
            "SELECT key_id, rotate_every_days, never_rotate, anchor_at FROM key_rotation WHERE key_id = $1",
        )
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(KeyRotation::try_from).transpose()
    }

    /// Every key the store knows rotation facts about, by key id.
    pub async fn list_key_rotations(&self) -> Result<Vec<KeyRotation>, Error> {
        let rows: Vec<KeyRotationRow> = sqlx::query_as(
            "SELECT key_id, rotate_every_days, never_rotate, anchor_at FROM key_rotation ORDER BY key_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(KeyRotation::try_from).collect()
    }

    /// The days between rotations of a key of `environment`: its override,
    /// or the environment's default; `None` when it is never to be rotated.
    pub async fn effective_rotation_days(
        &self,
        key_id: &str,
        environment: Environment,
    ) -> Result<Option<u32>, Error> {
        match self
            .key_rotation(key_id)
            .await?
            .and_then(|rotation| rotation.rotate_every)
        {
            Some(RotationPeriod::Days(days)) => Ok(Some(days)),
            Some(RotationPeriod::Never) => Ok(None),
            None => Ok(Some(self.rotation_policy().await?.days_for(environment))),
        }
    }
}
