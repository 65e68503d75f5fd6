//! Supervisor views, verdicts, four eyes, statistics, retention.

use kyc_model::{CaseState, Outcome, ReasonCode};
use kyc_proto::{
    CaseHistory, DecisionPage, DecisionStatus, OutcomeCode, Policy, PurgeReport, StatsResponse,
    VerdictKind, VerdictRequest, VerdictResponse, routes,
};
use reqwest::{Method, StatusCode};

use crate::support::*;

async fn decide_all(
    hub: &TestHub,
    token: &str,
    n: u32,
    outcome: impl Fn(usize) -> Outcome,
) -> Vec<i64> {
    let grant = hub.lease(token, n).await;
    let items = grant
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            item(&format!("{}-{i}", &token[..8].replace(['-', '_'], "x")), &c.case, outcome(i))
        })
        .collect();
    let result = hub.decide(token, items).await;
    result
        .results
        .iter()
        .map(|r| match r.status {
            DecisionStatus::Accepted { decision_id, .. } => decision_id,
            ref other => panic!("{other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn query_history_verdicts_and_stats() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 6, 91).await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let s = hub.login(SUPERVISOR).await;
    let a_ids = decide_all(&hub, &a, 4, |i| {
        if i % 2 == 0 {
            Outcome::Approve
        } else {
            Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] }
        }
    })
    .await;
    let b_ids = decide_all(&hub, &b, 2, |_| Outcome::Approve).await;

    let q = |query: &str| {
        let path = format!("{}?{query}", routes::SUPERVISOR_DECISIONS);
        let hub = &hub;
        let s = s.clone();
        async move { hub.call(Method::GET, &path, Some(&s), None::<&()>).await }
    };
    let all: DecisionPage = q("").await.json();
    assert_eq!(all.total, 6);
    let a_user = all.items.iter().find(|d| d.decision_id == a_ids[0]).unwrap().reviewer.clone();
    let only_a: DecisionPage = q(&format!("reviewer={a_user}")).await.json();
    assert_eq!(only_a.total, 4);
    let rejects: DecisionPage = q("outcome=reject").await.json();
    assert_eq!(rejects.total, 2);
    let page: DecisionPage = q("limit=4").await.json();
    assert_eq!((page.items.len(), page.next_offset), (4, Some(4)));
    let page2: DecisionPage = q("limit=4&offset=4").await.json();
    assert_eq!((page2.items.len(), page2.next_offset), (2, None));
    let future: DecisionPage = q("from=2999-01-01T00:00:00Z").await.json();
    assert_eq!(future.total, 0);
    // A query string that does not match the parameters' schema is 422, like a JSON body.
    q("outcome=maybe").await.expect_error(422, "invalid");
    q("from=yesterday").await.expect_error(422, "invalid");

    // Verdicts: an overturn needs a note; a decision is judged once.
    let verdict = |decision_id, verdict, note: Option<&str>| VerdictRequest {
        decision_id,
        verdict,
        note: note.map(Into::into),
        corrected: None,
    };
    hub.call(
        Method::POST,
        routes::SUPERVISOR_VERDICTS,
        Some(&s),
        Some(&verdict(a_ids[0], VerdictKind::Overturn, None)),
    )
    .await
    .expect_error(400, "invalid");
    let v: VerdictResponse = hub
        .call(
            Method::POST,
            routes::SUPERVISOR_VERDICTS,
            Some(&s),
            Some(&verdict(a_ids[0], VerdictKind::Overturn, Some("face differs"))),
        )
        .await
        .json();
    // The default policy sends an overturned case back to the reviewers' queue.
    assert_eq!(
        (v.case_state, v.action, v.correction_id),
        (CaseState::Open, Some(kyc_proto::OverturnAction::Requeue), None)
    );
    hub.call(
        Method::POST,
        routes::SUPERVISOR_VERDICTS,
        Some(&s),
        Some(&verdict(a_ids[0], VerdictKind::Agree, None)),
    )
    .await
    .expect_error(409, "conflict");
    for id in [a_ids[1], b_ids[0]] {
        let a = hub
            .call(
                Method::POST,
                routes::SUPERVISOR_VERDICTS,
                Some(&s),
                Some(&verdict(id, VerdictKind::Agree, None)),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
    }
    let pending: DecisionPage = q("verdict=pending").await.json();
    assert_eq!(pending.total, 3);
    let overturned: DecisionPage = q("verdict=overturned").await.json();
    assert_eq!(overturned.items[0].verdict.as_ref().unwrap().note.as_deref(), Some("face differs"));

    let stats: StatsResponse =
        hub.call(Method::GET, routes::SUPERVISOR_STATS, Some(&s), None::<&()>).await.json();
    let sa = &stats.reviewers.iter().find(|r| r.reviewer == a_user).unwrap().figures;
    assert_eq!(
        (sa.decisions, sa.approved, sa.rejected, sa.verdicts, sa.overturned),
        (4, 2, 2, 2, 1)
    );
    assert_eq!(sa.overturn_rate, Some(0.5));
    assert!(sa.median_handling_secs.is_some());

    let case_id = all.items.iter().find(|d| d.decision_id == a_ids[1]).unwrap().case_id.clone();
    let history: CaseHistory = hub
        .call(Method::GET, &routes::supervisor_case(&case_id), Some(&s), None::<&()>)
        .await
        .json();
    assert_eq!(history.decisions.len(), 1);
    assert!(history.case.is_some());
    let kinds: Vec<_> = history
        .audit
        .iter()
        .map(|r| serde_json::to_value(&r.kind).unwrap()["type"].clone())
        .collect();
    assert_eq!(
        kinds,
        ["case_created", "lease_granted", "decision_recorded", "verdict_given", "case_audited"]
    );
    // A supervisor auditing may open the evidence; the hub records that.
    let m =
        hub.call(Method::GET, &routes::media(&history.media[0].id), Some(&s), None::<&()>).await;
    assert_eq!(m.status, StatusCode::OK);
}

#[tokio::test]
async fn four_eyes_outcomes_wait_for_a_supervisor_and_retention_purges_decided_cases() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let policy = Policy {
        lease_secs: 600,
        retention_days: 0,
        four_eyes_outcomes: vec![OutcomeCode::Approve],
        ..kyc_hub::store::default_policy()
    };
    let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    assert_eq!(a.status, StatusCode::OK);
    let bad = Policy { lease_secs: 1, ..policy.clone() };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&bad))
        .await
        .expect_error(400, "invalid");
    hub.intake_many(&admin, 2, 92).await;
    let r = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let grant = hub.lease(&r, 2).await;
    let approve = hub.decide(&r, vec![item("fe-1", &grant.cases[0].case, Outcome::Approve)]).await;
    let DecisionStatus::Accepted { decision_id, case_state, .. } = approve.results[0].status else {
        panic!()
    };
    assert_eq!(case_state, CaseState::AwaitingConfirmation);
    let reject = hub
        .decide(
            &r,
            vec![item(
                "fe-2",
                &grant.cases[1].case,
                Outcome::Reject { reasons: vec![ReasonCode::Underage] },
            )],
        )
        .await;
    assert!(matches!(
        reject.results[0].status,
        DecisionStatus::Accepted { case_state: CaseState::Decided, .. }
    ));

    // Only the decided case is purged; the one awaiting confirmation keeps its data.
    let purge: PurgeReport =
        hub.call(Method::POST, routes::ADMIN_PURGE, Some(&admin), None::<&()>).await.json();
    assert_eq!(purge.cases_purged, 1);
    let confirm =
        VerdictRequest { decision_id, verdict: VerdictKind::Agree, note: None, corrected: None };
    let v: VerdictResponse =
        hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&s), Some(&confirm)).await.json();
    assert_eq!(v.case_state, CaseState::Decided);
    let purge: PurgeReport =
        hub.call(Method::POST, routes::ADMIN_PURGE, Some(&admin), None::<&()>).await.json();
    assert_eq!(purge.cases_purged, 1);
    assert_eq!(purge.media_deleted as usize, grant.cases[0].media.len());
    let history: CaseHistory = hub
        .call(Method::GET, &routes::supervisor_case(&grant.cases[0].case.id), Some(&s), None::<&()>)
        .await
        .json();
    assert_eq!(history.state, CaseState::Purged);
    assert!(history.case.is_none() && history.media.is_empty());
    assert_eq!(history.decisions.len(), 1, "the decision stays, pseudonymous");
    hub.call(Method::GET, &routes::media(&grant.cases[0].media[0].id), Some(&s), None::<&()>)
        .await
        .expect_error(404, "not_found");
    assert_eq!(std::fs::read_dir(hub.dir.path().join("media")).unwrap().count(), 0);
    let report: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(report.intact);
}

