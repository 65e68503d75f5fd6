//! Audit events from clients, and the hub's hash-chained audit records.

use kyc_model::{CaseId, MediaId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::decision::IdempotencyKey;

/// Longest free text (a reveal reason, a field name) accepted in an audit event.
pub const MAX_AUDIT_TEXT_CHARS: usize = 200;

/// Most events in one audit batch.
pub const MAX_AUDIT_BATCH: usize = 500;

/// `POST /api/v1/audit/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditBatch {
    /// Events in the order they happened, 1..=[`MAX_AUDIT_BATCH`].
    #[schema(min_items = 1, max_items = 500)]
    pub events: Vec<AuditEventIn>,
}

/// One thing a reviewer or supervisor did on a workstation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEventIn {
    /// Applied once per account, however often it is sent: the workstation makes it when it
    /// records the event and every retry reuses it.
    pub idempotency_key: IdempotencyKey,
    /// The case concerned.
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
        #[schema(pattern = "^[a-z0-9_.]{1,64}$")]
        field: String,
        /// The reason the reviewer gave: 1 to 200 characters, not only white space. Required
        /// in a client's event; the hub keeps it sealed outside the chain (see
        /// [`AuditRecord::detail_digest`]), so in a record it is empty once retention has
        /// purged it (so the schema cannot require a non-blank value; the hub answers 400
        /// `text_length` for a blank one in an event).
        #[schema(max_length = 200)]
        reason: String,
    },
    /// A media object was displayed.
    MediaViewed {
        /// Which one.
        media_id: MediaId,
    },
    /// Pending decisions were discarded offline, after a typed confirmation.
    DecisionsDiscarded {
        /// How many.
        #[schema(maximum = 4294967295_u32)]
        count: u32,
    },
}

/// What became of a batch of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditAck {
    /// Number of events appended now.
    pub appended: u32,
    /// Number of events the hub had appended before under the same key (a retry).
    pub duplicates: u32,
    /// One result per event, in the batch's order.
    pub results: Vec<AuditEventResult>,
}

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEventResult {
    /// The event's idempotency key.
    pub key: IdempotencyKey,
    /// Appended, duplicate, or refused.
    pub status: AuditEventStatus,
    /// Position of the event's record in the chain (absent when refused).
    pub seq: Option<i64>,
}

/// Outcome of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditEventStatus {
    /// Appended now.
    Appended,
    /// Appended before under this key (same case, kind and time): nothing added.
    Duplicate,
    /// The key was used before by this account for a different event: nothing added, and
    /// retrying cannot change that.
    KeyReused,
}

