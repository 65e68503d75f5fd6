//! Administration: accounts, policy, retention.

use kyc_model::UserId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::Role;
use crate::secret::Secret;
use crate::supervisor::OutcomeCode;

/// An account as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserSummary {
    /// Account id.
    pub id: UserId,
    /// Login handle.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Whether the account is disabled (its sessions are dead).
    pub disabled: bool,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `POST /api/v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Login handle: 3..=64 of `[a-z0-9._-]`.
    #[schema(pattern = "^[a-z0-9._-]{3,64}$")]
    pub username: String,
    /// Role.
    pub role: Role,
    /// Initial password, at least 12 characters.
    #[schema(value_type = String, format = Password, min_length = 12)]
    pub password: Secret,
}

/// `PATCH /api/v1/admin/users/{user_id}`: any subset of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// Disable (kills every session) or enable again.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// New password, at least 12 characters (kills every session).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Password, min_length = 12)]
    pub password: Option<Secret>,
}

/// Hub policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Lease length in seconds, 10..=86400.
    #[schema(minimum = 10, maximum = 86400)]
    pub lease_secs: u32,
    /// Days after the final decision before media and personal fields are purged, 0..=3650.
    #[schema(maximum = 3650)]
    pub retention_days: u32,
    /// Outcomes that need a second person's confirmation (a supervisor's `agree` verdict)
    /// before the case is decided for good.
    pub four_eyes_outcomes: Vec<OutcomeCode>,
}

/// What a retention purge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurgeReport {
    /// Cases whose media and personal fields were deleted.
    pub cases_purged: u64,
    /// Media files deleted.
    pub media_deleted: u64,
}
