//! Times are kept as Unix milliseconds, so SQL compares them exactly.

use chrono::{DateTime, Utc};

use crate::Error;

/// `at` as Unix milliseconds.
pub(crate) fn to_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// Unix milliseconds read back from the database.
pub(crate) fn from_millis(millis: i64) -> Result<DateTime<Utc>, Error> {
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| Error::Corrupt(format!("time out of range: {millis}")))
}

/// An optional time read back from the database.
pub(crate) fn from_millis_opt(millis: Option<i64>) -> Result<Option<DateTime<Utc>>, Error> {
    millis.map(from_millis).transpose()
}
