//! The latest IDE scan: which config of which client uses which key. Only
//! public facts (prefix, fingerprint, ids), never the key.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::time::{from_millis, to_millis};
use crate::{Error, Store, plaintext};

/// One key occurrence in an IDE config, as `mcp-keys scan --json` shows it
/// (DESIGN §5), with the time of the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    /// The IDE client (`cursor`, `claude-code`, …).
    pub client: String,
    /// The config file.
    pub config_path: String,
    /// `global` or `project`.
    pub scope: String,
    /// The server's name in the config.
    pub server_name: String,
    /// The server's URL, when the config has one.
    pub url: Option<String>,
    /// `mcp_<env>_<id>` of the key.
    pub key_prefix: Option<String>,
    /// SHA-256 of the key, hex.
    pub fingerprint: Option<String>,
    /// The key's id, when a server identified it.
    pub key_id: Option<String>,
    /// The key's surface, when known.
    pub surface_id: Option<String>,
    /// `active`, `revoked`, `expired`, `unknown`, `checksum_error`,
    /// `foreign` or `env_reference`.
    pub status: String,
    /// When the scan ran.
    #[ts(type = "string")]
    pub scanned_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ScanRow {
    client: String,
    config_path: String,
    scope: String,
    server_name: String,
    url: Option<String>,
    key_prefix: Option<String>,
    fingerprint: Option<String>,
    key_id: Option<String>,
    surface_id: Option<String>,
    status: String,
    scanned_at: i64,
}

impl TryFrom<ScanRow> for ScanResult {
    type Error = Error;

    fn try_from(row: ScanRow) -> Result<Self, Error> {
        Ok(Self {
            client: row.client,
            config_path: row.config_path,
            scope: row.scope,
            server_name: row.server_name,
            url: row.url,
            key_prefix: row.key_prefix,
            fingerprint: row.fingerprint,
            key_id: row.key_id,
            surface_id: row.surface_id,
            status: row.status,
            scanned_at: from_millis(row.scanned_at)?,
        })
    }
}

impl Store {
    /// Replaces every stored scan result with `results`, found by a scan at
    /// `scanned_at` (each result's own `scanned_at` is set to it).
    pub async fn replace_scan_results(
        &self,
        results: &[ScanResult],
        scanned_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        for result in results {
            for text in [
                Some(&result.config_path),
                Some(&result.server_name),
                result.url.as_ref(),
                result.key_prefix.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                plaintext::ensure_none(text, "scan result")?;
            }
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM scan_results")
            .execute(&mut *tx)
            .await?;
        for result in results {
            sqlx::query(
                "INSERT INTO scan_results (client, config_path, scope, server_name, url,
                     key_prefix, fingerprint, key_id, surface_id, status, scanned_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&result.client)
            .bind(&result.config_path)
            .bind(&result.scope)
            .bind(&result.server_name)
            .bind(&result.url)
            .bind(&result.key_prefix)
            .bind(&result.fingerprint)
            .bind(&result.key_id)
            .bind(&result.surface_id)
            .bind(&result.status)
            .bind(to_millis(scanned_at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The results of the latest scan, in the order the scan found them.
    pub async fn list_scan_results(&self) -> Result<Vec<ScanResult>, Error> {
        let rows: Vec<ScanRow> = sqlx::query_as(
            "SELECT client, config_path, scope, server_name, url, key_prefix, fingerprint,
                    key_id, surface_id, status, scanned_at
             FROM scan_results ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ScanResult::try_from).collect()
    }
}
