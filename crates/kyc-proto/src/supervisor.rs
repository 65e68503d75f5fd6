//! Supervisor views: decisions, case histories, verdicts, statistics.

use kyc_model::{Case, CaseId, CaseKind, CaseState, Decision, Outcome, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::audit::AuditRecord;
use crate::decision::IdempotencyKey;
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
    /// `true`: only decisions waiting for a supervisor's four-eyes confirmation (the latest
    /// decision of a case in `awaiting_confirmation`); `false`: only the others.
    pub waiting: Option<bool>,
    /// Only decisions of this origin (a reviewer's, a supervisor's on an escalation, or a
    /// supervisor's correction).
    pub source: Option<DecisionSource>,
    /// Order of the rows (default `waiting_first`).
    pub sort: Option<DecisionSort>,
    /// Page size, 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Records to skip (default 0).
    #[param(maximum = 9223372036854775807_i64)]
    pub offset: Option<u64>,
}

/// Order of [`DecisionQuery`] rows. Ties are broken by decision number, so pages are stable.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSort {
    /// Decisions waiting for four-eyes confirmation first, longest-waiting first; then the
    /// rest newest first.
    #[default]
    WaitingFirst,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

/// Who made a decision, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSource {
    /// A reviewer under a lease.
    Reviewer,
    /// A supervisor deciding an escalated case (`POST .../escalations/{case_id}/decision`).
    Escalation,
    /// A supervisor's corrected outcome, recorded by an overturn; it supersedes the decision
    /// named in [`DecisionRecord::supersedes`] and is what upstream systems receive.
    Correction,
    /// A supervisor resolving a disputed double review
    /// (`POST .../disputes/{case_id}/decision`).
    Dispute,
}

impl DecisionSource {
    /// Stable code, as stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            DecisionSource::Reviewer => "reviewer",
            DecisionSource::Escalation => "escalation",
            DecisionSource::Correction => "correction",
            DecisionSource::Dispute => "dispute",
        }
    }

    /// The source for a stored code.
    pub fn from_code(code: &str) -> Option<DecisionSource> {
        [
            DecisionSource::Reviewer,
            DecisionSource::Escalation,
            DecisionSource::Correction,
            DecisionSource::Dispute,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One page of decisions, in the order [`DecisionQuery::sort`] asked for.
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
    /// Who decided (a supervisor for escalations and corrections).
    pub reviewer: UserId,
    /// The decision (its note is removed once the case is purged).
    pub decision: Decision,
    /// How the decision came about.
    pub source: DecisionSource,
    /// For a correction: the decision it overturned and supersedes.
    pub supersedes: Option<i64>,
    /// The correction that superseded this decision, if a supervisor overturned it with one.
    pub superseded_by: Option<i64>,
    /// The case's state now.
    pub case_state: CaseState,
    /// For the decision a case's four-eyes confirmation waits on: seconds since the hub
    /// recorded it, by the hub's clock. Absent for every other decision.
    pub waiting_secs: Option<i64>,
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

/// What an overturn does to the case; the policy says which, per case kind
/// ([`crate::Policy::overturn_actions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverturnAction {
    /// The supervisor's corrected outcome ([`VerdictRequest::corrected`]) is recorded as a
    /// new decision that supersedes the reviewer's; the case is decided with it.
    Correct,
    /// The case goes back to the reviewers' queue to be decided again.
    Requeue,
}

impl OverturnAction {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            OverturnAction::Correct => "correct",
            OverturnAction::Requeue => "requeue",
        }
    }
}

/// `POST /api/v1/supervisor/verdicts`.
///
/// Rules: never on the supervisor's own decision (403); an overturn needs a note; an overturn
/// judges the case's latest decision while the case is decided or waits for confirmation
/// (else 409); where policy says `correct` for the case's kind, `corrected` is required (400
/// `correction_required`), must not be an escalation and must pass the decision rules
/// (consent for an approval, reasons for a rejection, ...); where it says `requeue`,
/// `corrected` must be absent (400 `correction_not_allowed`). An `agree` on a decision
/// waiting for four-eyes confirmation is the confirmation.
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
    /// The supervisor's outcome, for an overturn where policy says `correct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<Outcome>,
}

/// The recorded verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictResponse {
    /// The case's state after the verdict.
    pub case_state: CaseState,
    /// For an overturn: what it did to the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OverturnAction>,
    /// For an overturn with a correction: the new decision's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_id: Option<i64>,
}

