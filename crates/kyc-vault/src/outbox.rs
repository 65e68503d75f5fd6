//! The outbox: decisions and audit events waiting to be pushed to the hub.

use std::fmt;

use kyc_model::{CaseId, Decision};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The key the hub uses to apply an outbox entry at most once. Made when the entry is
/// recorded, so every retry of the same decision carries the same key. 128 random bits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub(crate) fn random() -> IdempotencyKey {
        IdempotencyKey(format!("k{}", kyc_model::ids::random_token()))
    }

    pub(crate) fn from_stored(s: String) -> IdempotencyKey {
        IdempotencyKey(s)
    }

    /// The key as text, for the `Idempotency-Key` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

/// Something a reviewer did that the hub's audit chain must record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum AuditAction {
    /// The reviewer opened the case.
    CaseOpened,
    /// The reviewer revealed a masked field, giving a reason.
    FieldRevealed {
        /// Which field (a field name such as `id_number`, never its value).
        field: String,
        /// Why, as typed by the reviewer (sealed at rest like everything typed).
        reason: String,
    },
    /// The reviewer discarded an unpushed decision with a typed confirmation.
    DecisionDiscarded,
}

/// One local audit event. Sealed at rest: reasons are typed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// The case concerned, if any.
    pub case_id: Option<CaseId>,
    /// What happened.
    pub action: AuditAction,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What an outbox entry carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboxPayload {
    /// A reviewer's decision.
    Decision(Decision),
    /// A local audit event.
    Audit(AuditEvent),
}

impl OutboxPayload {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            OutboxPayload::Decision(_) => "decision",
            OutboxPayload::Audit(_) => "audit",
        }
    }
}

/// Where an outbox entry is in its push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Not yet sent.
    Pending,
    /// Sent at least once, no final answer yet (a retry must reuse the key).
    Sent,
    /// The hub answered conflict (kept until the reviewer dismisses the case).
    Conflict,
    /// The hub answered invalid (kept until the reviewer dismisses the case).
    Invalid,
}

impl OutboxStatus {
    pub(crate) fn code(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Conflict => "conflict",
            OutboxStatus::Invalid => "invalid",
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<OutboxStatus> {
        [OutboxStatus::Pending, OutboxStatus::Sent, OutboxStatus::Conflict, OutboxStatus::Invalid]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// One entry of the outbox, with its payload opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Position in the outbox: entries are pushed in this order.
    pub seq: i64,
    /// The idempotency key to send with it.
    pub key: IdempotencyKey,
    /// The case it concerns, if any.
    pub case_id: Option<CaseId>,
    /// When it was recorded (whole seconds).
    pub created_at: OffsetDateTime,
    /// Push status.
    pub status: OutboxStatus,
    /// The hub's reason, for `Conflict` and `Invalid`.
    pub detail: Option<String>,
    /// What to push.
    pub payload: OutboxPayload,
}

/// The hub's final answer to a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Applied now. A decided case is purged at once.
    Accepted,
    /// Already applied earlier under the same key. Treated like `Accepted`.
    Duplicate,
    /// The lease was lost or the case was decided elsewhere; shown to the reviewer.
    Conflict {
        /// The hub's reason code.
        reason: String,
    },
    /// The hub refused the entry as invalid.
    Invalid {
        /// The rule the hub says was broken.
        rule: String,
    },
}
