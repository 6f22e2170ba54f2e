//! The reminders' clock, and how often they are checked.
//!
//! `MCP_KEYS_CLOCK_OFFSET_DAYS` (a whole number, may be negative) moves the
//! reminders' "now" by that many days, so an end-to-end test can see a key
//! created a minute ago fall due without waiting 90 days. Only the reminder
//! scheduler and the reminder commands honor it: keys, the key service and
//! the audit log keep the real time.
//! `MCP_KEYS_REMINDER_INTERVAL_SECONDS` (at least 1) replaces the hourly
//! check, and `MCP_KEYS_REMINDER_START_DELAY_SECONDS` delays the first one
//! (a test listening on the bus starts after the app), for the same tests.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::DEFAULT_INTERVAL;

const OFFSET_VAR: &str = "MCP_KEYS_CLOCK_OFFSET_DAYS";
const INTERVAL_VAR: &str = "MCP_KEYS_REMINDER_INTERVAL_SECONDS";
const START_DELAY_VAR: &str = "MCP_KEYS_REMINDER_START_DELAY_SECONDS";

/// The reminders' now: the wall clock, moved by `MCP_KEYS_CLOCK_OFFSET_DAYS`.
pub fn now() -> DateTime<Utc> {
    let offset = std::env::var(OFFSET_VAR)
        .ok()
        .and_then(|days| days.trim().parse::<i64>().ok())
        .and_then(TimeDelta::try_days)
        .unwrap_or_default();
    Utc::now() + offset
}

/// Time between two checks when nothing else triggers one.
pub fn interval() -> Duration {
    std::env::var(INTERVAL_VAR)
        .ok()
        .and_then(|seconds| seconds.trim().parse::<u64>().ok())
        .filter(|seconds| *seconds >= 1)
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
}

/// The first check waits this long by default: it diagnoses every IDE
/// config, and the window's first paint should not share the CPU with it.
const DEFAULT_START_DELAY: Duration = Duration::from_secs(5);

/// How long to wait before the first check.
pub fn start_delay() -> Duration {
    std::env::var(START_DELAY_VAR)
        .ok()
        .and_then(|seconds| seconds.trim().parse::<u64>().ok())
        .map_or(DEFAULT_START_DELAY, Duration::from_secs)
}
