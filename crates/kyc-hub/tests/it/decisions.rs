//! Decisions: idempotent per key, validated, conflicts reported.

use kyc_model::{DecisionError, Outcome, ReasonCode};
use kyc_proto::{ConflictReason, DecisionPage, DecisionStatus, routes};
use reqwest::Method;

use crate::support::*;

#[tokio::test]
async fn the_same_key_twice_gives_one_decision_and_the_original_result() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 1, 31).await;
    let a = hub.login(REVIEWER_A).await;
    let case = hub.lease(&a, 1).await.cases.remove(0).case;
    let decision =
        item("key-1", &case, Outcome::Reject { reasons: vec![ReasonCode::DocumentExpired] });
    let first = hub.decide(&a, vec![decision.clone()]).await;
    let DecisionStatus::Accepted { decision_id, case_state, recorded_at } =
        first.results[0].status.clone()
    else {
        panic!("{:?}", first.results[0]);
    };
    assert_eq!(case_state, kyc_model::CaseState::Decided);
    // A retry (the push timed out on the client) and a retry within one batch.
    let again = hub.decide(&a, vec![decision.clone(), decision.clone()]).await;
    for r in &again.results {
        assert_eq!(r.status, DecisionStatus::Duplicate { decision_id, case_state, recorded_at });
    }
    let supervisor = hub.login(SUPERVISOR).await;
    let page: DecisionPage = hub
        .call(Method::GET, routes::SUPERVISOR_DECISIONS, Some(&supervisor), None::<&()>)
        .await
        .json();
    assert_eq!(page.total, 1);
    // Another key for the decided case is a conflict, and so is the same key for something else.
    let other = hub.decide(&a, vec![item("key-2", &case, Outcome::Approve)]).await;
    assert_eq!(
        other.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::AlreadyDecided }
    );
    let reused = hub.decide(&a, vec![item("key-1", &case, Outcome::Approve)]).await;
    assert_eq!(
        reused.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::KeyReused }
    );
}

#[tokio::test]
async fn decisions_breaking_a_rule_are_invalid_with_the_rule_and_leave_the_lease() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 1, 32).await;
    let a = hub.login(REVIEWER_A).await;
    let case = hub.lease(&a, 1).await.cases.remove(0).case;
    let table = [
        (Outcome::Reject { reasons: vec![] }, DecisionError::NoReason),
        (Outcome::Reject { reasons: vec![ReasonCode::Other] }, DecisionError::OtherNeedsNote),
        (
            Outcome::RequestResubmission { documents: vec![], reasons: vec![] },
            DecisionError::NoDocument,
        ),
    ];
    for (i, (outcome, rule)) in table.into_iter().enumerate() {
        let r = hub.decide(&a, vec![item(&format!("bad-{i}"), &case, outcome)]).await;
        assert_eq!(r.results[0].status, DecisionStatus::Invalid { rule });
    }
    // The lease is still held: a valid decision goes through.
    let ok = hub.decide(&a, vec![item("good", &case, Outcome::Approve)]).await;
    assert!(matches!(ok.results[0].status, DecisionStatus::Accepted { .. }));
}

#[tokio::test]
async fn unknown_cases_and_oversized_batches() {
    let hub = TestHub::start().await;
    let a = hub.login(REVIEWER_A).await;
    let ghost = make_cases(1, 33).remove(0).case;
    let r = hub.decide(&a, vec![item("ghost", &ghost, Outcome::Escalate)]).await;
    assert_eq!(
        r.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::UnknownCase }
    );
    let many: Vec<_> =
        (0..101).map(|i| item(&format!("k{i}"), &ghost, Outcome::Escalate)).collect();
    hub.call(
        Method::POST,
        routes::DECISIONS,
        Some(&a),
        Some(&kyc_proto::DecisionBatch { items: many }),
    )
    .await
    .expect_error(400, "invalid");
    hub.call(
        Method::POST,
        routes::DECISIONS,
        Some(&a),
        Some(&kyc_proto::DecisionBatch { items: vec![] }),
    )
    .await
    .expect_error(400, "invalid");
}
