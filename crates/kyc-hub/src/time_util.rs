//! Times as stored: Unix milliseconds (sortable integers in every backend).

use time::OffsetDateTime;

/// Unix time in milliseconds.
pub type Millis = i64;

/// Now, in milliseconds.
pub fn now_ms() -> Millis {
    to_ms(OffsetDateTime::now_utc())
}

/// A time in milliseconds (sub-millisecond digits dropped).
pub fn to_ms(t: OffsetDateTime) -> Millis {
    (t.unix_timestamp_nanos() / 1_000_000) as Millis
}

/// A stored time back as a date-time (UTC); out-of-range values clamp to the epoch.
pub fn from_ms(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
