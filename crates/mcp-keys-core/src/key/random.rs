//! Uniformly random base62 digits from the operating system's CSPRNG.

use zeroize::Zeroizing;

use super::base62::ALPHABET;

/// Random bytes below this map onto the 62 digits exactly four times each
/// (248 = 4 × 62), so `byte % 62` is uniform on them. The 8 bytes above are
/// drawn again instead: folding them in would make `0`–`7` one quarter more
/// likely than the other digits and shave bits off every secret.
const ACCEPT_BELOW: u8 = 248;

/// Bytes drawn from the OS per call. About 3% are rejected, so one draw
/// almost always fills a whole 40-digit id and secret.
const POOL_LEN: usize = 64;

/// `len` uniformly random base62 characters, for secrets other than keys
/// (the OAuth tokens, codes and client secrets of the key service).
pub fn random_base62(len: usize) -> Result<crate::Sensitive<String>, getrandom::Error> {
    let mut digits = Zeroizing::new(vec![0u8; len]);
    fill_base62(&mut digits)?;
    // Base62 digits are ASCII.
    let text: String = digits.iter().map(|digit| char::from(*digit)).collect();
    Ok(crate::Sensitive::new(text))
}

/// Fills `digits` with independent, uniformly distributed base62 digits.
///
/// Every random byte passes through a buffer that is wiped when this returns,
/// so no raw randomness from which the digits derive stays in memory.
pub(super) fn fill_base62(digits: &mut [u8]) -> Result<(), getrandom::Error> {
    let mut pool = Zeroizing::new([0u8; POOL_LEN]);
    let mut filled = 0;
    while filled < digits.len() {
        getrandom::fill(pool.as_mut_slice())?;
        let accepted = pool.iter().filter(|byte| **byte < ACCEPT_BELOW);
        for (slot, byte) in digits[filled..].iter_mut().zip(accepted) {
            *slot = ALPHABET[usize::from(byte % 62)];
            filled += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fill_base62;
    use crate::key::base62::{ALPHABET, is_digit};

    #[test]
    fn every_slot_is_filled_with_a_base62_digit() -> Result<(), getrandom::Error> {
        // Longer than one pool, so the refill path runs too.
        let mut digits = [0u8; 1000];
        fill_base62(&mut digits)?;
        assert!(digits.iter().all(|byte| is_digit(*byte)));
        Ok(())
    }

    #[test]
    fn an_empty_buffer_needs_no_randomness() -> Result<(), getrandom::Error> {
        fill_base62(&mut [])
    }

    #[test]
    fn digits_are_uniformly_distributed() -> Result<(), getrandom::Error> {
        // Pearson's chi-squared over the 62 digits, 61 degrees of freedom.
        // A uniform source exceeds 140 with probability below one in
        // ten million; the modulo bias this module avoids (0–7 drawn 5/4 as
        // often) would score around 500 at this sample size.
        const SAMPLES: usize = 80_000;
        let mut digits = vec![0u8; SAMPLES];
        fill_base62(&mut digits)?;
        let mut counts = [0u32; 62];
        for digit in &digits {
            if let Some(value) = ALPHABET.iter().position(|d| d == digit) {
                counts[value] += 1;
            }
        }
        let expected = SAMPLES as f64 / 62.0;
        let chi_squared: f64 = counts
            .iter()
            .map(|count| (f64::from(*count) - expected).powi(2) / expected)
            .sum();
        assert!(chi_squared < 140.0, "chi-squared {chi_squared:.1}");
        Ok(())
    }
}
