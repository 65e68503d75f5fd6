//! The case state machines: one for the case on the hub, one for its copy on a workstation.
//! Every transition not listed is a typed [`TransitionError`], never a silent no-op.

use serde::{Deserialize, Serialize};

/// A case's state on the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Waiting for a reviewer.
    Open,
    /// Leased to exactly one reviewer until the lease expires.
    Leased,
    /// Decided, but policy wants a second reviewer to confirm the outcome (four eyes).
    AwaitingConfirmation,
    /// Decided for good.
    Decided,
    /// Media and personal fields deleted after the retention period; the decision and audit
    /// records stay, pseudonymous.
    Purged,
    /// Out of the queue for an administrator: a workstation reported the case's media unusable
    /// and the hub's own check of the stored bytes confirmed it. Never leased again unless an
    /// administrator returns it to the queue.
    NeedsAttention,
    /// A reviewer escalated it: it waits in the supervisors' queue (never leased to reviewers)
    /// until a supervisor decides it.
    Escalated,
    /// An administrator closed it as unusable (from `needs_attention`): final, no decision.
    ClosedUnusable,
    /// Marked for blind double review: two review slots, each leased and decided on its own
    /// by a different reviewer (the case itself is never leased). It stays here until both
    /// slots are decided; every reviewer-facing answer about it says only this state.
    DoubleReview,
    /// Both slots of a double review were decided with different outcomes: it waits in the
    /// supervisors' list of disputes until a supervisor resolves it.
    Disputed,
}

/// What happens to a case on the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseEvent {
    /// A reviewer takes a lease.
    Lease,
    /// The lease is released by the reviewer or expires.
    ReleaseLease,
    /// The lease holder decides. `needs_confirmation` comes from the four-eyes policy;
    /// escalations go to the supervisors' queue.
    Decide {
        /// Whether a second reviewer must confirm.
        needs_confirmation: bool,
        /// Whether the outcome is an escalation.
        escalated: bool,
    },
    /// A second reviewer confirms the first outcome.
    Confirm,
    /// A supervisor overturns the decision and policy sends the case back to the queue (from
    /// awaiting confirmation, or from decided).
    Reopen,
    /// A supervisor overturns the decision with a corrected outcome of their own, which
    /// supersedes it (from awaiting confirmation, or from decided).
    Correct,
    /// A supervisor decides an escalated case.
    SupervisorDecide,
    /// An administrator puts a case that needs attention back into the queue.
    ReturnToQueue,
    /// An administrator closes a case that needs attention as unusable.
    CloseUnusable,
    /// Retention ends.
    Purge,
    /// The hub confirmed the lease holder's report that the case's media are unusable.
    ConfirmUnusable,
    /// The two slots of a double review were decided with different outcomes. (When they
    /// agree, the second slot's decision is a `Decide`.)
    Disagree,
    /// An administrator puts a double-review case that needs attention back to its slots.
    ReturnToDoubleReview,
}

/// A transition the state machine does not allow. Names states, never case content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{event} is not allowed in state {state}")]
pub struct TransitionError {
    /// The state the case was in.
    pub state: &'static str,
    /// The event that was refused.
    pub event: &'static str,
}

impl CaseState {
    /// Stable code, as stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Leased => "leased",
            CaseState::AwaitingConfirmation => "awaiting_confirmation",
            CaseState::Decided => "decided",
            CaseState::Purged => "purged",
            CaseState::NeedsAttention => "needs_attention",
            CaseState::Escalated => "escalated",
            CaseState::ClosedUnusable => "closed_unusable",
            CaseState::DoubleReview => "double_review",
            CaseState::Disputed => "disputed",
        }
    }

    /// Every state, in a stable order.
    pub const ALL: [CaseState; 10] = [
        CaseState::Open,
        CaseState::Leased,
        CaseState::AwaitingConfirmation,
        CaseState::Decided,
        CaseState::Purged,
        CaseState::NeedsAttention,
        CaseState::Escalated,
        CaseState::ClosedUnusable,
        CaseState::DoubleReview,
        CaseState::Disputed,
    ];

    /// The state for a stored code.
    pub fn from_code(code: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The state after `event`, or why the event is refused.
    pub fn next(self, event: CaseEvent) -> Result<CaseState, TransitionError> {
        use CaseEvent as E;
        use CaseState as S;
        let next = match (self, event) {
            (S::Open, E::Lease) => S::Leased,
            (S::Leased, E::ReleaseLease) => S::Open,
            (S::Leased, E::Decide { escalated: true, .. }) => S::Escalated,
            (S::Leased, E::Decide { needs_confirmation: true, .. }) => S::AwaitingConfirmation,
            (S::Leased, E::Decide { needs_confirmation: false, .. }) => S::Decided,
            (S::AwaitingConfirmation, E::Confirm) => S::Decided,
            (S::AwaitingConfirmation | S::Decided, E::Reopen) => S::Open,
            (S::AwaitingConfirmation | S::Decided, E::Correct) => S::Decided,
            (S::Escalated, E::SupervisorDecide) => S::Decided,
            (S::Decided | S::ClosedUnusable, E::Purge) => S::Purged,
            (S::Leased, E::ConfirmUnusable) => S::NeedsAttention,
            (S::NeedsAttention, E::ReturnToQueue) => S::Open,
            (S::NeedsAttention, E::CloseUnusable) => S::ClosedUnusable,
            // Double review: the slots' agreement decides like one reviewer's decision.
            (S::DoubleReview, E::Decide { escalated: true, .. }) => S::Escalated,
            (S::DoubleReview, E::Decide { needs_confirmation: true, .. }) => {
                S::AwaitingConfirmation
            }
            (S::DoubleReview, E::Decide { needs_confirmation: false, .. }) => S::Decided,
            (S::DoubleReview, E::Disagree) => S::Disputed,
            (S::Disputed, E::SupervisorDecide) => S::Decided,
            (S::DoubleReview, E::ConfirmUnusable) => S::NeedsAttention,
            (S::NeedsAttention, E::ReturnToDoubleReview) => S::DoubleReview,
            _ => return Err(TransitionError { state: self.code(), event: event.code() }),
        };
        Ok(next)
    }
}

