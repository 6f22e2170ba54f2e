//! The secrets of OAuth mode: access and refresh tokens, authorization codes
//! and client secrets. Each is `mcpo_<kind>_<id>_<secret>`: the id finds the
//! stored row, the whole text's fingerprint is compared in constant time,
//! and only the fingerprint is stored (DESIGN §9).

use mcp_keys_core::{Fingerprint, Sensitive, random_base62};

use crate::Error;

/// The characters of the public id.
const ID_LEN: usize = 16;

/// The characters of the secret part: about 190 bits.
const SECRET_LEN: usize = 32;

/// What a secret is for; its prefix says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An access token, sent as `Authorization: Bearer` to a surface.
    Access,
    /// A refresh token, exchanged once for new tokens.
    Refresh,
    /// An authorization code.
    Code,
    /// A registered client's secret.
    ClientSecret,
}

impl Kind {
    /// The text every secret of this kind starts with.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Access => "mcpo_at_",
            Self::Refresh => "mcpo_rt_",
            Self::Code => "mcpo_ac_",
            Self::ClientSecret => "mcpo_cs_",
        }
    }
}

/// A secret just made: its text (for the one answer that carries it), id
/// and fingerprint (for the database).
#[derive(Debug)]
pub struct Minted {
    /// The whole secret.
    pub text: Sensitive<String>,
    /// Its public id.
    pub id: String,
    /// What is stored.
    pub fingerprint: Fingerprint,
}

/// A new secret of `kind`.
pub fn mint(kind: Kind) -> Result<Minted, Error> {
    let random = |len| random_base62(len).map_err(|error| Error::Random(error.into()));
    let id = random(ID_LEN)?.expose().clone();
    let secret = random(SECRET_LEN)?;
    let text = Sensitive::new(format!("{}{id}_{}", kind.prefix(), secret.expose()));
    let fingerprint = Fingerprint::of(text.expose());
    Ok(Minted {
        text,
        id,
        fingerprint,
    })
}

/// The public id of `text` if it has the shape of a secret of `kind`.
pub fn id_of(kind: Kind, text: &str) -> Option<&str> {
    let rest = text.strip_prefix(kind.prefix())?;
    let (id, secret) = rest.split_once('_')?;
    let base62 = |part: &str, len| {
        part.len() == len && part.bytes().all(|byte| byte.is_ascii_alphanumeric())
    };
    (base62(id, ID_LEN) && base62(secret, SECRET_LEN)).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::{Kind, id_of, mint};

    #[test]
    fn a_minted_secret_parses_back_to_its_id_and_kind() -> Result<(), crate::Error> {
        for kind in [Kind::Access, Kind::Refresh, Kind::Code, Kind::ClientSecret] {
            let minted = mint(kind)?;
            assert_eq!(id_of(kind, minted.text.expose()), Some(minted.id.as_str()));
            let other = if kind == Kind::Access {
                Kind::Refresh
            } else {
                Kind::Access
            };
            assert_eq!(id_of(other, minted.text.expose()), None);
        }
        Ok(())
    }

    #[test]
    fn malformed_text_has_no_id() {
        for text in [
            "",
            "mcpo_at_",
            "mcpo_at_short_secret",
            "mcpo_at_0123456789abcdef_0123456789abcdef0123456789abcde!",
            "mcp_dev_0123456789abcdef",
        ] {
            assert_eq!(id_of(Kind::Access, text), None, "{text}");
        }
    }
}
