//! Supervisor views: decisions, case histories, verdicts, statistics.

use kyc_model::{Case, CaseId, CaseKind, CaseState, Decision, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::audit::AuditRecord;
use crate::lease::MediaManifest;

/// The type of an outcome, for filters and policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCode {
    /// `Outcome::Approve`.
    Approve,
    /// `Outcome::Reject`.
    Reject,
    /// `Outcome::RequestResubmission`.
    RequestResubmission,
    /// `Outcome::Escalate`.
    Escalate,
}

impl OutcomeCode {
    /// Every code, in a stable order.
    pub const ALL: [OutcomeCode; 4] = [
        OutcomeCode::Approve,
        OutcomeCode::Reject,
        OutcomeCode::RequestResubmission,
        OutcomeCode::Escalate,
    ];

    /// The code of an outcome.
    pub fn of(outcome: &kyc_model::Outcome) -> OutcomeCode {
        match outcome {
            kyc_model::Outcome::Approve => OutcomeCode::Approve,
            kyc_model::Outcome::Reject { .. } => OutcomeCode::Reject,
            kyc_model::Outcome::RequestResubmission { .. } => OutcomeCode::RequestResubmission,
            kyc_model::Outcome::Escalate => OutcomeCode::Escalate,
        }
    }

    /// Stable code (equal to `kyc_model::Outcome::code`).
    pub fn code(self) -> &'static str {
        match self {
            OutcomeCode::Approve => "approve",
            OutcomeCode::Reject => "reject",
            OutcomeCode::RequestResubmission => "request_resubmission",
            OutcomeCode::Escalate => "escalate",
        }
    }

    /// The outcome code for a stored code.
    pub fn from_code(code: &str) -> Option<OutcomeCode> {
        OutcomeCode::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// Where a decision stands with the supervisors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictState {
    /// No verdict yet.
    Pending,
    /// A supervisor agreed.
    Agreed,
    /// A supervisor overturned it.
    Overturned,
}

/// Query string of `GET /api/v1/supervisor/decisions`. All filters optional and combined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    /// Only this reviewer's decisions.
    pub reviewer: Option<UserId>,
    /// Only this outcome.
    pub outcome: Option<OutcomeCode>,
    /// Only cases of this kind.
    pub kind: Option<CaseKind>,
    /// Recorded at or after (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<OffsetDateTime>,
    /// Recorded before (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<OffsetDateTime>,
    /// Only decisions in this verdict state.
    pub verdict: Option<VerdictState>,
    /// Page size, 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Records to skip (default 0).
    #[param(maximum = 9223372036854775807_i64)]
    pub offset: Option<u64>,
}

/// One page of decisions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionPage {
    /// The decisions.
    pub items: Vec<DecisionRecord>,
    /// Matching decisions in all pages.
    pub total: u64,
    /// Offset of the next page, when there is one.
    pub next_offset: Option<u64>,
}

/// A recorded decision with its context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRecord {
    /// Decision number.
    pub decision_id: i64,
    /// Case decided.
    pub case_id: CaseId,
    /// Its kind.
    pub kind: CaseKind,
    /// Who decided.
    pub reviewer: UserId,
    /// The decision (its note is removed once the case is purged).
    pub decision: Decision,
    /// When the hub recorded it.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// Handling time in whole seconds: the workstation's active time (case open, app
    /// unlocked, monotonic clock) clamped by the hub to the time between its lease grant and
    /// its receipt of the decision. Absent when the workstation sent no active time.
    pub handling_secs: Option<i64>,
    /// The supervisor's verdict, if any.
    pub verdict: Option<VerdictRecord>,
}

/// A supervisor's verdict on a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRecord {
    /// Agree or overturn.
    pub verdict: VerdictKind,
    /// Supervisor.
    pub supervisor: UserId,
    /// Note.
    pub note: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// The decision stands. On a decision awaiting four-eyes confirmation, this confirms it.
    Agree,
    /// The decision is wrong. On a decision awaiting confirmation, the case is reopened.
    Overturn,
}

impl VerdictKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            VerdictKind::Agree => "agree",
            VerdictKind::Overturn => "overturn",
        }
    }
}

/// `POST /api/v1/supervisor/verdicts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    /// Decision judged (never one the supervisor made).
    #[schema(minimum = 1, maximum = 9223372036854775807_i64)]
    pub decision_id: i64,
    /// Agree or overturn.
    pub verdict: VerdictKind,
    /// Required for an overturn, at most 2000 characters.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The recorded verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictResponse {
    /// The case's state after the verdict.
    pub case_state: CaseState,
}

/// `GET /api/v1/supervisor/cases/{case_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseHistory {
    /// The case id.
    pub case_id: CaseId,
    /// Its kind.
    pub kind: CaseKind,
    /// Its state.
    pub state: CaseState,
    /// The payload; absent once purged.
    pub case: Option<Case>,
    /// Its media (empty once purged); a supervisor may download them.
    pub media: Vec<MediaManifest>,
    /// Its decisions, oldest first.
    pub decisions: Vec<DecisionRecord>,
    /// Its audit records, in chain order.
    pub audit: Vec<AuditRecord>,
}

/// Query string of `GET /api/v1/supervisor/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Decisions recorded at or after (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<OffsetDateTime>,
    /// Decisions recorded before (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<OffsetDateTime>,
}

/// Statistics per reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsResponse {
    /// One row per reviewer with decisions in the period.
    pub reviewers: Vec<ReviewerStats>,
}

/// One reviewer's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewerStats {
    /// The reviewer.
    pub reviewer: UserId,
    /// Decisions recorded.
    pub decisions: u64,
    /// Approvals.
    pub approved: u64,
    /// Rejections.
    pub rejected: u64,
    /// Resubmission requests.
    pub resubmission_requested: u64,
    /// Escalations.
    pub escalated: u64,
    /// Median handling time in seconds (see [`DecisionRecord::handling_secs`]: active time
    /// clamped by the hub's clock), over decisions that carry one.
    pub median_handling_secs: Option<f64>,
    /// 90th percentile (nearest rank) of the handling time in seconds.
    pub p90_handling_secs: Option<f64>,
    /// Decisions with a verdict.
    pub verdicts: u64,
    /// Of those, overturned.
    pub overturned: u64,
    /// `overturned / verdicts`, absent without verdicts.
    pub overturn_rate: Option<f64>,
}
