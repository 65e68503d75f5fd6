//! Leases: exclusive under concurrency, expiring, renewable, releasable.

use std::collections::HashSet;

use kyc_model::Outcome;
use kyc_proto::{
    ConflictReason, DecisionStatus, LeaseGrant, LeaseRequest, ReleaseRequest, ReleaseResponse,
    RenewRequest, RenewResponse, routes,
};
use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn fifty_concurrent_lease_calls_never_grant_a_case_twice() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 60, 21).await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let mut calls = Vec::new();
    for i in 0..50 {
        let token = if i % 2 == 0 { a.clone() } else { b.clone() };
        let client = hub.client.clone();
        let url = format!("{}{}", hub.base, routes::LEASES);
        calls.push(tokio::spawn(async move {
            let resp = client
                .post(url)
                .bearer_auth(token)
                .json(&LeaseRequest { max_cases: 2, kind: None, offline: false })
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            resp.json::<LeaseGrant>().await.unwrap()
        }));
    }
    let mut granted = Vec::new();
    for call in calls {
        granted.extend(call.await.unwrap().cases.into_iter().map(|c| c.case.id));
    }
    let unique: HashSet<_> = granted.iter().cloned().collect();
    assert_eq!(unique.len(), granted.len(), "a case was granted twice");
    // 50 calls × 2 = 100 asked for, 60 exist: every case is granted exactly once.
    assert_eq!(granted.len(), cases.len());
    assert!(hub.lease(&a, 5).await.cases.is_empty());
}

#[tokio::test]
async fn an_expired_lease_gives_conflict_and_the_case_goes_to_the_next_reviewer() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 1, 22).await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let grant = hub.lease(&a, 1).await;
    let case = grant.cases[0].case.clone();
    // Time passes: the lease ran out.
    hub.sql("UPDATE cases SET lease_expires_at = 0");
    hub.call(Method::GET, &routes::media(&grant.cases[0].media[0].id), Some(&a), None::<&()>)
        .await
        .expect_error(403, "forbidden");
    let renew: RenewResponse = hub
        .call(
            Method::POST,
            routes::LEASES_RENEW,
            Some(&a),
            Some(&RenewRequest { case_ids: vec![case.id.clone()] }),
        )
        .await
        .json();
    assert_eq!(renew.lost, vec![case.id.clone()]);
    let result = hub.decide(&a, vec![item("late-1", &case, Outcome::Escalate)]).await;
    assert_eq!(
        result.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::LeaseExpired }
    );
    let b_grant = hub.lease(&b, 1).await;
    assert_eq!(b_grant.cases[0].case.id, case.id, "an expired lease is granted again");
    let result = hub.decide(&a, vec![item("late-2", &case, Outcome::Escalate)]).await;
    assert_eq!(
        result.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::LeaseExpired }
    );
}

#[tokio::test]
async fn renew_extends_and_release_gives_back() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 2, 23).await;
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 2).await;
    let ids: Vec<_> = grant.cases.iter().map(|c| c.case.id.clone()).collect();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let renew: RenewResponse = hub
        .call(
            Method::POST,
            routes::LEASES_RENEW,
            Some(&a),
            Some(&RenewRequest { case_ids: ids.clone() }),
        )
        .await
        .json();
    assert_eq!(renew.renewed.len(), 2);
    assert!(renew.renewed[0].lease_expires_at > grant.cases[0].lease_expires_at);
    let release: ReleaseResponse = hub
        .call(
            Method::POST,
            routes::LEASES_RELEASE,
            Some(&a),
            Some(&ReleaseRequest { case_ids: vec![ids[0].clone()] }),
        )
        .await
        .json();
    assert_eq!(release.released, vec![ids[0].clone()]);
    let again = hub.lease(&a, 5).await;
    assert_eq!(again.cases.len(), 1);
    assert_eq!(again.cases[0].case.id, ids[0]);
}

#[tokio::test]
async fn lease_filters_by_kind_and_orders_high_priority_first() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 10, 24).await;
    let a = hub.login(REVIEWER_A).await;
    let kind = kyc_model::CaseKind::EnterpriseCertificate;
    let a1 = hub
        .call(
            Method::POST,
            routes::LEASES,
            Some(&a),
            Some(&LeaseRequest { max_cases: 50, kind: Some(kind), offline: false }),
        )
        .await;
    let grant: LeaseGrant = a1.json();
    let expected = cases.iter().filter(|c| c.case.kind == kind).count();
    assert_eq!(grant.cases.len(), expected);
    assert!(grant.cases.iter().all(|c| c.case.kind == kind));
    let rest = hub.lease(&a, 50).await;
    let priorities: Vec<_> = rest.cases.iter().map(|c| c.case.priority).collect();
    let mut sorted = priorities.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(priorities, sorted, "high priority first");
}