#[tokio::test]
async fn an_overturn_of_a_decision_awaiting_confirmation_reopens_the_case() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let policy = Policy {
        lease_secs: 600,
        retention_days: 30,
        four_eyes_outcomes: vec![OutcomeCode::Reject],
        ..kyc_hub::store::default_policy()
    };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    hub.intake_many(&admin, 1, 93).await;
    let r = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let case = hub.lease(&r, 1).await.cases.remove(0).case;
    let outcome = Outcome::Reject { reasons: vec![ReasonCode::NameMismatch] };
    let d = hub.decide(&r, vec![item("ov-1", &case, outcome)]).await;
    let DecisionStatus::Accepted { decision_id, .. } = d.results[0].status else { panic!() };
    let overturn = VerdictRequest {
        decision_id,
        verdict: VerdictKind::Overturn,
        note: Some("names match".into()),
        corrected: None,
    };
    let v: VerdictResponse =
        hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&s), Some(&overturn)).await.json();
    assert_eq!(v.case_state, CaseState::Open);
    // Back in the queue, for anyone (here: another reviewer).
    let b = hub.login(REVIEWER_B).await;
    assert_eq!(hub.lease(&b, 5).await.cases[0].case.id, case.id);
    let kind_filter: DecisionPage = hub
        .call(
            Method::GET,
            &format!("{}?kind={}", routes::SUPERVISOR_DECISIONS, case.kind.code()),
            Some(&s),
            None::<&()>,
        )
        .await
        .json();
    assert_eq!(kind_filter.total, 1);
    let other_kind = kyc_model::CaseKind::ALL.into_iter().find(|k| *k != case.kind).unwrap();
    let none: DecisionPage = hub
        .call(
            Method::GET,
            &format!("{}?kind={}", routes::SUPERVISOR_DECISIONS, other_kind.code()),
            Some(&s),
            None::<&()>,
        )
        .await
        .json();
    assert_eq!(none.total, 0);
}

