//! Base62, the alphabet of every character after a key's prefix: URL-,
//! header- and shell-safe, and selected whole by a double-click.

/// The base62 digits in value order: `0-9`, then `A-Z`, then `a-z`.
pub(super) const ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// How many digits a `u32` takes in base62.
pub(super) const U32_DIGITS: usize = 6;

// Six digits hold every u32 (62^6 ≈ 5.7e10 > 2^32), so `encode_u32` never
// drops a high digit and is injective: distinct values, distinct texts.
const _: () = assert!(62u64.pow(U32_DIGITS as u32) > u32::MAX as u64);

/// Whether `byte` is a base62 digit. The alphabet is exactly the ASCII
/// letters and digits.
pub(super) fn is_digit(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
}

/// `value` in base62, most significant digit first, left-padded with `0` to
/// [`U32_DIGITS`] digits, so that every value has one fixed-width spelling.
pub(super) fn encode_u32(value: u32) -> [u8; U32_DIGITS] {
    let mut digits = [ALPHABET[0]; U32_DIGITS];
    let mut rest = value;
    for digit in digits.iter_mut().rev() {
        // `rest % 62` is below 62, a valid index into the alphabet.
        *digit = ALPHABET[(rest % 62) as usize];
        rest /= 62;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::{ALPHABET, encode_u32, is_digit};

    #[test]
    fn alphabet_is_digits_then_uppercase_then_lowercase() {
        let expected: Vec<u8> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .collect();
        assert_eq!(ALPHABET.as_slice(), expected.as_slice());
    }

    #[test]
    fn exactly_the_alphabet_counts_as_digits() {
        let digits: Vec<u8> = (0..=u8::MAX).filter(|byte| is_digit(*byte)).collect();
        assert_eq!(digits.as_slice(), ALPHABET.as_slice());
    }

    #[test]
    fn small_values_are_left_padded_with_zeros() {
        assert_eq!(&encode_u32(0), b"000000");
        assert_eq!(&encode_u32(61), b"00000z");
        assert_eq!(&encode_u32(62), b"000010");
        assert_eq!(&encode_u32(62u32.pow(5)), b"100000");
    }

    #[test]
    fn the_largest_value_fits_in_six_digits() {
        // Computed independently: 4294967295 = 4*62^5 + 16*62^4 + 41*62^3
        // + 15*62^2 + 12*62 + 3.
        assert_eq!(&encode_u32(u32::MAX), b"4gfFC3");
    }
}
