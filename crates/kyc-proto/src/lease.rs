//! Leases: exclusive, expiring claims of a reviewer on cases.

use kyc_model::{Case, CaseId, CaseKind, MediaId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Most cases one lease call grants.
pub const MAX_LEASE_BATCH: u32 = 50;

/// Most case ids one renew or release call lists.
pub const MAX_CASE_LIST: usize = 200;

/// `POST /api/v1/leases`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    /// Up to this many cases, 1..=[`MAX_LEASE_BATCH`].
    #[schema(minimum = 1, maximum = 50)]
    pub max_cases: u32,
    /// Only cases of this kind.
    #[serde(default)]
    pub kind: Option<CaseKind>,
    /// A pull for offline work: the leases last the policy's `offline_lease_hours` instead of
    /// `lease_secs`, and their renewals keep that length. Default false.
    #[serde(default)]
    pub offline: bool,
}

/// The cases granted; possibly fewer than asked, possibly none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseGrant {
    /// Granted cases, highest priority and oldest first.
    pub cases: Vec<LeasedCase>,
}

/// One granted case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeasedCase {
    /// The payload (see `kyc_model::Case`).
    pub case: Case,
    /// The lease ends then unless renewed.
    #[serde(with = "time::serde::rfc3339")]
    pub lease_expires_at: OffsetDateTime,
    /// Every media object of the case, to download from `/api/v1/media/{id}`.
    pub media: Vec<MediaManifest>,
}

/// What a client needs to download and verify one media object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaManifest {
    /// Media id.
    pub id: MediaId,
    /// Content type, one of [`crate::ALLOWED_CONTENT_TYPES`].
    #[schema(schema_with = crate::intake::content_type_schema)]
    pub content_type: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext, lowercase hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
}

/// `POST /api/v1/leases/renew`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {
    /// Cases whose leases the caller holds, 1..=[`MAX_CASE_LIST`].
    #[schema(min_items = 1, max_items = 200)]
    pub case_ids: Vec<CaseId>,
}

/// Which leases were renewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewResponse {
    /// Leases renewed, with their new expiry.
    pub renewed: Vec<RenewedLease>,
    /// Cases whose lease the caller no longer holds (expired and taken, decided, unknown).
    pub lost: Vec<CaseId>,
}

/// One renewed lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewedLease {
    /// The case.
    pub case_id: CaseId,
    /// New expiry.
    #[serde(with = "time::serde::rfc3339")]
    pub lease_expires_at: OffsetDateTime,
}

/// `POST /api/v1/leases/release`: give cases back undecided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// Cases to give back, 1..=[`MAX_CASE_LIST`].
    #[schema(min_items = 1, max_items = 200)]
    pub case_ids: Vec<CaseId>,
}

/// Which leases were released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseResponse {
    /// Released now.
    pub released: Vec<CaseId>,
    /// Not held by the caller (nothing done).
    pub not_held: Vec<CaseId>,
}
