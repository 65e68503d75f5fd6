//! Pushing decisions, idempotently.

use kyc_model::{CaseState, Decision, DecisionError, IdError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Most decisions in one batch.
pub const MAX_DECISION_BATCH: usize = 100;

/// A client-chosen key that makes a decision push idempotent: the hub applies a key once.
/// Same alphabet and length rules as the model's ids (`[A-Za-z0-9_-]{1,64}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

impl utoipa::PartialSchema for IdempotencyKey {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        kyc_model::schema::id_schema("a client-chosen key: 1 to 64 of A-Z a-z 0-9 _ -")
    }
}

impl utoipa::ToSchema for IdempotencyKey {}

impl IdempotencyKey {
    /// Parses a key.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        kyc_model::ids::validate_id(s)?;
        Ok(Self(s.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        kyc_model::ids::validate_id(&s)?;
        Ok(Self(s))
    }
}

impl From<IdempotencyKey> for String {
    fn from(k: IdempotencyKey) -> String {
        k.0
    }
}

/// `POST /api/v1/decisions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBatch {
    /// 1..=[`MAX_DECISION_BATCH`] items, applied in order, each on its own.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<DecisionItem>,
}

/// One decision to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionItem {
    /// Applied once, however often it is sent.
    pub idempotency_key: IdempotencyKey,
    /// The decision (see `kyc_model::Decision`).
    pub decision: Decision,
}

/// One result per item, in the batch's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBatchResult {
    /// Results.
    pub results: Vec<DecisionResult>,
}

/// What became of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionResult {
    /// The item's key.
    pub key: IdempotencyKey,
    /// Its status.
    pub status: DecisionStatus,
}

/// The status of one pushed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DecisionStatus {
    /// Recorded now.
    Accepted {
        /// Hub-assigned decision number.
        decision_id: i64,
        /// The case's state after it (`decided`, `awaiting_confirmation`, or `open` after an
        /// escalation).
        case_state: CaseState,
        /// When the hub recorded it.
        #[serde(with = "time::serde::rfc3339")]
        recorded_at: OffsetDateTime,
    },
    /// This key was accepted before; nothing new was recorded. Carries the original result.
    Duplicate {
        /// The decision recorded the first time.
        decision_id: i64,
        /// The case's state recorded the first time.
        case_state: CaseState,
        /// When it was first recorded.
        #[serde(with = "time::serde::rfc3339")]
        recorded_at: OffsetDateTime,
    },
    /// Not recorded: the case's state does not allow it.
    Conflict {
        /// Why.
        reason: ConflictReason,
    },
    /// Not recorded: the decision breaks a rule.
    Invalid {
        /// The rule broken (`kyc_model::DecisionError`), flattened: `"rule": "no_reason"`.
        #[serde(flatten)]
        #[schema(value_type = Object)]
        rule: DecisionError,
    },
}

impl DecisionStatus {
    /// What the workstation does with its copy of the case: `accepted` and `duplicate` mean
    /// the hub holds the decision (purge it locally), `conflict` is shown to the reviewer,
    /// `invalid` fails.
    pub fn local_event(&self) -> kyc_model::LocalEvent {
        match self {
            DecisionStatus::Accepted { .. } | DecisionStatus::Duplicate { .. } => {
                kyc_model::LocalEvent::Accepted
            }
            DecisionStatus::Conflict { .. } => kyc_model::LocalEvent::Conflict,
            DecisionStatus::Invalid { .. } => kyc_model::LocalEvent::Fail,
        }
    }
}

/// Why a decision could not be applied. Shown to the reviewer, never dropped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictReason {
    /// The caller's lease ran out (and the case may have gone to someone else).
    LeaseExpired,
    /// The caller never held, or released, the lease on this case.
    NotLeaseHolder,
    /// Someone already decided the case.
    AlreadyDecided,
    /// The case's data was purged.
    CasePurged,
    /// No such case.
    UnknownCase,
    /// The key was used before for a different decision.
    KeyReused,
    /// The case's media were confirmed unusable: it waits for an administrator.
    NeedsAttention,
}

impl ConflictReason {
    /// Stable code, as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            ConflictReason::LeaseExpired => "lease_expired",
            ConflictReason::NotLeaseHolder => "not_lease_holder",
            ConflictReason::AlreadyDecided => "already_decided",
            ConflictReason::CasePurged => "case_purged",
            ConflictReason::UnknownCase => "unknown_case",
            ConflictReason::KeyReused => "key_reused",
            ConflictReason::NeedsAttention => "needs_attention",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_have_a_flat_wire_form_and_round_trip() {
        let cases = [
            (
                DecisionStatus::Invalid { rule: DecisionError::NoReason },
                r#"{"status":"invalid","rule":"no_reason"}"#,
            ),
            (
                DecisionStatus::Conflict { reason: ConflictReason::LeaseExpired },
                r#"{"status":"conflict","reason":"lease_expired"}"#,
            ),
        ];
        for (status, json) in cases {
            assert_eq!(serde_json::to_string(&status).unwrap(), json);
            assert_eq!(serde_json::from_str::<DecisionStatus>(json).unwrap(), status);
        }
        let accepted = DecisionStatus::Accepted {
            decision_id: 7,
            case_state: CaseState::Decided,
            recorded_at: OffsetDateTime::UNIX_EPOCH,
        };
        let json = serde_json::to_string(&accepted).unwrap();
        assert_eq!(serde_json::from_str::<DecisionStatus>(&json).unwrap(), accepted);
    }

    #[test]
    fn statuses_map_to_the_workstation_state_machine() {
        use kyc_model::LocalState;
        let at = OffsetDateTime::UNIX_EPOCH;
        let table = [
            (
                DecisionStatus::Accepted {
                    decision_id: 1,
                    case_state: CaseState::Decided,
                    recorded_at: at,
                },
                LocalState::Accepted,
            ),
            (
                DecisionStatus::Duplicate {
                    decision_id: 1,
                    case_state: CaseState::Decided,
                    recorded_at: at,
                },
                LocalState::Accepted,
            ),
            (
                DecisionStatus::Conflict { reason: ConflictReason::LeaseExpired },
                LocalState::Conflict,
            ),
            (DecisionStatus::Invalid { rule: DecisionError::NoReason }, LocalState::Failed),
        ];
        for (status, after) in table {
            assert_eq!(LocalState::Decided.next(status.local_event()), Ok(after), "{status:?}");
        }
    }

    #[test]
    fn keys_are_validated_like_ids() {
        for bad in ["", "../x", "a b", &"k".repeat(65)] {
            assert!(serde_json::from_str::<IdempotencyKey>(&format!("{bad:?}")).is_err(), "{bad}");
        }
        assert_eq!(IdempotencyKey::parse("k-1_a").unwrap().as_str(), "k-1_a");
    }

    #[test]
    fn batches_refuse_unknown_fields() {
        let json = r#"{"items":[],"extra":1}"#;
        assert!(serde_json::from_str::<DecisionBatch>(json).is_err());
    }
}
