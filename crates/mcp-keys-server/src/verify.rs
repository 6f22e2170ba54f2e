//! Key verification: the checks of DESIGN §4, in their order.
//!
//! missing, malformed, checksum, unknown, wrong_surface, auth_mode, revoked, expired,
//! environment_mismatch, then surface_inactive, scope. The first that fails
//! answers. The key is read through [`Db::key_for_verification`], whose
//! cache is trusted for at most 3 seconds and forgets a key when it is
//! revoked, so a revocation counts on this instance from the moment its
//! DELETE returns (and on the others once its notification arrives, or at
//! worst when the cache entry ages out).

mod refusal;

use mcp_keys_core::{ApiKey, Fingerprint, ParseError};

pub use refusal::Refusal;

use crate::db::StoredKey;
use crate::oauth::secret;
use crate::time::Timestamp;
use crate::{Db, Error};

/// What a verification is asked: a presented key (`None` when the request
/// had none), and optionally the surface it must open and the capability it
/// must be allowed to call.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The credential as presented, unchecked.
    pub presented: Option<&'a str>,
    /// The surface the request is for, if any.
    pub surface_id: Option<&'a str>,
    /// The capability (tool) the request calls, if any.
    pub capability: Option<&'a str>,
    /// An owner approving an OAuth request with a key of the surface: the
    /// surface's authentication mode does not matter then.
    pub consent: bool,
}

/// A refused verification: why, and the key when it was found (from
/// `wrong_surface` on), for the audit log.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The first check that failed.
    pub refusal: Refusal,
    /// The key, when the presented one matched a stored key.
    pub key: Option<StoredKey>,
}

/// Runs every check on `attempt` at time `now`.
pub async fn verify(
    db: &Db,
    attempt: Attempt<'_>,
    now: Timestamp,
) -> Result<Result<StoredKey, Refused>, Error> {
    let refused = |refusal| Refused { refusal, key: None };
    if let Some(text) = attempt.presented
        && let Some(token_id) = secret::id_of(secret::Kind::Access, text)
    {
        let Some(stored) = db.access_token_for_verification(token_id).await? else {
            return Ok(Err(refused(Refusal::Unknown)));
        };
        // Constant time, as for keys.
        if stored.fingerprint != Fingerprint::of(text) {
            return Ok(Err(refused(Refusal::Unknown)));
        }
        return Ok(match check(&stored, attempt, now) {
            Ok(()) => Ok(stored),
            Err(refusal) => Err(Refused {
                refusal,
                key: Some(stored),
            }),
        });
    }
    let key = match parse(attempt.presented) {
        Ok(key) => key,
        Err(refusal) => return Ok(Err(refused(refusal))),
    };
    let Some(stored) = db.key_for_verification(key.id()).await? else {
        return Ok(Err(refused(Refusal::Unknown)));
    };
    // Constant time (Fingerprint's PartialEq): the lookup was by the public
    // id, so this is where a guessed secret would be told apart.
    if stored.fingerprint != key.fingerprint() {
        return Ok(Err(refused(Refusal::Unknown)));
    }
    Ok(match check(&stored, attempt, now) {
        Ok(()) => Ok(stored),
        Err(refusal) => Err(Refused {
            refusal,
            key: Some(stored),
        }),
    })
}

/// The checks that need no database: missing, malformed, checksum.
fn parse(presented: Option<&str>) -> Result<ApiKey, Refusal> {
    match ApiKey::parse(presented.ok_or(Refusal::Missing)?) {
        Ok(key) => Ok(key),
        Err(ParseError::Checksum) => Err(Refusal::Checksum),
        Err(
            ParseError::Prefix { .. }
            | ParseError::Environment { .. }
            | ParseError::Length { .. }
            | ParseError::Character { .. },
        ) => Err(Refusal::Malformed),
    }
}

/// Whether `stored` may still be used at `now` on its own surface (not
/// revoked, not expired, its surface active): what a session opened with
/// it is checked against when the key changes.
pub fn usable(stored: &StoredKey, now: Timestamp) -> bool {
    let attempt = Attempt {
        presented: None,
        surface_id: None,
        capability: None,
        consent: false,
    };
    check(stored, attempt, now).is_ok()
}

