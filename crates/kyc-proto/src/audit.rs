//! Audit events from clients, and the hub's hash-chained audit records.

use kyc_model::{CaseId, MediaId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Longest free text (a reveal reason, a field name) accepted in an audit event.
pub const MAX_AUDIT_TEXT_CHARS: usize = 200;

/// `POST /api/v1/audit/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditBatch {
    /// Events in the order they happened (at most 500).
    pub events: Vec<AuditEventIn>,
}

/// One thing a reviewer or supervisor did on a workstation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEventIn {
    /// The case concerned.
    #[schema(value_type = String)]
    pub case_id: CaseId,
    /// What happened.
    pub kind: AuditEventKind,
    /// When it happened on the workstation.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Kinds of workstation events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuditEventKind {
    /// The case was opened for review.
    CaseOpened,
    /// A masked field was revealed.
    FieldRevealed {
        /// Which field (a field path such as `applicant.id_number`, never its value).
        field: String,
        /// The reason the reviewer gave.
        reason: String,
    },
    /// A media object was displayed.
    MediaViewed {
        /// Which one.
        #[schema(value_type = String)]
        media_id: MediaId,
    },
    /// Pending decisions were discarded offline, after a typed confirmation.
    DecisionsDiscarded {
        /// How many.
        count: u32,
    },
}

/// Events appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditAck {
    /// Number of events appended.
    pub appended: u32,
}

/// One record of the hub's append-only chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When the hub appended it.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// Who caused it (none for the hub itself, e.g. a purge).
    #[schema(value_type = Option<String>)]
    pub actor: Option<UserId>,
    /// The case concerned.
    #[schema(value_type = Option<String>)]
    pub case_id: Option<CaseId>,
    /// What happened.
    pub kind: AuditRecordKind,
    /// SHA-256 (hex) of the previous record's hash and this record's canonical bytes.
    pub hash: String,
}

/// Kinds of audit records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuditRecordKind {
    /// A workstation event, with the workstation's time.
    Client {
        /// The event.
        event: AuditEventKind,
        /// When it happened on the workstation.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A case came in.
    CaseCreated,
    /// A lease was granted.
    LeaseGranted,
    /// A lease was released by its holder.
    LeaseReleased,
    /// A decision was recorded.
    DecisionRecorded {
        /// Decision number.
        decision_id: i64,
        /// Outcome code (`approve`, `reject`, ...).
        outcome: String,
    },
    /// A supervisor gave a verdict.
    VerdictGiven {
        /// Decision judged.
        decision_id: i64,
        /// `agree` or `overturn`.
        verdict: String,
    },
    /// The hub served a media object to a supervisor auditing the case.
    MediaAudited {
        /// Which one.
        #[schema(value_type = String)]
        media_id: MediaId,
    },
    /// Retention purged the case's media and personal fields.
    CasePurged,
    /// An account signed in (the actor).
    SignedIn,
    /// A sign-in was refused: wrong credentials, or a disabled account. `target` is the
    /// account when the name exists (never the name itself).
    SignInFailed {
        /// The account tried, if it exists.
        #[schema(value_type = Option<String>)]
        target: Option<UserId>,
    },
    /// Failed sign-ins reached the limit: the account is locked out for the limiter's window.
    SignInLockedOut {
        /// The account, if it exists.
        #[schema(value_type = Option<String>)]
        target: Option<UserId>,
    },
    /// The actor ended their session.
    SignedOut,
    /// The actor changed their own password.
    PasswordChanged,
    /// An administrator (the actor; none for the command line) set a new password.
    PasswordReset {
        /// The account.
        #[schema(value_type = String)]
        target: UserId,
    },
    /// The hub released a vault's recovery key to its account (the actor).
    RecoveryKeyReleased {
        /// The vault (an opaque random id made by the workstation).
        vault_id: String,
    },
    /// An administrator (the actor; none for the command line) created an account.
    AccountCreated {
        /// The new account.
        #[schema(value_type = String)]
        target: UserId,
        /// Its role.
        role: crate::Role,
    },
    /// An administrator disabled (`disabled: true`) or enabled an account.
    AccountDisabledChanged {
        /// The account.
        #[schema(value_type = String)]
        target: UserId,
        /// The new state.
        disabled: bool,
    },
}

/// Result of verifying the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditVerifyReport {
    /// Records checked.
    pub records: i64,
    /// Whether every link holds.
    pub intact: bool,
    /// The first record whose hash does not match (absent when intact).
    pub first_broken_seq: Option<i64>,
}
