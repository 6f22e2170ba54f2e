//! The check characters at the end of a key: CRC32 of the text before them.
//!
//! CRC32 is not a security measure (the secret is); it catches typos
//! offline. Its guarantees, which the tests rely on: it detects every error
//! confined to 32 consecutive bits. A changed character is an error within 8
//! bits, and two swapped neighbours one within 16, so both always change the
//! CRC, and since [`base62::encode_u32`] is injective, the check text too.

use super::base62::{self, U32_DIGITS};

/// Number of check characters.
pub(super) const LEN: usize = U32_DIGITS;

/// The check characters for `checked`, the text of a key before its check.
pub(super) fn compute(checked: &[u8]) -> [u8; LEN] {
    base62::encode_u32(crc32fast::hash(checked))
}

/// Whether `check` is the check of `checked`.
///
/// The whole encoded text is compared rather than the decoded number: six
/// base62 digits can spell values above `u32::MAX`, which a numeric
/// comparison would have to wrap, letting two spellings pass for one value.
/// A plain comparison is fine here: both sides derive from the presented
/// text alone, so its timing tells the presenter nothing new.
pub(super) fn matches(checked: &[u8], check: &[u8]) -> bool {
    compute(checked) == check
}

#[cfg(test)]
mod tests {
    use super::{compute, matches};

    #[test]
    fn crc_is_the_standard_ieee_crc32() {
        // The catalogue check value of CRC-32/ISO-HDLC, the zlib/PNG CRC.
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(&compute(b"123456789"), b"3jZRME");
    }

    #[test]
    fn known_answer_for_a_development_key() {
        // CRC and its base62 computed independently (Python's zlib.crc32 and
        // a separate encoder); the leading 0 shows the padding at work.
        let checked = b"mcp_dev_Kt7Qm2Xa0123456789ABCDEFGHIJKLMNOPQRSTUV";
        assert_eq!(crc32fast::hash(checked), 0x04DD_DCE1);
        assert_eq!(&compute(checked), b"05WabB");
    }

    #[test]
    fn a_different_check_does_not_match() {
        let checked = b"mgmt_Kt7Qm2Xa0123456789ABCDEFGHIJKLMNOPQRSTUV";
        assert!(matches(checked, b"0eI5OG"));
        assert!(!matches(checked, b"0eI5OH"));
        assert!(!matches(checked, b"0eI5O"));
        assert!(!matches(checked, b"0eI5OG0"));
    }

    #[test]
    fn a_swap_across_the_end_of_the_checked_text_is_always_caught() {
        // Swapping the last checked character `x` with the first check
        // character `c` leaves the checked text changed in its last byte
        // only, so its CRC changes by delta = crc(0..0 k) ^ crc(0..0 0) with
        // k = x ^ c, whatever the rest of the key. For the swap to go
        // unnoticed, the new check must spell the new CRC: the first digit
        // goes from c to x and the other five stay, so the CRC value moves by
        // exactly (x - c) * 62^5. A first check digit is at most '4'
        // (u32::MAX < 5 * 62^5), so c and x are both in '0'..='4'.
        //
        // v ^ delta - v = Σ over bits i of delta: +2^i where v has 0, -2^i
        // where v has 1. So a move is reachable iff p = (move + delta) / 2
        // is a whole number and a sub-mask of delta (p = the bits that flip
        // from 0 to 1). This checks every case and finds none.
        fn reachable(shift: i64, delta: i64) -> bool {
            let doubled = shift + delta;
            doubled >= 0 && doubled % 2 == 0 && (doubled / 2) & !delta == 0
        }
        // The predicate recognizes a move that does happen, so finding none
        // below is a result, not a broken test.
        let (v, delta) = (0x1234_5678_i64, 0x0F0F_00FF_i64);
        assert!(reachable((v ^ delta) - v, delta));

        let first_digits = b'0'..=b'4';
        for x in first_digits.clone() {
            for c in first_digits.clone() {
                if x == c {
                    continue;
                }
                let mut changed = [0u8; 8];
                changed[7] = x ^ c;
                let delta = i64::from(crc32fast::hash(&changed) ^ crc32fast::hash(&[0u8; 8]));
                // '0'..='4' are consecutive in ASCII and in base62, so the
                // difference of the bytes is the difference of the digits.
                let shift = (i64::from(x) - i64::from(c)) * 62i64.pow(5);
                let (x, c) = (char::from(x), char::from(c));
                assert!(!reachable(shift, delta), "swap of {x} and {c}");
            }
        }
    }
}
