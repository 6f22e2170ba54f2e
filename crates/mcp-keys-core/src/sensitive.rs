//! A wrapper for key material that is hard to leak by accident.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::constant_time_eq;

/// A secret value, such as the text of a key or a management token.
///
/// - `Debug` and `Display` print `<redacted>`, so a secret cannot end up in a
///   log line, a panic message or an error through `{:?}`.
/// - It is deliberately not `Serialize`: no secret reaches JSON, the IPC
///   bridge or a file without an explicit [`Sensitive::expose`].
/// - Its memory is overwritten with zeros when it is dropped.
/// - Equality (when the value is bytes, such as a `String`) runs in constant
///   time.
///
/// Prefer heap-backed values (`String`, `Vec<u8>`): moving a `Sensitive`
/// then moves only a pointer. A moved inline array leaves a copy behind that
/// no destructor will clear.
///
/// It is `Clone` because a clone is itself a `Sensitive`, zeroized when it
/// drops, so cloning adds a wiped copy rather than an unprotected one; and a
/// `.clone()` stays visible in review.
///
/// Not serializable, which this check proves at compile time:
///
/// ```compile_fail,E0277
/// fn serializable<T: serde::Serialize>() {}
/// serializable::<mcp_keys_core::Sensitive<String>>();
/// ```
///
/// while the same check passes for a plain `String`, so the failure above
/// really is about `Sensitive`:
///
/// ```
/// fn serializable<T: serde::Serialize>() {}
/// serializable::<String>();
/// ```
#[derive(Clone)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    /// Takes ownership of a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value. Named so that every place that reads a secret is
    /// easy to find and to review.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

/// A secret can arrive as input (a token the user typed, sent over IPC as
/// JSON); it can be read, never written: there is no `Serialize`.
impl<'de, T: Zeroize + serde::Deserialize<'de>> serde::Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::new)
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> ZeroizeOnDrop for Sensitive<T> {}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize + AsRef<[u8]>> PartialEq for Sensitive<T> {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_ref(), other.0.as_ref())
    }
}

impl<T: Zeroize + AsRef<[u8]>> Eq for Sensitive<T> {}

#[cfg(test)]
mod tests {
    use zeroize::ZeroizeOnDrop;

    use super::Sensitive;

    const SECRET: &str = "hunter2-but-longer";

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Sensitive::new(SECRET.to_owned());
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(<redacted>)");
    }

    #[test]
    fn expose_returns_the_value() {
        let secret = Sensitive::from(SECRET.to_owned());
        assert_eq!(secret.expose(), SECRET);
    }

    #[test]
    fn a_clone_is_equal_and_still_redacted() {
        let secret = Sensitive::new(SECRET.to_owned());
        let copy = secret.clone();
        assert_eq!(copy, secret);
        assert_eq!(format!("{copy:?}"), "<redacted>");
    }

    #[test]
    fn different_values_are_not_equal() {
        assert_ne!(
            Sensitive::new("a".to_owned()),
            Sensitive::new("b".to_owned())
        );
    }

    #[test]
    fn it_is_zeroized_on_drop() {
        // The destructor itself cannot be observed without unsafe code, so
        // this pins the contract that promises it.
        fn zeroized_on_drop<T: ZeroizeOnDrop>() {}
        zeroized_on_drop::<Sensitive<String>>();
    }
}
