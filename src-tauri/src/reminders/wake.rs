//! Noticing that the machine slept: the monotonic clock stops during
//! suspend (CLOCK_MONOTONIC on Linux, mach_absolute_time on macOS) while the
//! wall clock does not, so between two ticks the wall clock jumps ahead.
//! No D-Bus signal or platform API is needed, and it works on every OS.

use std::time::{Duration, Instant, SystemTime};

/// How often the clocks are compared.
pub const TICK: Duration = Duration::from_secs(30);

/// A jump of the wall clock past the monotonic one larger than this is a
/// sleep (an NTP correction is far smaller).
const SLEPT: Duration = Duration::from_secs(90);

/// Compares the two clocks between calls.
#[derive(Debug)]
pub struct Detector {
    monotonic: Instant,
    wall: SystemTime,
}

impl Detector {
    /// Starts comparing from now.
    pub fn new() -> Self {
        Self {
            monotonic: Instant::now(),
            wall: SystemTime::now(),
        }
    }

    /// Whether the machine slept since the last call.
    pub fn slept(&mut self) -> bool {
        let (monotonic, wall) = (Instant::now(), SystemTime::now());
        let awake = monotonic.duration_since(self.monotonic);
        // A wall clock set back is not a sleep.
        let passed = wall.duration_since(self.wall).unwrap_or_default();
        self.monotonic = monotonic;
        self.wall = wall;
        passed.saturating_sub(awake) > SLEPT
    }
}