impl CaseEvent {
    /// Stable code, for errors and audit records.
    pub fn code(self) -> &'static str {
        match self {
            CaseEvent::Lease => "lease",
            CaseEvent::ReleaseLease => "release_lease",
            CaseEvent::Decide { .. } => "decide",
            CaseEvent::Confirm => "confirm",
            CaseEvent::Reopen => "reopen",
            CaseEvent::Correct => "correct",
            CaseEvent::SupervisorDecide => "supervisor_decide",
            CaseEvent::ReturnToQueue => "return_to_queue",
            CaseEvent::CloseUnusable => "close_unusable",
            CaseEvent::Purge => "purge",
            CaseEvent::ConfirmUnusable => "confirm_unusable",
            CaseEvent::Disagree => "disagree",
            CaseEvent::ReturnToDoubleReview => "return_to_double_review",
        }
    }
}

/// A case's state in a workstation's vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalState {
    /// All payload and media are in the vault; the reviewer can work on it, offline too.
    Ready,
    /// Decided; the decision waits in the outbox to be pushed.
    Decided,
    /// The hub refused the decision because the lease was lost or the case was decided
    /// elsewhere. Shown to the reviewer, never dropped silently.
    Conflict,
    /// The hub found the decision invalid, or the case's media failed verification.
    Failed,
    /// The hub accepted the decision: the case is purged from the vault at once.
    Accepted,
    /// Gone from the workstation without a decision (lease released, conflict acknowledged).
    Dismissed,
}

/// What happens to a case on a workstation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalEvent {
    /// The reviewer records a decision.
    Decide,
    /// The hub answered `accepted` or `duplicate`.
    Accepted,
    /// The hub answered `conflict`.
    Conflict,
    /// The hub answered `invalid`, or the case could not be made ready.
    Fail,
    /// The reviewer acknowledges a conflict or failure, or the lease is released undecided.
    Dismiss,
}

