//! Comparison of secrets, and of values derived from them, in constant time.

use subtle::ConstantTimeEq;

/// Whether `a` and `b` hold the same bytes, in time that depends only on their
/// lengths, never on where they first differ. Without this, a server that
/// compares a presented key byte by byte tells an attacker, through its
/// response time, how many leading bytes were right.
///
/// The lengths themselves are not hidden: every key and fingerprint of one
/// kind has the same, public, length.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn equal_bytes_compare_equal() {
        assert!(constant_time_eq(b"mcp_dev_abc", b"mcp_dev_abc"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn bytes_that_differ_anywhere_compare_unequal() {
        assert!(!constant_time_eq(b"abcd", b"xbcd"));
        assert!(!constant_time_eq(b"abcd", b"abcx"));
    }

    #[test]
    fn a_prefix_is_not_equal_to_the_whole() {
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b""));
    }
}
