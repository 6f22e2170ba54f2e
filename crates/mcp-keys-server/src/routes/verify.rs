//! `POST /v1/keys/verify` and `POST /v1/keys/identify`.

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderName;
use axum::routing::post;
use mcp_keys_core::{Fingerprint, Sensitive};
use serde::{Deserialize, Deserializer, Serialize};

use crate::api::KeyMetadata;
use crate::extract::Json;
use crate::verify::{Attempt, verify};
use crate::{AppState, Error, time};

/// The most fingerprints one identify request may ask about.
const MAX_FINGERPRINTS: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/keys/verify", post(check))
        .route("/v1/keys/identify", post(identify))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyRequest {
    #[serde(deserialize_with = "sensitive")]
    key: Sensitive<String>,
    surface_id: Option<String>,
    capability: Option<String>,
}

/// Reads the key of a verify request straight into a [`Sensitive`], so it
/// is redacted in `Debug` and wiped when the request is done.
fn sensitive<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Sensitive<String>, D::Error> {
    String::deserialize(deserializer).map(Sensitive::new)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyResponse {
    valid: bool,
    code: Option<&'static str>,
    reason: Option<&'static str>,
    key_id: Option<String>,
    scopes: Option<Vec<String>>,
}

/// The `Server-Timing` header (W3C Server Timing) of a verify answer.
const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// Runs the checks of DESIGN §4 on a key without using it. Always 200: the
/// answer is in `valid`, `code` and `reason`. Not rate limited per address
/// and not audited: the caller holds a management token already.
///
/// The answer carries `Server-Timing: verify;dur=<ms>`, the time the
/// verification itself took, so `cargo xtask bench` can hold it to its
/// target (p99 under 1 ms on a cache hit) without the network and HTTP
/// layers. Only holders of a management token see it.
async fn check(
    State(state): State<AppState>,
    Json(body): Json<VerifyRequest>,
) -> Result<([(HeaderName, String); 1], axum::Json<VerifyResponse>), Error> {
    let started = Instant::now();
    let attempt = Attempt {
        presented: Some(body.key.expose().trim()).filter(|key| !key.is_empty()),
        surface_id: body.surface_id.as_deref(),
        capability: body.capability.as_deref(),
        consent: false,
    };
    let response = match verify(&state.db, attempt, time::now()).await? {
        Ok(key) => VerifyResponse {
            valid: true,
            code: None,
            reason: None,
            key_id: Some(key.id),
            scopes: Some(key.scopes),
        },
        Err(refused) => VerifyResponse {
            valid: false,
            code: Some(refused.refusal.code()),
            reason: Some(refused.refusal.reason()),
            key_id: refused.key.as_ref().map(|key| key.id.clone()),
            scopes: refused.key.map(|key| key.scopes),
        },
    };
    let timing = server_timing(started.elapsed());
    Ok(([(SERVER_TIMING, timing)], axum::Json(response)))
}

/// `verify;dur=` with the duration in milliseconds, to the microsecond.
fn server_timing(elapsed: Duration) -> String {
    format!("verify;dur={:.3}", elapsed.as_secs_f64() * 1000.0)
}

#[derive(Debug, Deserialize)]
struct IdentifyRequest {
    fingerprints: Vec<Fingerprint>,
}

#[derive(Debug, Serialize)]
struct Identified {
    fingerprint: Fingerprint,
    /// The key with this fingerprint, or `null` when this service has none.
    key: Option<KeyMetadata>,
}

#[derive(Debug, Serialize)]
struct IdentifyResponse {
    data: Vec<Identified>,
}

/// Which keys these fingerprints are: one entry per fingerprint asked, in
/// order. Only fingerprints cross the wire, never a key.
async fn identify(
    State(state): State<AppState>,
    Json(body): Json<IdentifyRequest>,
) -> Result<axum::Json<IdentifyResponse>, Error> {
    if body.fingerprints.len() > MAX_FINGERPRINTS {
        return Err(Error::Invalid(format!(
            "at most {MAX_FINGERPRINTS} fingerprints per request"
        )));
    }
    let found = state.db.keys_by_fingerprint(&body.fingerprints).await?;
    let data = body
        .fingerprints
        .into_iter()
        .map(|fingerprint| Identified {
            key: found
                .iter()
                .find(|(stored, _)| *stored == fingerprint)
                .map(|(_, key)| key.clone()),
            fingerprint,
        })
        .collect();
    Ok(axum::Json(IdentifyResponse { data }))
}