/// The checks on a key that was found, from wrong_surface to scope.
fn check(stored: &StoredKey, attempt: Attempt<'_>, now: Timestamp) -> Result<(), Refusal> {
    if attempt
        .surface_id
        .is_some_and(|surface_id| surface_id != stored.surface_id)
    {
        return Err(Refusal::WrongSurface);
    }
    let accepted = if crate::oauth::is_grant_id(&stored.id) {
        stored.surface_auth_mode.accepts_oauth()
    } else {
        stored.surface_auth_mode.accepts_keys()
    };
    if !accepted && !attempt.consent {
        return Err(Refusal::AuthMode);
    }
    if stored.revoked_at.is_some() {
        return Err(Refusal::Revoked);
    }
    if stored
        .expires_at
        .is_some_and(|expires_at| expires_at <= now)
    {
        return Err(Refusal::Expired);
    }
    if stored.environment != stored.surface_environment {
        return Err(Refusal::EnvironmentMismatch);
    }
    if stored.surface_status == crate::api::SurfaceStatus::Inactive {
        return Err(Refusal::SurfaceInactive);
    }
    if let Some(capability) = attempt.capability
        && !allows(&stored.scopes, capability)
    {
        return Err(Refusal::Scope);
    }
    Ok(())
}

/// Whether a key with `scopes` may call `capability`. A key without scopes
/// may call every capability of its surface: scopes only ever narrow.
pub fn allows(scopes: &[String], capability: &str) -> bool {
    scopes.is_empty() || scopes.iter().any(|scope| scope == capability)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use mcp_keys_core::{ApiKey, Environment, Fingerprint};

    use super::{Attempt, Refusal, allows, check, parse};
    use crate::api::SurfaceStatus;
    use crate::db::StoredKey;
    use crate::time;

    fn stored() -> StoredKey {
        StoredKey {
            id: "abcdefgh".into(),
            surface_id: "s1".into(),
            product_id: "p1".into(),
            fingerprint: Fingerprint::of("x"),
            environment: Environment::Development,
            scopes: vec!["search".into()],
            revoked_at: None,
            expires_at: None,
            surface_status: SurfaceStatus::Active,
            surface_environment: Environment::Development,
            surface_auth_mode: crate::api::AuthMode::ApiKey,
            rate_limit_per_minute: None,
            rate_limit_per_day: None,
        }
    }

    fn attempt(surface_id: &'static str, capability: Option<&'static str>) -> Attempt<'static> {
        Attempt {
            presented: None,
            surface_id: Some(surface_id),
            capability,
            consent: false,
        }
    }

    #[test]
    fn no_credential_is_missing_and_other_text_is_malformed() {
        assert_eq!(parse(None).err(), Some(Refusal::Missing));
        assert_eq!(parse(Some("hello")).err(), Some(Refusal::Malformed));
        assert_eq!(parse(Some("mcp_live_abc")).err(), Some(Refusal::Malformed));
    }

    #[test]
    fn a_typo_is_a_checksum_refusal() -> Result<(), mcp_keys_core::Error> {
        let key = ApiKey::generate(Environment::Development)?;
        let text = key.expose_secret();
        let last = if text.ends_with('A') { "B" } else { "A" };
        let typo = format!("{}{last}", &text[..text.len() - 1]);
        assert_eq!(parse(Some(&typo)).err(), Some(Refusal::Checksum));
        Ok(())
    }

    #[test]
    fn the_first_failing_check_answers() {
        let now = time::now();
        let mut key = stored();
        key.revoked_at = Some(now);
        key.expires_at = Some(now - TimeDelta::seconds(1));
        key.surface_status = SurfaceStatus::Inactive;
        // Wrong surface comes before everything else that is wrong here.
        assert_eq!(
            check(&key, attempt("s2", None), now),
            Err(Refusal::WrongSurface)
        );
        assert_eq!(check(&key, attempt("s1", None), now), Err(Refusal::Revoked));
        key.revoked_at = None;
        assert_eq!(check(&key, attempt("s1", None), now), Err(Refusal::Expired));
        key.expires_at = None;
        key.environment = Environment::Production;
        assert_eq!(
            check(&key, attempt("s1", None), now),
            Err(Refusal::EnvironmentMismatch)
        );
        key.environment = Environment::Development;
        assert_eq!(
            check(&key, attempt("s1", Some("other")), now),
            Err(Refusal::SurfaceInactive)
        );
        key.surface_status = SurfaceStatus::Active;
        assert_eq!(
            check(&key, attempt("s1", Some("other")), now),
            Err(Refusal::Scope)
        );
        assert_eq!(check(&key, attempt("s1", Some("search")), now), Ok(()));
    }

    #[test]
    fn a_key_expires_at_its_expiry_time_exactly() {
        let now = time::now();
        let mut key = stored();
        key.expires_at = Some(now);
        assert_eq!(check(&key, attempt("s1", None), now), Err(Refusal::Expired));
        key.expires_at = Some(now + TimeDelta::milliseconds(1));
        assert_eq!(check(&key, attempt("s1", None), now), Ok(()));
    }

    #[test]
    fn empty_scopes_allow_every_capability() {
        assert!(allows(&[], "anything"));
        assert!(allows(&["a".to_owned()], "a"));
        assert!(!allows(&["a".to_owned()], "b"));
    }
}
