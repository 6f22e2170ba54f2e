//! Reading the credential of `Authorization: Bearer <credential>`.

use axum::http::{HeaderMap, header};

/// What the `Authorization` header holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Bearer<'a> {
    /// No header, or `Bearer` with nothing after it.
    Missing,
    /// Not a single, readable `Bearer` credential: another scheme, two
    /// headers, bytes that are not text.
    Malformed,
    /// The credential, not yet checked in any way.
    Credential(&'a str),
}

/// Reads the bearer credential of `headers`. The scheme is case-insensitive
/// (RFC 9110 §11.1); the credential is taken as it is, trimmed.
pub fn bearer(headers: &HeaderMap) -> Bearer<'_> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return if headers.contains_key(header::AUTHORIZATION) {
            Bearer::Malformed
        } else {
            Bearer::Missing
        };
    };
    let Ok(value) = value.to_str() else {
        return Bearer::Malformed;
    };
    let value = value.trim();
    let (scheme, credential) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Bearer::Malformed;
    }
    match credential.trim() {
        "" => Bearer::Missing,
        credential => Bearer::Credential(credential),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::{Bearer, bearer};

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::AUTHORIZATION, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_credential_after_bearer_is_read_whatever_the_scheme_case() {
        assert_eq!(bearer(&with(&["Bearer abc"])), Bearer::Credential("abc"));
        assert_eq!(bearer(&with(&["bearer  abc "])), Bearer::Credential("abc"));
    }

    #[test]
    fn no_header_or_an_empty_bearer_is_missing() {
        assert_eq!(bearer(&HeaderMap::new()), Bearer::Missing);
        assert_eq!(bearer(&with(&["Bearer"])), Bearer::Missing);
        assert_eq!(bearer(&with(&["Bearer   "])), Bearer::Missing);
    }

    #[test]
    fn other_schemes_and_repeated_headers_are_malformed() {
        assert_eq!(bearer(&with(&["Basic abc"])), Bearer::Malformed);
        assert_eq!(bearer(&with(&["abc"])), Bearer::Malformed);
        assert_eq!(bearer(&with(&["Bearer a", "Bearer b"])), Bearer::Malformed);
    }

    #[test]
    fn a_header_that_is_not_text_is_malformed() -> Result<(), header::InvalidHeaderValue> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_bytes(b"Bearer \xff")?,
        );
        assert_eq!(bearer(&headers), Bearer::Malformed);
        Ok(())
    }
}
