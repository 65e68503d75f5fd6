//! Decisions, audit events and the outbox: ordering, outcomes, purge.

use kyc_model::LocalState;
use kyc_vault::{
    AuditAction, AuditEvent, OutboxPayload, OutboxStatus, PushOutcome, Variant, VaultError,
};

use crate::support::{decision_for, new_vault, put, sample};

fn state_of(vault: &kyc_vault::Vault, id: &kyc_model::CaseId) -> Option<LocalState> {
    vault.list_cases().unwrap().into_iter().find(|c| c.id == *id).map(|c| c.state)
}

#[test]
fn recording_a_decision_moves_the_case_and_queues_it_once() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    let decision = decision_for(&s.case, "blurred photo");
    let entry = t.vault.record_decision(&decision).unwrap();
    assert_eq!(entry.payload, OutboxPayload::Decision(decision.clone()));
    assert_eq!(state_of(&t.vault, &s.case.id), Some(LocalState::Decided));
    assert_eq!(t.vault.outbox().unwrap(), vec![entry.clone()]);
    // Deciding twice is refused by the state machine and queues nothing.
    assert!(matches!(t.vault.record_decision(&decision), Err(VaultError::Transition(_))));
    assert_eq!(t.vault.outbox().unwrap().len(), 1);
    // A case with a decision waiting cannot be purged (that would lose the decision).
    assert!(matches!(t.vault.purge_case(&s.case.id), Err(VaultError::DecisionPending(_))));
}

#[test]
fn invalid_decisions_are_refused_without_side_effects() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    let mut d = decision_for(&s.case, "x");
    d.outcome = kyc_model::Outcome::Reject { reasons: vec![] };
    assert!(matches!(t.vault.record_decision(&d), Err(VaultError::InvalidDecision(_))));
    assert_eq!(state_of(&t.vault, &s.case.id), Some(LocalState::Ready));
    assert!(t.vault.outbox().unwrap().is_empty());
}

#[test]
fn outbox_keeps_order_and_unique_keys_and_accepted_purges_at_once() {
    let t = new_vault();
    let a = sample(0);
    let b = sample(1);
    put(&t.vault, &a);
    put(&t.vault, &b);
    let event = AuditEvent {
        case_id: Some(a.case.id.clone()),
        action: AuditAction::FieldRevealed { field: "id_number".into(), reason: "check".into() },
        at: time::OffsetDateTime::now_utc(),
    };
    let e1 = t.vault.queue_audit_event(&event).unwrap();
    let e2 = t.vault.record_decision(&decision_for(&a.case, "n1")).unwrap();
    let e3 = t.vault.record_decision(&decision_for(&b.case, "n2")).unwrap();
    let listed = t.vault.outbox().unwrap();
    assert_eq!(
        listed.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
        [e1.key.clone(), e2.key.clone(), e3.key.clone()]
    );
    assert!(e1.key != e2.key && e2.key != e3.key);
    assert_eq!(listed[0].payload, OutboxPayload::Audit(event));

    t.vault.mark_sent(&e2.key).unwrap();
    assert_eq!(t.vault.outbox().unwrap()[1].status, OutboxStatus::Sent);
    t.vault.mark_outcome(&e2.key, PushOutcome::Accepted).unwrap();
    assert_eq!(state_of(&t.vault, &a.case.id), None, "accepted case purged at once");
    assert!(matches!(t.vault.case(&a.case.id), Err(VaultError::CaseNotFound(_))));
    assert!(matches!(
        t.vault.read_media(&a.media[0].0, Variant::Original),
        Err(VaultError::MediaNotFound { .. })
    ));
    t.vault.mark_outcome(&e3.key, PushOutcome::Duplicate).unwrap();
    assert_eq!(state_of(&t.vault, &b.case.id), None, "duplicate counts as accepted");
    // The audit event about the purged case is still waiting, untouched.
    assert_eq!(t.vault.outbox().unwrap().iter().map(|e| &e.key).collect::<Vec<_>>(), [&e1.key]);
    t.vault.mark_outcome(&e1.key, PushOutcome::Accepted).unwrap();
    assert!(t.vault.outbox().unwrap().is_empty());
    assert!(matches!(
        t.vault.mark_outcome(&e1.key, PushOutcome::Accepted),
        Err(VaultError::OutboxEntryNotFound)
    ));
    assert!(matches!(t.vault.mark_sent(&e1.key), Err(VaultError::OutboxEntryNotFound)));
}

#[test]
fn conflict_and_invalid_are_kept_until_dismissed() {
    let t = new_vault();
    let a = sample(0);
    let b = sample(1);
    put(&t.vault, &a);
    put(&t.vault, &b);
    let ea = t.vault.record_decision(&decision_for(&a.case, "n")).unwrap();
    let eb = t.vault.record_decision(&decision_for(&b.case, "n")).unwrap();
    t.vault.mark_outcome(&ea.key, PushOutcome::Conflict { reason: "lease_lost".into() }).unwrap();
    t.vault.mark_outcome(&eb.key, PushOutcome::Invalid { rule: "no_reason".into() }).unwrap();
    assert_eq!(state_of(&t.vault, &a.case.id), Some(LocalState::Conflict));
    assert_eq!(state_of(&t.vault, &b.case.id), Some(LocalState::Failed));
    assert!(t.vault.outbox().unwrap().is_empty());
    let settled = t.vault.settled_outbox().unwrap();
    assert_eq!(settled.len(), 2);
    assert_eq!(settled[0].status, OutboxStatus::Conflict);
    assert_eq!(settled[0].detail.as_deref(), Some("lease_lost"));
    assert_eq!(settled[1].detail.as_deref(), Some("no_reason"));
    t.vault.dismiss_case(&a.case.id).unwrap();
    t.vault.dismiss_case(&b.case.id).unwrap();
    assert!(t.vault.list_cases().unwrap().is_empty());
    assert!(t.vault.settled_outbox().unwrap().is_empty());
}
