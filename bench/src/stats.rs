//! Summaries of repeated measurements.

/// The value below which `share` (0 to 1) of `values` fall: the nearest
/// rank, so it is always one of the measured values. 0 for no values.
pub fn percentile(values: &[f64], share: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (share * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or(0.0)
}

/// The middle value (the upper one of the two middles for an even count,
/// so it is a measured value too).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_and_percentiles_are_measured_values() {
        let values = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(median(&values), 3.0);
        assert_eq!(
            percentile(&values, 0.95),
            5.0,
            "the slowest of five is the p95"
        );
        assert_eq!(percentile(&values, 0.5), 3.0);
        assert_eq!(median(&[]), 0.0, "nothing measured is 0, not a panic");
        assert_eq!(percentile(&[], 0.95), 0.0);
    }
}
