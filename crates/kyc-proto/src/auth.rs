//! Sign-in and the caller's identity.

use kyc_model::UserId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use kyc_keys::KdfSpec;

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

/// `POST /api/v1/auth/prelogin`: how to derive the account's keys, asked before login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreloginRequest {
    /// Account name.
    pub username: String,
}

/// The answer to a prelogin. For an unknown account the hub answers a stable decoy of the same
/// shape, so prelogin does not tell which accounts exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreloginResponse {
    /// Argon2id parameters and the account's salt. The client refuses parameters below the
    /// floor it is configured with, so a hostile hub cannot weaken the vault.
    pub kdf: KdfSpec,
}

/// `POST /api/v1/auth/login`. The password never leaves the workstation: the client derives
/// the master key with the prelogin's [`KdfSpec`] and sends the HKDF-derived hub key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Account name (a login handle; the hub never logs it).
    pub username: String,
    /// `kyc_keys::AuthKey` as URL-safe base64 (43 characters).
    pub auth_key: Secret,
}

/// `POST /api/v1/auth/password` (authenticated): change one's own password. Every session of
/// the account ends; the answer is a fresh one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    /// The hub key of the current password.
    pub current_auth_key: Secret,
    /// The hub key of the new password, derived with `new_kdf`.
    pub new_auth_key: Secret,
    /// The spec the new password was derived with (a fresh salt; parameters at least the
    /// hub's configured ones).
    pub new_kdf: KdfSpec,
}

/// `PUT /api/v1/auth/vault-recovery/{vault_id}`: the vault's recovery key, held by the hub for
/// this account (sealed under the hub key) and released only to the same account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VaultRecoveryKey {
    /// `kyc_keys::RecoveryKey` as URL-safe base64 (43 characters).
    pub recovery_key: Secret,
}

/// A fresh session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginResponse {
    /// Opaque bearer token (256 random bits, URL-safe base64). The hub stores only its hash.
    pub token: Secret,
    /// The account.
    #[schema(value_type = String)]
    pub user: UserId,
    /// Its role.
    pub role: Role,
    /// Absolute expiry of the session; idle expiry comes earlier when the token is unused.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Seconds of inactivity after which the session dies.
    pub idle_timeout_secs: u64,
    /// The password was set by an administrator (account creation or reset) and should be
    /// replaced by one only its owner knows: the workstation asks for a new one at once.
    #[serde(default)]
    pub password_change_required: bool,
}

/// `GET /api/v1/auth/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Me {
    /// The account.
    #[schema(value_type = String)]
    pub user: UserId,
    /// Account name.
    pub username: String,
    /// Its role.
    pub role: Role,
    /// Absolute expiry of this session.
    #[serde(with = "time::serde::rfc3339")]
    pub session_expires_at: OffsetDateTime,
}
