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
    /// Lease length in hours of a pull marked for offline work (`LeaseRequest::offline`),
    /// [`OFFLINE_LEASE_HOURS`]; renewals keep it. Omitted: the default (a policy stored before
    /// the field existed reads as the default too).
    #[serde(default = "default_offline_lease_hours")]
    #[schema(minimum = 1, maximum = 72, default = 12)]
    pub offline_lease_hours: u32,
    /// A workstation vault that has not reached the hub for this many hours loses its case
    /// data at its next start or unlock (decisions not yet pushed are kept),
    /// [`MAX_OFFLINE_HOURS`], at least `offline_lease_hours`.
    #[serde(default = "default_max_offline_hours")]
    #[schema(minimum = 1, maximum = 336, default = 72)]
    pub max_offline_hours: u32,
    /// Shortest idle-lock timeout a reviewer may choose, seconds, [`IDLE_LOCK_SECS`].
    #[serde(default = "default_idle_lock_min_secs")]
    #[schema(minimum = 30, maximum = 3600, default = 60)]
    pub idle_lock_min_secs: u32,
    /// Longest idle-lock timeout a reviewer may choose, seconds, [`IDLE_LOCK_SECS`], at least
    /// `idle_lock_min_secs`.
    #[serde(default = "default_idle_lock_max_secs")]
    #[schema(minimum = 30, maximum = 3600, default = 900)]
    pub idle_lock_max_secs: u32,
}

/// Bounds of [`Policy::offline_lease_hours`].
pub const OFFLINE_LEASE_HOURS: std::ops::RangeInclusive<u32> = 1..=72;
/// Bounds of [`Policy::max_offline_hours`] (two weeks at most).
pub const MAX_OFFLINE_HOURS: std::ops::RangeInclusive<u32> = 1..=336;
/// Bounds of both idle-lock fields of [`Policy`] (30 s to an hour).
pub const IDLE_LOCK_SECS: std::ops::RangeInclusive<u32> = 30..=3600;

/// Default of [`Policy::offline_lease_hours`]: a working day.
pub const DEFAULT_OFFLINE_LEASE_HOURS: u32 = 12;
/// Default of [`Policy::max_offline_hours`]: three days.
pub const DEFAULT_MAX_OFFLINE_HOURS: u32 = 72;
/// Default of [`Policy::idle_lock_min_secs`].
pub const DEFAULT_IDLE_LOCK_MIN_SECS: u32 = 60;
/// Default of [`Policy::idle_lock_max_secs`].
pub const DEFAULT_IDLE_LOCK_MAX_SECS: u32 = 900;

fn default_offline_lease_hours() -> u32 {
    DEFAULT_OFFLINE_LEASE_HOURS
}
fn default_max_offline_hours() -> u32 {
    DEFAULT_MAX_OFFLINE_HOURS
}
fn default_idle_lock_min_secs() -> u32 {
    DEFAULT_IDLE_LOCK_MIN_SECS
}
fn default_idle_lock_max_secs() -> u32 {
    DEFAULT_IDLE_LOCK_MAX_SECS
}

impl Policy {
    /// The part of the policy a workstation applies (offline limits, idle-lock bounds).
    pub fn client(&self) -> ClientPolicy {
        ClientPolicy {
            offline_lease_hours: self.offline_lease_hours,
            max_offline_hours: self.max_offline_hours,
            idle_lock_min_secs: self.idle_lock_min_secs,
            idle_lock_max_secs: self.idle_lock_max_secs,
        }
    }
}

/// `GET /api/v1/policy/client` (any signed-in account): what a workstation applies, kept in
/// its vault so offline unlocks apply it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPolicy {
    /// Lease hours of a pull for offline work.
    pub offline_lease_hours: u32,
    /// Hours without reaching the hub after which the vault's case data is wiped.
    pub max_offline_hours: u32,
    /// Shortest idle-lock timeout, seconds.
    pub idle_lock_min_secs: u32,
    /// Longest idle-lock timeout, seconds.
    pub idle_lock_max_secs: u32,
}

impl Default for ClientPolicy {
    /// The hub's defaults, for a vault that never received a policy.
    fn default() -> Self {
        ClientPolicy {
            offline_lease_hours: DEFAULT_OFFLINE_LEASE_HOURS,
            max_offline_hours: DEFAULT_MAX_OFFLINE_HOURS,
            idle_lock_min_secs: DEFAULT_IDLE_LOCK_MIN_SECS,
            idle_lock_max_secs: DEFAULT_IDLE_LOCK_MAX_SECS,
        }
    }
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