/// A case in the supervisors' queue: a reviewer escalated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalatedCase {
    /// The case (open it with `GET /api/v1/supervisor/cases/{case_id}`: the reviewer's note
    /// is in its decisions).
    pub case_id: CaseId,
    /// Its kind.
    pub kind: CaseKind,
    /// The escalation decision.
    pub decision_id: i64,
    /// The reviewer who escalated.
    pub escalated_by: UserId,
    /// When the hub recorded the escalation.
    #[serde(with = "time::serde::rfc3339")]
    pub escalated_at: OffsetDateTime,
    /// Seconds it has waited, by the hub's clock.
    pub waiting_secs: i64,
}

/// `GET /api/v1/supervisor/escalations`: the supervisors' queue, longest-waiting first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationList {
    /// The cases.
    pub cases: Vec<EscalatedCase>,
}

/// One slot's decision of a disputed double review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotDecision {
    /// The slot, 1 or 2.
    pub slot: u8,
    /// The decision (its reasons and note are in the case's history).
    pub decision_id: i64,
    /// Who decided the slot.
    pub reviewer: UserId,
    /// The outcome code.
    pub outcome: OutcomeCode,
}

/// A double review whose two slots were decided with different outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputedCase {
    /// The case (open it with `GET /api/v1/supervisor/cases/{case_id}`: both decisions are
    /// in its history).
    pub case_id: CaseId,
    /// Its kind.
    pub kind: CaseKind,
    /// Both slots' decisions, slot 1 first.
    pub slots: Vec<SlotDecision>,
    /// When the second slot was decided (the hub's clock).
    #[serde(with = "time::serde::rfc3339")]
    pub disputed_at: OffsetDateTime,
    /// Seconds it has waited, by the hub's clock.
    pub waiting_secs: i64,
}

/// `GET /api/v1/supervisor/disputes`: disputed double reviews, longest-waiting first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeList {
    /// The cases.
    pub cases: Vec<DisputedCase>,
}

/// `POST /api/v1/supervisor/escalations/{case_id}/decision`: a supervisor decides an
/// escalated case as a reviewer would. Applied once per idempotency key, like a reviewer's
/// decision; the outcome may not be another escalation (400 `outcome_not_allowed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationDecision {
    /// Made by the app when the supervisor decides; every retry reuses it.
    pub idempotency_key: IdempotencyKey,
    /// The decision; its `case_id` must be the path's.
    pub decision: Decision,
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
    /// What an overturn of its decision does now, by the policy's `overturn_actions` for its
    /// kind: whether a verdict needs a corrected outcome ([`VerdictRequest::corrected`]).
    pub overturn_action: OverturnAction,
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

/// Statistics: every reviewer's decisions together and each reviewer's, over the query's
/// range (by the hub's clock). Reviewers' and supervisors' decisions on escalations count;
/// supervisors' corrections do not (they are verdicts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsResponse {
    /// All decisions in the range.
    pub total: Figures,
    /// One row per reviewer with decisions in the range, by id.
    pub reviewers: Vec<ReviewerStats>,
    /// Decisions waiting for four-eyes confirmation now, whatever the range.
    pub four_eyes_backlog: u64,
    /// The longest of those waits in seconds, by the hub's clock.
    pub oldest_wait_secs: Option<i64>,
    /// Blind double review: agreement per reviewer pair over the double reviews whose second
    /// slot was decided in the range, pairs in id order.
    #[serde(default)]
    pub agreement: Vec<PairAgreement>,
}

/// How often two reviewers who decided the same cases independently (blind double review)
/// gave the same outcome code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairAgreement {
    /// One reviewer (the smaller id).
    pub first: UserId,
    /// The other.
    pub second: UserId,
    /// Double reviews both decided.
    pub cases: u64,
    /// Of those, with the same outcome code.
    pub agreed: u64,
    /// `agreed / cases`, 0..=1.
    pub agreement_rate: f64,
    /// Cohen's kappa over outcome codes, `(p_o - p_e) / (1 - p_e)` with `p_e` the agreement
    /// expected from each reviewer's own outcome shares; absent when undefined (`p_e` = 1:
    /// both always gave one and the same outcome).
    pub kappa: Option<f64>,
}

/// One reviewer's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewerStats {
    /// The reviewer.
    pub reviewer: UserId,
    /// Their figures.
    pub figures: Figures,
}

/// Decisions of one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayCount {
    /// The day, `YYYY-MM-DD` (UTC).
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub day: String,
    /// Decisions recorded that day.
    pub decisions: u64,
}

/// The figures of a set of decisions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Figures {
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
    /// Of the decisions, those waiting for four-eyes confirmation now.
    pub awaiting_confirmation: u64,
    /// Decisions per UTC day, days without any left out, oldest first.
    pub per_day: Vec<DayCount>,
}
