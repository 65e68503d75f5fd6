//! Types that cross IPC between the Rust core and the web UI.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Product name.
    pub name: String,
    /// Version of the app.
    pub version: String,
    /// Hub address to prefill on the login screen (`KYC_DESK_HUB_URL`, set by the demo).
    pub default_hub_url: Option<String>,
}

/// A password on its way from the login form to the hub and the vault. Zeroed on drop and
/// never printed.
#[derive(Clone, Deserialize, TS, Zeroize, ZeroizeOnDrop)]
#[ts(type = "string")]
pub struct Password(String);

impl Password {
    /// Wraps a password.
    pub fn new(s: impl Into<String>) -> Self {
        Password(s.into())
    }

    /// The password's characters, for the key derivation or the login request only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What the login form sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// Hub address, e.g. `https://hub.example.org` or `http://127.0.0.1:8443`.
    pub hub_url: String,
    /// Account name.
    pub user: String,
    /// Password.
    pub password: Password,
}

/// A signed-in reviewer or supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Opaque account id (shown in watermarks).
    pub user_id: String,
    /// Role on the hub.
    pub role: String,
}
