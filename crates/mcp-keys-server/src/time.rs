//! Times as the API shows them (RFC 3339, UTC) and as the database stores
//! them (BIGINT Unix milliseconds, portable across SQLite and PostgreSQL).

use chrono::{DateTime, Utc};

use crate::Error;

/// A point in time, UTC.
pub type Timestamp = DateTime<Utc>;

/// Now, truncated to the millisecond the database keeps, so a value read back
/// equals the value written.
pub fn now() -> Timestamp {
    from_millis(Utc::now().timestamp_millis()).unwrap_or_else(|_| Utc::now())
}

/// The stored form of `time`.
pub fn to_millis(time: Timestamp) -> i64 {
    time.timestamp_millis()
}

/// A stored time back as a timestamp.
pub fn from_millis(millis: i64) -> Result<Timestamp, Error> {
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| Error::Corrupt(format!("time out of range: {millis}")))
}

/// A stored optional time back as a timestamp.
pub fn from_millis_opt(millis: Option<i64>) -> Result<Option<Timestamp>, Error> {
    millis.map(from_millis).transpose()
}
