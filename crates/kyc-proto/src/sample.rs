//! QA sampling: named review lists drawn reproducibly from reviewers' decisions.
//!
//! The draw is a pure function of the stored inputs, so anyone holding the window, the seed
//! and the decision ids can redo it with any SHA-256:
//!
//! 1. The eligible decisions are reviewers' own (`source: reviewer`) recorded in
//!    `[from, to)` by the hub's clock.
//! 2. They are grouped into strata by (reviewer, case kind).
//! 3. Each decision's key is `SHA-256(seed ‖ ":" ‖ decision_id)` with `seed` as UTF-8 and
//!    the id in decimal ASCII; keys compare as big-endian byte strings.
//! 4. From a stratum of `n` decisions the `ceil(percent × n / 100)` with the smallest keys are
//!    kept (ties, which SHA-256 makes practically impossible, by decision id).
//!
//! So each reviewer's decisions of each kind are sampled at `percent` % (rounded up, so no
//! non-empty stratum is skipped), and a different seed draws another list.

use kyc_model::{CaseId, CaseKind, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::supervisor::VerdictKind;

/// `POST /api/v1/supervisor/samples` (supervisor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleRequest {
    /// A name for people, 1..=100 characters (not personal data: say what it is for).
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Share of each stratum to draw, 1..=100.
    #[schema(minimum = 1, maximum = 100)]
    pub percent: u32,
    /// Decisions recorded at or after (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    /// Decisions recorded before (RFC 3339); after `from`.
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    /// The seed, 1..=64 of `[A-Za-z0-9_-]`; absent: the hub draws a random one. It is stored
    /// with the list either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub seed: Option<String>,
}

/// A stored review list, without its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleSummary {
    /// The list's id.
    pub sample_id: String,
    /// Its name.
    pub name: String,
    /// Share drawn from each stratum.
    pub percent: u32,
    /// Window start.
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    /// Window end (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    /// The seed of the draw.
    pub seed: String,
    /// The supervisor who drew it.
    pub created_by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Decisions in the list.
    pub size: u64,
    /// Of those, how many have a verdict (by anyone): the list's progress.
    pub judged: u64,
}

/// One stratum of a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleStratum {
    /// The reviewer.
    pub reviewer: UserId,
    /// The case kind.
    pub kind: CaseKind,
    /// Eligible decisions in the window.
    pub eligible: u64,
    /// Drawn.
    pub drawn: u64,
}

/// One decision of a review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleMember {
    /// The decision (open its case with `GET /api/v1/supervisor/cases/{case_id}`).
    pub decision_id: i64,
    /// Its case.
    pub case_id: CaseId,
    /// The case's kind.
    pub kind: CaseKind,
    /// Who decided.
    pub reviewer: UserId,
    /// The verdict on it, once given.
    pub verdict: Option<VerdictKind>,
}

/// `GET /api/v1/supervisor/samples/{sample_id}` and the answer to a [`SampleRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleList {
    /// The list.
    pub summary: SampleSummary,
    /// Its strata, by reviewer and kind (as drawn: eligible counts are those of the draw).
    pub strata: Vec<SampleStratum>,
    /// Its decisions, by decision id.
    pub members: Vec<SampleMember>,
}

/// `GET /api/v1/supervisor/samples`: every list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleIndex {
    /// The lists.
    pub samples: Vec<SampleSummary>,
}

/// How many of a stratum of `eligible` decisions a draw at `percent` keeps:
/// `ceil(percent × eligible / 100)`.
pub fn stratum_size(eligible: u64, percent: u32) -> u64 {
    (eligible * u64::from(percent)).div_ceil(100)
}
