//! A restart loses nothing committed.

use kyc_model::Outcome;
use kyc_proto::{DecisionPage, DecisionStatus, routes};
use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn a_restarted_hub_keeps_cases_leases_sessions_decisions_media_and_the_chain() {
    let mut hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 3, 61).await;
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 2).await;
    let decided = grant.cases[0].case.clone();
    let held = grant.cases[1].clone();
    let decision = item("restart-1", &decided, Outcome::Approve);
    let first = hub.decide(&a, vec![decision.clone()]).await;
    let DecisionStatus::Accepted { decision_id, .. } = first.results[0].status else { panic!() };

    hub.restart().await;

    // The session survives (tokens are stored hashed), the lease is still ours, media still
    // open under the same key, and the decision key is remembered.
    let media =
        hub.call(Method::GET, &routes::media(&held.media[0].id), Some(&a), None::<&()>).await;
    assert_eq!(media.status, StatusCode::OK);
    let again = hub.decide(&a, vec![decision]).await;
    assert!(
        matches!(again.results[0].status, DecisionStatus::Duplicate { decision_id: d, .. } if d == decision_id)
    );
    let rest = hub.lease(&a, 5).await;
    assert_eq!(rest.cases.len(), 1, "only the third case is still open");
    let s = hub.login(SUPERVISOR).await;
    let page: DecisionPage =
        hub.call(Method::GET, routes::SUPERVISOR_DECISIONS, Some(&s), None::<&()>).await.json();
    assert_eq!(page.total, 1);
    let report: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(report.intact);
    assert_eq!(
        report.records,
        3 + 3 + 1 + 5 + 3,
        "3 intakes, 3 lease grants, 1 decision; 5 accounts created at seeding, 3 sign-ins"
    );
}