#[test]
fn a_supervisor_never_judges_their_own_decision() {
    // Roles are exclusive over HTTP, so this guards the store rule itself: an account that
    // decided (say, a reviewer later promoted) cannot judge that decision.
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = kyc_hub::ops::open_data_dir(dir.path()).unwrap();
    let user = store.create_user("both-hats", kyc_proto::Role::Reviewer, "x", 0).unwrap();
    let demo = make_cases(1, 94).remove(0);
    kyc_hub::ops::store_case(store.as_ref(), &files, &demo.case, demo.media, &user.id, 1).unwrap();
    let now = kyc_hub::time_util::now_ms();
    store.lease(&user.id, 1, None, now, now + 60_000, false).unwrap();
    let statuses = store
        .apply_decisions(
            &user.id,
            &[item("own", &demo.case, Outcome::Escalate)],
            &kyc_hub::store::default_policy(),
            now,
        )
        .unwrap();
    let DecisionStatus::Accepted { decision_id, .. } = statuses[0] else { panic!("{statuses:?}") };
    let own =
        VerdictRequest { decision_id, verdict: VerdictKind::Agree, note: None, corrected: None };
    let err =
        store.give_verdict(&user.id, &own, &kyc_hub::store::default_policy(), now).unwrap_err();
    assert!(matches!(err, kyc_hub::store::StoreError::Forbidden(_)), "{err}");
}

