//! The hub's HTTP API as data: the JSON wire types shared by the hub (`kyc-hub`) and its
//! clients (`kyc-sync`, the desktop app), the route paths, and the error body.
//!
//! Conventions:
//! - Every request body type is `deny_unknown_fields`: a client speaking a newer dialect gets a
//!   clear `invalid` error instead of having fields silently ignored.
//! - Ids are `kyc_model`'s validated opaque ids; deserializing a path-like or overlong id fails.
//! - Times are RFC 3339 strings.
//! - Every error is an [`ApiError`] `{code, message}`; the message never carries personal data.
//! - Authenticated calls carry `Authorization: Bearer <token>`.

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod admin;
pub mod attention;
pub mod audit;
pub mod auth;
pub mod decision;
pub mod error;
pub mod intake;
pub mod lease;
pub mod limits;
pub mod range;
pub mod routes;
pub mod sample;
pub mod secret;
pub mod supervisor;

pub use admin::{
    ADMIN_EVENT_KINDS, AdminEventList, AdminEventsQuery, ClientPolicy, CreateUserRequest,
    FourEyesRule, MIN_PASSWORD_CHARS, OverturnRule, Policy, PolicyError, PurgeReport,
    UpdateUserRequest, UserSummary, valid_username,
};
pub use attention::{
    AttentionAction, AttentionResolution, AttentionResolved, MediaProblemCode, MediaProblemOutcome,
    MediaProblemReport, MediaProblemResponse, NeedsAttentionCase, NeedsAttentionList,
};
pub use audit::{
    AnchorCheck, AuditAck, AuditBatch, AuditEventIn, AuditEventKind, AuditEventResult,
    AuditEventStatus, AuditRecord, AuditRecordKind, AuditVerifyQuery, AuditVerifyReport, ChainHead,
    MAX_AUDIT_BATCH, MAX_AUDIT_TEXT_CHARS, PolicyFieldChange,
};
pub use auth::{
    KdfSpec, LoginRequest, LoginResponse, Me, PasswordChangeRequest, PreloginRequest,
    PreloginResponse, Role, VaultRecoveryKey,
};
pub use decision::{
    ConflictReason, DecisionBatch, DecisionBatchResult, DecisionItem, DecisionResult,
    DecisionStatus, IdempotencyKey, MAX_DECISION_BATCH,
};
pub use error::{ApiError, ErrorCode};
pub use intake::{ALLOWED_CONTENT_TYPES, IntakeCase, IntakeMedia, IntakeResponse};
pub use lease::{
    LeaseGrant, LeaseRequest, LeasedCase, MAX_CASE_LIST, MAX_LEASE_BATCH, MediaManifest,
    ReleaseRequest, ReleaseResponse, RenewRequest, RenewResponse, RenewedLease,
};
pub use sample::{
    SampleIndex, SampleList, SampleMember, SampleRequest, SampleStratum, SampleSummary,
};
pub use secret::Secret;
pub use supervisor::{
    CaseHistory, DayCount, DecisionPage, DecisionQuery, DecisionRecord, DecisionSort,
    DecisionSource, DisputeList, DisputedCase, EscalatedCase, EscalationDecision, EscalationList,
    Figures, OutcomeCode, OverturnAction, PairAgreement, ReviewerStats, SlotDecision, StatsQuery,
    StatsResponse, VerdictKind, VerdictRecord, VerdictRequest, VerdictResponse, VerdictState,
};

/// Response header carrying the SHA-256 (lowercase hex) of a whole media object's plaintext,
/// sent with every media download (full or ranged) so the client can verify before storing.
pub const DIGEST_HEADER: &str = "x-content-sha256";

/// The API version this crate describes (the `v1` of the paths).
pub const API_VERSION: u32 = 1;

/// Request header in which a client names its version (`MAJOR.MINOR.PATCH`), so a hub can
/// refuse clients older than it accepts.
pub const CLIENT_VERSION_HEADER: &str = "x-kyc-client-version";

/// Body of `GET /healthz`: the hub announces its API version and the oldest client version it
/// accepts. Unknown fields are allowed, so later hubs can announce more to older clients.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `"ok"` when the hub answers.
    pub status: String,
    /// API version served (the `v1` of the paths).
    pub api_version: u32,
    /// The oldest client version (`MAJOR.MINOR.PATCH`) the hub signs in; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_client_version: Option<String>,
}

/// A `MAJOR.MINOR.PATCH` version as three numbers (anything after `-` or `+` ignored);
/// `None` when it is not one.
pub fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let v = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(v)
}
