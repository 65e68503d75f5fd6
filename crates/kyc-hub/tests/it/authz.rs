//! Who may call what: every endpoint × role, and lease ownership between reviewers.

use kyc_model::{CaseId, Outcome};
use kyc_proto::{
    AuditBatch, AuditEventIn, AuditEventKind, ConflictReason, DecisionStatus, LeaseRequest, Policy,
    ReleaseRequest, ReleaseResponse, RenewRequest, RenewResponse, Role, routes,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

struct Endpoint {
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: &'static [Role],
}

#[tokio::test]
async fn every_endpoint_admits_exactly_its_roles() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 2, 11).await;
    let reviewer = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&reviewer, 2).await;
    let leased = &grant.cases[0];
    let media_path = routes::media(&leased.media[0].id);
    // The second case is decided: its evidence is for supervisors auditing, not reviewers.
    let decided = &grant.cases[1];
    hub.decide(
        &reviewer,
        vec![item(
            "authz-decided",
            &decided.case,
            Outcome::Reject { reasons: vec![kyc_model::ReasonCode::DocumentIllegible] },
        )],
    )
    .await;
    let decided_media = routes::media(&decided.media[0].id);
    let unknown_case = CaseId::parse("c_unknown").unwrap();
    let policy: Policy =
        hub.call(Method::GET, routes::ADMIN_POLICY, Some(&admin), None::<&()>).await.json();
    let event = AuditBatch {
        events: vec![AuditEventIn {
            idempotency_key: kyc_proto::IdempotencyKey::parse("authz-event").unwrap(),
            case_id: leased.case.id.clone(),
            kind: AuditEventKind::CaseOpened,
            at: time::OffsetDateTime::now_utc(),
        }],
    };
    let decision = item("authz-1", &cases[1].case, Outcome::Escalate);
    let decision = kyc_proto::DecisionItem {
        decision: kyc_model::Decision { case_id: unknown_case.clone(), ..decision.decision },
        ..decision
    };
    use Role::*;
    let fresh_intake =
        |n: u64| serde_json::to_value(intake_body(&make_cases(1, 1000 + n)[0])).unwrap();
    let endpoints = vec![
        Endpoint {
            method: Method::GET,
            path: routes::ME.into(),
            body: None,
            allowed: &[Reviewer, Supervisor, Admin, Service],
        },
        Endpoint {
            method: Method::POST,
            path: routes::INTAKE.into(),
            body: Some(fresh_intake(0)),
            allowed: &[Admin, Service],
        },
        Endpoint {
            method: Method::POST,
            path: routes::LEASES.into(),
            body: Some(
                serde_json::to_value(LeaseRequest {
                    max_cases: 1,
                    kind: Some(kyc_model::CaseKind::EnterpriseAccount),
                    offline: false,
                })
                .unwrap(),
            ),
            allowed: &[Reviewer],
        },
        Endpoint {
            method: Method::POST,
            path: routes::LEASES_RENEW.into(),
            body: Some(
                serde_json::to_value(RenewRequest { case_ids: vec![leased.case.id.clone()] })
                    .unwrap(),
            ),
            allowed: &[Reviewer],
        },
        Endpoint {
            method: Method::POST,
            path: routes::LEASES_RELEASE.into(),
            body: Some(
                serde_json::to_value(ReleaseRequest { case_ids: vec![unknown_case.clone()] })
                    .unwrap(),
            ),
            allowed: &[Reviewer],
        },
        Endpoint {
            method: Method::GET,
            path: media_path.clone(),
            body: None,
            allowed: &[Reviewer],
        },
        Endpoint { method: Method::GET, path: decided_media, body: None, allowed: &[Supervisor] },
        Endpoint {
            method: Method::POST,
            path: routes::DECISIONS.into(),
            body: Some(json!({ "items": [decision] })),
            allowed: &[Reviewer],
        },
        Endpoint {
            method: Method::POST,
            path: routes::AUDIT_EVENTS.into(),
            body: Some(serde_json::to_value(&event).unwrap()),
            allowed: &[Reviewer, Supervisor],
        },
        Endpoint {
            method: Method::GET,
            path: routes::AUDIT_VERIFY.into(),
            body: None,
            allowed: &[Supervisor, Admin],
        },
        Endpoint {
            method: Method::GET,
            path: routes::SUPERVISOR_DECISIONS.into(),
            body: None,
            allowed: &[Supervisor],
        },
        // A decided case is a supervisor's to open; a leased one is not (asserted below).
        Endpoint {
            method: Method::GET,
            path: routes::supervisor_case(&decided.case.id),
            body: None,
            allowed: &[Supervisor],
        },
        Endpoint {
            method: Method::GET,
            path: routes::supervisor_case(&leased.case.id),
            body: None,
            allowed: &[],
        },
        Endpoint {
            method: Method::POST,
            path: routes::SUPERVISOR_VERDICTS.into(),
            body: Some(json!({ "decision_id": 999_999, "verdict": "agree", "note": null })),
            allowed: &[Supervisor],
        },
        Endpoint {
            method: Method::GET,
            path: routes::SUPERVISOR_STATS.into(),
            body: None,
            allowed: &[Supervisor],
        },
        Endpoint {
            method: Method::GET,
            path: routes::ADMIN_USERS.into(),
            body: None,
            allowed: &[Admin],
        },
        Endpoint {
            method: Method::POST,
            path: routes::ADMIN_USERS.into(),
            body: Some(
                json!({ "username": "new-user", "role": "reviewer", "password": "long enough password" }),
            ),
            allowed: &[Admin],
        },
        Endpoint {
            method: Method::PATCH,
            path: routes::admin_user(&kyc_model::UserId::parse("u_nobody").unwrap()),
            body: Some(json!({ "disabled": false })),
            allowed: &[Admin],
        },
        Endpoint {
            method: Method::GET,
            path: routes::ADMIN_POLICY.into(),
            body: None,
            allowed: &[Admin],
        },
        Endpoint {
            method: Method::PUT,
            path: routes::ADMIN_POLICY.into(),
            body: Some(serde_json::to_value(&policy).unwrap()),
            allowed: &[Admin],
        },
        Endpoint {
            method: Method::POST,
            path: routes::ADMIN_PURGE.into(),
            body: None,
            allowed: &[Admin],
        },
        Endpoint {
            method: Method::GET,
            path: routes::ADMIN_EVENTS.into(),
            body: None,
            allowed: &[Admin],
        },
    ];
    let tokens = [
        (Reviewer, reviewer.clone()),
        (Supervisor, hub.login(SUPERVISOR).await),
        (Admin, admin.clone()),
        (Service, hub.login(SERVICE).await),
    ];
    for (i, ep) in endpoints.iter().enumerate() {
        // Without a token, nothing but the public endpoints answers.
        let anon = hub.call(ep.method.clone(), &ep.path, None, ep.body.as_ref()).await;
        anon.expect_error(401, "unauthorized");
        for (role, token) in &tokens {
            let mut body = ep.body.clone();
            if ep.path == routes::INTAKE {
                body = Some(fresh_intake(i as u64 * 10 + *role as u64 + 1));
            }
            let a = hub.call(ep.method.clone(), &ep.path, Some(token), body.as_ref()).await;
            let what = format!("{} {} as {role:?}: {}", ep.method, ep.path, a.status);
            if ep.allowed.contains(role) {
                assert!(
                    a.status.is_success() || a.status == StatusCode::NOT_FOUND,
                    "{what} {}",
                    String::from_utf8_lossy(&a.body)
                );
            } else {
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{what}");
                assert_eq!(a.error().code, kyc_proto::ErrorCode::Forbidden, "{what}");
            }
        }
    }
    for public in [routes::HEALTHZ, routes::OPENAPI] {
        assert_eq!(hub.call(Method::GET, public, None, None::<&()>).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn reviewer_b_gets_nothing_of_reviewer_a_cases() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 3, 12).await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let grant = hub.lease(&a, 1).await;
    let theirs = &grant.cases[0];

    // B's own lease never includes A's case.
    let b_grant = hub.lease(&b, 50).await;
    assert_eq!(b_grant.cases.len(), 2);
    assert!(b_grant.cases.iter().all(|c| c.case.id != theirs.case.id));

    for m in &theirs.media {
        hub.call(Method::GET, &routes::media(&m.id), Some(&b), None::<&()>)
            .await
            .expect_error(403, "forbidden");
    }
    let renew: RenewResponse = hub
        .call(
            Method::POST,
            routes::LEASES_RENEW,
            Some(&b),
            Some(&RenewRequest { case_ids: vec![theirs.case.id.clone()] }),
        )
        .await
        .json();
    assert_eq!(renew.lost, vec![theirs.case.id.clone()]);
    let release: ReleaseResponse = hub
        .call(
            Method::POST,
            routes::LEASES_RELEASE,
            Some(&b),
            Some(&ReleaseRequest { case_ids: vec![theirs.case.id.clone()] }),
        )
        .await
        .json();
    assert_eq!(release.not_held, vec![theirs.case.id.clone()]);
    let result = hub.decide(&b, vec![item("b-on-a", &theirs.case, Outcome::Escalate)]).await;
    assert_eq!(
        result.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::NotLeaseHolder }
    );
    let event = AuditBatch {
        events: vec![AuditEventIn {
            idempotency_key: kyc_proto::IdempotencyKey::parse("b-on-a-event").unwrap(),
            case_id: theirs.case.id.clone(),
            kind: AuditEventKind::CaseOpened,
            at: time::OffsetDateTime::now_utc(),
        }],
    };
    hub.call(Method::POST, routes::AUDIT_EVENTS, Some(&b), Some(&event))
        .await
        .expect_error(403, "forbidden");

    // A still holds everything: B's attempts changed nothing.
    let a_media =
        hub.call(Method::GET, &routes::media(&theirs.media[0].id), Some(&a), None::<&()>).await;
    assert_eq!(a_media.status, StatusCode::OK);
    let result = hub.decide(&a, vec![item("a-on-a", &theirs.case, Outcome::Escalate)]).await;
    assert!(matches!(result.results[0].status, DecisionStatus::Accepted { .. }));
}