#[tokio::test]
async fn a_supervisor_opens_only_cases_theirs_to_handle_and_every_open_is_audited() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let policy = Policy {
        lease_secs: 600,
        retention_days: 30,
        four_eyes_outcomes: vec![OutcomeCode::Approve],
        ..kyc_hub::store::default_policy()
    };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    hub.intake_many(&admin, 5, 95).await;
    let r = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let me: kyc_proto::Me = hub.call(Method::GET, routes::ME, Some(&s), None::<&()>).await.json();
    let grant = hub.lease(&r, 4).await;
    let [awaiting, decided, escalated, leased] = [0, 1, 2, 3].map(|i| grant.cases[i].clone());
    let reject = Outcome::Reject { reasons: vec![ReasonCode::Underage] };
    let result = hub
        .decide(
            &r,
            vec![
                item("sv-awaiting", &awaiting.case, Outcome::Approve),
                item("sv-decided", &decided.case, reject),
                item("sv-escalated", &escalated.case, Outcome::Escalate),
            ],
        )
        .await;
    assert!(result.results.iter().all(|r| matches!(r.status, DecisionStatus::Accepted { .. })));
    let open_case = {
        let all: Vec<_> = grant.cases.iter().map(|c| c.case.id.clone()).collect();
        // The fifth case was never leased.
        let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
        let id: String = conn
            .query_row(
                "SELECT id FROM cases WHERE state = 'open' AND id NOT IN (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    all[0].as_str(),
                    all[1].as_str(),
                    all[2].as_str(),
                    all[3].as_str()
                ],
                |r| r.get(0),
            )
            .unwrap();
        kyc_model::CaseId::parse(&id).unwrap()
    };
    let get = |id: &kyc_model::CaseId| {
        let path = routes::supervisor_case(id);
        let (hub, s) = (&hub, s.clone());
        async move { hub.call(Method::GET, &path, Some(&s), None::<&()>).await }
    };

    // In a reviewer's hands (leased) or waiting for one (open): neither payload nor evidence.
    for id in [&leased.case.id, &open_case] {
        get(id).await.expect_error(403, "forbidden");
    }
    hub.call(Method::GET, &routes::media(&leased.media[0].id), Some(&s), None::<&()>)
        .await
        .expect_error(403, "forbidden");
    get(&kyc_model::CaseId::parse("c_nobody").unwrap()).await.expect_error(404, "not_found");

    // Decided, awaiting confirmation, escalated: the supervisor's to handle, and each open
    // is in the chain under the supervisor's id.
    for c in [&awaiting, &decided, &escalated] {
        let history: CaseHistory = get(&c.case.id).await.json();
        assert_eq!(history.case.as_ref().map(|p| &p.id), Some(&c.case.id));
        let last = history.audit.last().unwrap();
        assert_eq!(last.kind, kyc_proto::AuditRecordKind::CaseAudited);
        assert_eq!(last.actor.as_ref(), Some(&me.user));
    }
    let m =
        hub.call(Method::GET, &routes::media(&escalated.media[0].id), Some(&s), None::<&()>).await;
    assert_eq!(m.status, StatusCode::OK, "an escalation's evidence is the supervisor's too");
    // An escalated case waits in the supervisors' queue: no reviewer leases it again.
    let b = hub.login(REVIEWER_B).await;
    assert!(!hub.lease(&b, 5).await.cases.iter().any(|c| c.case.id == escalated.case.id));
    let history: CaseHistory = get(&escalated.case.id).await.json();
    assert_eq!(history.state, CaseState::Escalated);
    let audited =
        history.audit.iter().filter(|r| r.kind == kyc_proto::AuditRecordKind::CaseAudited).count();
    assert_eq!(audited, 2, "two opens of this case, each recorded once");

    // Refused opens recorded nothing; the chain holds.
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let refused: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE kind LIKE '%case_audited%' AND case_id IN (?1, ?2)",
            [leased.case.id.as_str(), open_case.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(refused, 0);
    let report: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(report.intact);
}
