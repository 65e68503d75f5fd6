//! Opaque identifiers. Ids are random, never derived from personal data, and restricted to a
//! small alphabet so that they are safe in file names, URLs, SQL and log lines.

use std::fmt;

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Longest id accepted from outside.
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid id. Carries no part of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty.
    #[error("id is empty")]
    Empty,
    /// The string is longer than [`MAX_ID_LEN`].
    #[error("id is longer than {MAX_ID_LEN} characters")]
    TooLong,
    /// The string has a character outside `[A-Za-z0-9_-]` (for example `/`, `.` or `%`).
    #[error("id may only contain letters, digits, '-' and '_'")]
    BadCharacter,
}

/// Checks the id alphabet and length. Path-like (`../x`, `a/b`), percent-encoded and
/// overlong ids are all rejected here, at every edge that accepts an id.
pub fn validate_id(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    if s.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(IdError::BadCharacter);
    }
    Ok(())
}

/// The lowercase base32 alphabet (RFC 4648's letters and digits, in lower case) of every random
/// token the product makes: ids, idempotency keys, synthetic values. Each character carries 5
/// bits and passes [`validate_id`].
pub const TOKEN_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// 128 random bits as 26 characters of [`TOKEN_ALPHABET`].
pub fn random_token() -> String {
    let bits: u128 = rand::rng().random();
    (0..26).map(|i| TOKEN_ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect()
}

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an id received from outside.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                validate_id(s)?;
                Ok(Self(s.to_owned()))
            }

            /// A fresh random id.
            pub fn random() -> Self {
                Self(format!(concat!($prefix, "{}"), random_token()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                validate_id(&s)?;
                Ok(Self(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::schema::id_schema(concat!(
                    "an opaque ",
                    stringify!($name),
                    ": 1 to 64 of A-Z a-z 0-9 _ -"
                ))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
    };
}

opaque_id!(
    /// Identifies a case on the hub and in the vault.
    CaseId,
    "c_"
);
opaque_id!(
    /// Identifies one media object (an image or a video) of a case.
    MediaId,
    "m_"
);
opaque_id!(
    /// Identifies an account (reviewer, supervisor, admin). Shown in watermarks and logs, so it
    /// must be an opaque handle, never a person's name.
    UserId,
    "u_"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_like_and_hostile_ids_are_rejected() {
        for bad in ["", "../etc/passwd", "a/b", "a\\b", "..", "a.b", "%2e%2e", "a b", "é", "a\0b"]
        {
            assert!(CaseId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(CaseId::parse(&"a".repeat(65)), Err(IdError::TooLong));
        assert!(CaseId::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn random_ids_are_valid_and_distinct() {
        let a = CaseId::random();
        let b = CaseId::random();
        assert_ne!(a, b);
        assert!(CaseId::parse(a.as_str()).is_ok());
        assert_eq!(a.as_str().len(), 28);
    }

    #[test]
    fn deserializing_validates() {
        let err = serde_json::from_str::<MediaId>("\"../../x\"");
        assert!(err.is_err());
        let ok: MediaId = serde_json::from_str("\"m_abc\"").unwrap();
        assert_eq!(ok.as_str(), "m_abc");
    }
}
