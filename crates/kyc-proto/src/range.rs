//! HTTP `Range` requests (RFC 9110 §14.1.2) against an object of known size: the hub serves
//! media downloads with them, and the desktop app's `media://` scheme serves video seeks.
//! One parser for both, so the two answer the same header the same way.

/// A parsed `Range` header against an object of known size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// Serve everything (no header, another unit, several ranges, or a malformed one).
    Full,
    /// Serve `start..=end` (206).
    Partial(u64, u64),
    /// 416.
    Unsatisfiable,
}

/// Parses a single `bytes=` range. Anything this does not understand is served whole, which
/// RFC 9110 allows; several ranges are served whole too, which keeps the answer simple.
pub fn parse_range(header: Option<&str>, size: u64) -> ByteRange {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return ByteRange::Full;
    };
    if spec.contains(',') {
        return ByteRange::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return ByteRange::Full };
    if first.is_empty() {
        let Ok(suffix) = last.parse::<u64>() else { return ByteRange::Full };
        if suffix == 0 || size == 0 {
            return ByteRange::Unsatisfiable;
        }
        return ByteRange::Partial(size - suffix.min(size), size - 1);
    }
    let Ok(start) = first.parse::<u64>() else { return ByteRange::Full };
    let end = if last.is_empty() {
        u64::MAX
    } else {
        match last.parse::<u64>() {
            Ok(end) if end >= start => end,
            _ => return ByteRange::Full,
        }
    };
    if start >= size {
        return ByteRange::Unsatisfiable;
    }
    ByteRange::Partial(start, end.min(size - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let size = 100;
        let table: &[(Option<&str>, ByteRange)] = &[
            (None, ByteRange::Full),
            (Some("bytes=0-9"), ByteRange::Partial(0, 9)),
            (Some("bytes=90-"), ByteRange::Partial(90, 99)),
            (Some("bytes=90-500"), ByteRange::Partial(90, 99)),
            (Some("bytes=-10"), ByteRange::Partial(90, 99)),
            (Some("bytes=-500"), ByteRange::Partial(0, 99)),
            (Some("bytes=100-"), ByteRange::Unsatisfiable),
            (Some("bytes=-0"), ByteRange::Unsatisfiable),
            (Some("bytes=5-1"), ByteRange::Full),
            (Some("bytes=0-1,5-9"), ByteRange::Full),
            (Some("items=0-1"), ByteRange::Full),
            (Some("bytes=x-1"), ByteRange::Full),
        ];
        for (header, want) in table {
            assert_eq!(&parse_range(*header, size), want, "{header:?}");
        }
        assert_eq!(parse_range(Some("bytes=0-"), 0), ByteRange::Unsatisfiable);
    }
}
