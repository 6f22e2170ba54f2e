//! Which key each fingerprint found in a config is: every saved connection
//! (or the one the command line names) is asked in turn, and with it the
//! refusals it recorded lately (DESIGN §10).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use mcp_keys_client::KeyMetadata;
use mcp_keys_core::Fingerprint;
use mcp_keys_ide::{Collected, KnownKey, ServiceFailure, SurfaceFacts, SurfaceStatus};

use super::{KeyServices, UnidentifiedConnection};
use crate::{Error, Manager, Session};

impl Manager {
    /// Asks `services` in turn about the fingerprints no earlier one knew.
    /// A service that fails is reported, not fatal: the scan of the files
    /// is still worth showing.
    pub(super) async fn identify(
        &self,
        collected: &Collected,
        services: KeyServices<'_>,
        failures_since: Option<DateTime<Utc>>,
    ) -> Result<Identified, Error> {
        let mut identified = Identified::default();
        let fingerprints = collected.fingerprints();
        if fingerprints.is_empty() {
            return Ok(identified);
        }
        let prefixes = prefixes(collected);
        if let KeyServices::Only(session) = services {
            identified
                .ask(
                    session.label(),
                    Ok(session),
                    &fingerprints,
                    &prefixes,
                    failures_since,
                )
                .await;
            return Ok(identified);
        }
        for connection in self.store().list_connections().await? {
            if fingerprints
                .iter()
                .all(|fingerprint| identified.known.contains_key(fingerprint))
            {
                break;
            }
            let name = connection.name.clone();
            let session = self.session_with(connection).await;
            identified
                .ask(
                    name,
                    session.as_ref(),
                    &fingerprints,
                    &prefixes,
                    failures_since,
                )
                .await;
        }
        Ok(identified)
    }
}

/// What the key services said about the keys found.
#[derive(Debug, Default)]
pub(super) struct Identified {
    pub(super) known: HashMap<Fingerprint, KnownKey>,
    pub(super) unreachable: Vec<UnidentifiedConnection>,
    pub(super) asked: Vec<String>,
    pub(super) failures: Vec<ServiceFailure>,
}

impl Identified {
    /// Asks one service about the fingerprints not known yet.
    async fn ask(
        &mut self,
        name: String,
        session: Result<&Session, &Error>,
        fingerprints: &[Fingerprint],
        prefixes: &HashMap<Fingerprint, String>,
        failures_since: Option<DateTime<Utc>>,
    ) {
        let remaining: Vec<Fingerprint> = fingerprints
            .iter()
            .filter(|fingerprint| !self.known.contains_key(*fingerprint))
            .copied()
            .collect();
        let answer = match session {
            Ok(session) => session.known_keys(&remaining, prefixes).await,
            Err(error) => Err(Error::Invalid(error.to_string())),
        };
        match answer {
            Ok(found) => {
                if let (Ok(session), Some(since)) = (session, failures_since) {
                    self.failures
                        .extend(session.recent_failures(found.values(), since).await);
                }
                self.known.extend(found);
                self.asked.push(name);
            }
            Err(error) => self.unreachable.push(UnidentifiedConnection {
                connection: name,
                message: error.to_string(),
            }),
        }
    }
}

impl Session {
    /// What this service knows about `fingerprints`, with each key's surface.
    /// `prefixes` gives the public prefix of each fingerprint, for services
    /// without the identify route (matched in the local cache of their keys).
    pub async fn known_keys(
        &self,
        fingerprints: &[Fingerprint],
        prefixes: &HashMap<Fingerprint, String>,
    ) -> Result<HashMap<Fingerprint, KnownKey>, Error> {
        let keys: Vec<(Fingerprint, KeyMetadata)> = match self.client.identify(fingerprints).await {
            Ok(identified) => identified
                .into_iter()
                .filter_map(|answer| answer.key.map(|key| (answer.fingerprint, key)))
                .collect(),
            Err(mcp_keys_client::Error::Unsupported { .. }) => {
                self.cached_matches(fingerprints, prefixes).await?
            }
            Err(error) => return Err(error.into()),
        };
        let mut surfaces: HashMap<String, Option<SurfaceFacts>> = HashMap::new();
        let mut known = HashMap::new();
        for (fingerprint, key) in keys {
            if !surfaces.contains_key(&key.surface_id) {
                let facts = self.surface_facts(&key.product_id, &key.surface_id).await;
                surfaces.insert(key.surface_id.clone(), facts);
            }
            let surface = surfaces.get(&key.surface_id).cloned().flatten();
            known.insert(
                fingerprint,
                KnownKey {
                    key_id: key.id,
                    name: Some(key.name),
                    surface_id: key.surface_id,
                    product_id: key.product_id,
                    environment: key.environment,
                    scopes: key.scopes,
                    is_active: key.is_active,
                    revoked_at: key.revoked_at,
                    revoked_by: None,
                    expires_at: key.expires_at,
                    surface,
                },
            );
        }
        Ok(known)
    }

    /// Keys of this connection's cache whose public prefix matches one of
    /// `fingerprints`' (the prefix holds the key id, so it is one key).
    async fn cached_matches(
        &self,
        fingerprints: &[Fingerprint],
        prefixes: &HashMap<Fingerprint, String>,
    ) -> Result<Vec<(Fingerprint, KeyMetadata)>, Error> {
        let Some(connection_id) = self.connection_id() else {
            return Ok(Vec::new());
        };
        let cached: Vec<KeyMetadata> = self
            .manager
            .store()
            .cached_keys(connection_id, None)
            .await?
            .into_iter()
            .filter_map(|entity| serde_json::from_value(entity.data).ok())
            .collect();
        Ok(fingerprints
            .iter()
            .filter_map(|fingerprint| {
                let prefix = prefixes.get(fingerprint)?;
                let key = cached.iter().find(|key| &key.key_prefix == prefix)?;
                Some((*fingerprint, key.clone()))
            })
            .collect())
    }

    /// The surface's status, environment and tools, for doctor's
    /// environment, scope and inactive checks. Unknown when it cannot be
    /// fetched: those checks are then skipped rather than guessed.
    async fn surface_facts(&self, product_id: &str, surface_id: &str) -> Option<SurfaceFacts> {
        match self.client.get_surface(product_id, surface_id).await {
            Ok(surface) => Some(SurfaceFacts {
                status: match surface.status {
                    mcp_keys_client::SurfaceStatus::Inactive => SurfaceStatus::Inactive,
                    _ => SurfaceStatus::Active,
                },
                environment: surface.environment,
                keys_accepted: surface.auth_mode != mcp_keys_client::AuthMode::Oauth,
                oauth_advertised: surface.auth_mode != mcp_keys_client::AuthMode::ApiKey,
                url: surface.url,
                capabilities: surface
                    .items
                    .into_iter()
                    .map(|item| item.capability_name)
                    .collect(),
            }),
            Err(error) => {
                tracing::warn!(%error, surface_id, "could not read the surface of a configured key");
                None
            }
        }
    }
}

/// The public prefix of each fingerprint found.
fn prefixes(collected: &Collected) -> HashMap<Fingerprint, String> {
    collected
        .occurrences
        .iter()
        .filter_map(|occurrence| occurrence.key())
        .map(|key| (key.fingerprint, key.key_prefix.clone()))
        .collect()
}