impl AuditEventStatus {
    /// Stable code, as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            AuditEventStatus::Appended => "appended",
            AuditEventStatus::Duplicate => "duplicate",
            AuditEventStatus::KeyReused => "key_reused",
        }
    }
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
    pub actor: Option<UserId>,
    /// The case concerned.
    pub case_id: Option<CaseId>,
    /// What happened. Free text (a reveal reason) is filled in from the sealed detail
    /// while it exists; the chain covers the record without it.
    pub kind: AuditRecordKind,
    /// SHA-256 (hex) of the sealed detail holding the record's free text, when it has any.
    /// The chain covers this digest, not the text, so purging the detail breaks no link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_digest: Option<String>,
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
        /// For an overturn: `correct` or `requeue` (absent in records from before overturns
        /// had actions).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<String>,
        /// For an overturn with a correction: the new decision, which supersedes the judged
        /// one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        correction_id: Option<i64>,
    },
    /// The hub served a media object to a supervisor auditing the case.
    MediaAudited {
        /// Which one.
        media_id: MediaId,
    },
    /// Retention purged the case's media and personal fields.
    CasePurged,
    /// A lease holder reported a media object unusable and the hub's own check confirmed it:
    /// the case left the queue for an administrator.
    MediaProblemConfirmed {
        /// Which media object.
        #[schema(value_type = String)]
        media_id: MediaId,
        /// What the workstation reported.
        reported: crate::MediaProblemCode,
        /// The rule the hub's check found broken.
        rule: String,
    },
    /// A lease holder reported a media object unusable but the hub's own check passed it:
    /// nothing changed.
    MediaProblemRefuted {
        /// Which media object.
        #[schema(value_type = String)]
        media_id: MediaId,
        /// What the workstation reported.
        reported: crate::MediaProblemCode,
    },
    /// A supervisor opened the case's history and payload.
    CaseAudited,
    /// An administrator changed the policy. Policy field names and values are not personal.
    PolicyChanged {
        /// Each changed field, in the policy's field order.
        changes: Vec<PolicyFieldChange>,
    },
    /// The one-time migration to schema 2 moved free text out of the chain into sealed
    /// details and rehashed the records from the first one it changed. It verified the old
    /// chain first; its old head is kept here, so a head published before still matches.
    ChainMigrated {
        /// Last record of the old chain.
        old_head_seq: i64,
        /// Its hash in the old chain.
        old_head_hash: String,
        /// Records whose free text moved into sealed details.
        rewritten: u32,
    },
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
    /// An administrator changed an account's role.
    AccountRoleChanged {
        /// The account.
        #[schema(value_type = String)]
        target: UserId,
        /// Its role before.
        from: crate::Role,
        /// Its role now.
        to: crate::Role,
    },
    /// A supervisor drew a QA review list.
    SampleCreated {
        /// The list.
        sample_id: String,
        /// Decisions drawn.
        size: u64,
    },
    /// An administrator resolved a case that needed attention.
    AttentionResolved {
        /// `return_to_queue` or `close_unusable`.
        action: String,
    },
}

/// One changed policy field, values as compact JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyFieldChange {
    /// The field's name (`lease_secs`, `retention_days`, `four_eyes_outcomes`).
    pub field: String,
    /// Its value before.
    pub from: String,
    /// Its value after.
    pub to: String,
}

/// A position in the chain: a record's `seq` and `hash`. A client keeps the last head it saw
/// (or exports it for safekeeping) and later asks the hub whether the chain still extends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChainHead {
    /// Position, from 1.
    pub seq: i64,
    /// SHA-256 (hex) of the record, as in [`AuditRecord::hash`].
    pub hash: String,
}

/// Query string of `GET /api/v1/audit/verify`: optionally an earlier head to check against.
/// Both or neither.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditVerifyQuery {
    /// `seq` of a head seen earlier.
    #[param(minimum = 1, maximum = 9223372036854775807_i64)]
    pub since_seq: Option<i64>,
    /// Its hash (64 lowercase hex digits).
    #[param(pattern = "^[0-9a-f]{64}$")]
    pub since_hash: Option<String>,
}

/// Whether the current chain extends an earlier head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnchorCheck {
    /// The record at the head's `seq` has the head's hash and every link up to it holds:
    /// nothing before the head was changed, and the chain only grew.
    Extends,
    /// The record at the head's `seq` has another hash, or a link up to it is broken: the
    /// chain was rewritten.
    Rewritten,
    /// The chain is shorter than the head's `seq`: its tail was cut off.
    Truncated,
}

/// Result of verifying the chain. The CLI (`kyc-hub audit verify`) prints the same report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditVerifyReport {
    /// Records checked.
    pub records: i64,
    /// Whether every link holds.
    pub intact: bool,
    /// The first record whose hash does not match (absent when intact).
    pub first_broken_seq: Option<i64>,
    /// The chain is verified through this record: every link from the first record to it
    /// holds (0 when none does, or the chain is empty).
    #[serde(default)]
    pub verified_through: i64,
    /// The chain's last record (absent when empty), to remember or export.
    #[serde(default)]
    pub head: Option<ChainHead>,
    /// When the query named an earlier head: whether this chain extends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<AnchorCheck>,
}