impl LocalState {
    /// Stable code, as stored in the vault's plain state column.
    pub fn code(self) -> &'static str {
        match self {
            LocalState::Ready => "ready",
            LocalState::Decided => "decided",
            LocalState::Conflict => "conflict",
            LocalState::Failed => "failed",
            LocalState::Accepted => "accepted",
            LocalState::Dismissed => "dismissed",
        }
    }

    /// The state for a stored code.
    pub fn from_code(code: &str) -> Option<LocalState> {
        [
            LocalState::Ready,
            LocalState::Decided,
            LocalState::Conflict,
            LocalState::Failed,
            LocalState::Accepted,
            LocalState::Dismissed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether the vault should delete the case's payload and media in this state.
    pub fn is_terminal(self) -> bool {
        matches!(self, LocalState::Accepted | LocalState::Dismissed)
    }

    /// The state after `event`, or why the event is refused.
    pub fn next(self, event: LocalEvent) -> Result<LocalState, TransitionError> {
        use LocalEvent as E;
        use LocalState as S;
        let next = match (self, event) {
            (S::Ready, E::Decide) => S::Decided,
            (S::Ready, E::Fail) => S::Failed,
            (S::Ready, E::Dismiss) => S::Dismissed,
            (S::Decided, E::Accepted) => S::Accepted,
            (S::Decided, E::Conflict) => S::Conflict,
            (S::Decided, E::Fail) => S::Failed,
            (S::Conflict | S::Failed, E::Dismiss) => S::Dismissed,
            _ => return Err(TransitionError { state: self.code(), event: event.code() }),
        };
        Ok(next)
    }
}

impl LocalEvent {
    /// Stable code, for errors.
    pub fn code(self) -> &'static str {
        match self {
            LocalEvent::Decide => "decide",
            LocalEvent::Accepted => "accepted",
            LocalEvent::Conflict => "conflict",
            LocalEvent::Fail => "fail",
            LocalEvent::Dismiss => "dismiss",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_lifecycle_with_four_eyes() {
        let s = CaseState::Open.next(CaseEvent::Lease).unwrap();
        let s = s.next(CaseEvent::Decide { needs_confirmation: true, escalated: false }).unwrap();
        assert_eq!(s, CaseState::AwaitingConfirmation);
        assert_eq!(s.next(CaseEvent::Confirm).unwrap(), CaseState::Decided);
        assert_eq!(s.next(CaseEvent::Reopen).unwrap(), CaseState::Open);
    }

    #[test]
    fn escalation_goes_to_supervisors_and_illegal_transitions_are_typed_errors() {
        let leased = CaseState::Leased;
        let ev = CaseEvent::Decide { needs_confirmation: false, escalated: true };
        let escalated = leased.next(ev).unwrap();
        assert_eq!(escalated, CaseState::Escalated);
        assert!(escalated.next(CaseEvent::Lease).is_err(), "never back to reviewers' leases");
        assert_eq!(escalated.next(CaseEvent::SupervisorDecide).unwrap(), CaseState::Decided);
        let err = CaseState::Open.next(CaseEvent::Confirm).unwrap_err();
        assert_eq!(err, TransitionError { state: "open", event: "confirm" });
        assert!(CaseState::Purged.next(CaseEvent::Lease).is_err());
        assert!(CaseState::Decided.next(CaseEvent::Lease).is_err());
    }

    #[test]
    fn overturns_and_administrators_move_cases_only_where_policy_allows() {
        for from in [CaseState::AwaitingConfirmation, CaseState::Decided] {
            assert_eq!(from.next(CaseEvent::Reopen).unwrap(), CaseState::Open);
            assert_eq!(from.next(CaseEvent::Correct).unwrap(), CaseState::Decided);
        }
        for from in [CaseState::Open, CaseState::Leased, CaseState::Purged, CaseState::Escalated] {
            assert!(from.next(CaseEvent::Correct).is_err(), "{from:?}");
        }
        let attention = CaseState::NeedsAttention;
        assert_eq!(attention.next(CaseEvent::ReturnToQueue).unwrap(), CaseState::Open);
        let closed = attention.next(CaseEvent::CloseUnusable).unwrap();
        assert_eq!(closed, CaseState::ClosedUnusable);
        assert!(closed.next(CaseEvent::ReturnToQueue).is_err(), "closing is final");
        assert_eq!(closed.next(CaseEvent::Purge).unwrap(), CaseState::Purged);
        for s in CaseState::ALL {
            assert_eq!(CaseState::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn a_confirmed_unusable_case_leaves_the_queue_for_good() {
        let s = CaseState::Leased.next(CaseEvent::ConfirmUnusable).unwrap();
        assert_eq!(s, CaseState::NeedsAttention);
        for event in [CaseEvent::Lease, CaseEvent::ReleaseLease, CaseEvent::ConfirmUnusable] {
            assert!(s.next(event).is_err(), "{event:?}");
        }
        assert!(CaseState::Open.next(CaseEvent::ConfirmUnusable).is_err(), "only a held lease");
    }

    #[test]
    fn a_double_review_ends_in_agreement_or_a_dispute_a_supervisor_resolves() {
        let s = CaseState::DoubleReview;
        assert!(s.next(CaseEvent::Lease).is_err(), "slots are leased, never the case");
        let agreed = CaseEvent::Decide { needs_confirmation: false, escalated: false };
        assert_eq!(s.next(agreed).unwrap(), CaseState::Decided);
        let four_eyes = CaseEvent::Decide { needs_confirmation: true, escalated: false };
        assert_eq!(s.next(four_eyes).unwrap(), CaseState::AwaitingConfirmation);
        let disputed = s.next(CaseEvent::Disagree).unwrap();
        assert_eq!(disputed, CaseState::Disputed);
        assert!(disputed.next(CaseEvent::Lease).is_err(), "never back to reviewers");
        assert_eq!(disputed.next(CaseEvent::SupervisorDecide).unwrap(), CaseState::Decided);
        let attention = s.next(CaseEvent::ConfirmUnusable).unwrap();
        assert_eq!(attention.next(CaseEvent::ReturnToDoubleReview).unwrap(), s);
        assert!(CaseState::Leased.next(CaseEvent::Disagree).is_err());
    }

    #[test]
    fn workstation_lifecycle() {
        let s = LocalState::Ready.next(LocalEvent::Decide).unwrap();
        assert_eq!(s, LocalState::Decided);
        assert!(s.next(LocalEvent::Decide).is_err(), "a decision cannot be recorded twice");
        assert!(s.next(LocalEvent::Accepted).unwrap().is_terminal());
        let c = s.next(LocalEvent::Conflict).unwrap();
        assert_eq!(c.next(LocalEvent::Dismiss).unwrap(), LocalState::Dismissed);
        assert!(LocalState::Ready.next(LocalEvent::Accepted).is_err());
        for s in [LocalState::Ready, LocalState::Decided, LocalState::Conflict] {
            assert_eq!(LocalState::from_code(s.code()), Some(s));
        }
    }
}
