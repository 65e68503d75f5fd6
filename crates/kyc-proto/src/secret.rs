//! A string that must not leak: passwords and session tokens.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A password or token. Its `Debug` prints `Secret(***)`, and its memory is zeroed on drop.
#[derive(
    Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop, utoipa::ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = String, format = Password)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret text, to hash it or send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_never_shows_the_secret() {
        let s = super::Secret::new("hunter2-password");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let req = crate::LoginRequest { username: "u".into(), password: s };
        assert!(!format!("{req:?}").contains("hunter2"));
    }
}
