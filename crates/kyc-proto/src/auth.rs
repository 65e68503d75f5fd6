//! Sign-in and the caller's identity.

use kyc_model::UserId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::secret::Secret;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Leases, reviews and decides cases.
    Reviewer,
    /// Audits decisions: queries, case histories, verdicts, statistics.
    Supervisor,
    /// Manages accounts and policy, feeds cases in.
    Admin,
    /// An upstream system that only feeds cases in.
    Service,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 4] = [Role::Reviewer, Role::Supervisor, Role::Admin, Role::Service];

    /// Stable code, as stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Service => "service",
        }
    }

    /// The role for a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Account name (a login handle; the hub never logs it).
    pub username: String,
    /// Password.
    pub password: Secret,
}

/// A fresh session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginResponse {
    /// Opaque bearer token (256 random bits, URL-safe base64). The hub stores only its hash.
    pub token: Secret,
    /// The account.
    pub user: UserId,
    /// Its role.
    pub role: Role,
    /// Absolute expiry of the session; idle expiry comes earlier when the token is unused.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Seconds of inactivity after which the session dies.
    pub idle_timeout_secs: u64,
}

/// `GET /api/v1/auth/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Me {
    /// The account.
    pub user: UserId,
    /// Account name.
    pub username: String,
    /// Its role.
    pub role: Role,
    /// Absolute expiry of this session.
    #[serde(with = "time::serde::rfc3339")]
    pub session_expires_at: OffsetDateTime,
}
