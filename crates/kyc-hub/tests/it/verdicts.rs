//! Verdict rules: an overturn corrects or requeues as the policy says per case kind, four-eyes
//! rules by kind × outcome × reason, escalations in the supervisors' queue.

use kyc_model::{CaseKind, CaseState, Outcome, ReasonCode};
use kyc_proto::{
    CaseHistory, DecisionPage, DecisionResult, DecisionSource, DecisionStatus, EscalationDecision,
    EscalationList, FourEyesRule, IdempotencyKey, LeasedCase, Me, OutcomeCode, OverturnAction,
    OverturnRule, Policy, StatsResponse, VerdictKind, VerdictRequest, VerdictResponse, routes,
};
use reqwest::Method;

use crate::support::*;

async fn set_policy(hub: &TestHub, admin: &str, policy: &Policy) {
    let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(admin), Some(policy)).await;
    assert_eq!(a.status.as_u16(), 200, "{}", String::from_utf8_lossy(&a.body));
}

fn lease_of(grant: &[LeasedCase], kind: CaseKind) -> LeasedCase {
    grant.iter().find(|c| c.case.kind == kind).unwrap_or_else(|| panic!("no {kind:?}")).clone()
}

fn accepted(result: &DecisionResult) -> (i64, CaseState) {
    match result.status {
        DecisionStatus::Accepted { decision_id, case_state, .. } => (decision_id, case_state),
        ref other => panic!("{other:?}"),
    }
}

async fn verdict(hub: &TestHub, token: &str, request: &VerdictRequest) -> Answer {
    hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(token), Some(request)).await
}

fn overturn(decision_id: i64, corrected: Option<Outcome>) -> VerdictRequest {
    VerdictRequest {
        decision_id,
        verdict: VerdictKind::Overturn,
        note: Some("the reviewer missed it".into()),
        corrected,
    }
}

async fn decisions(hub: &TestHub, token: &str, query: &str) -> DecisionPage {
    let path = format!("{}?{query}", routes::SUPERVISOR_DECISIONS);
    hub.call(Method::GET, &path, Some(token), None::<&()>).await.json()
}

async fn me(hub: &TestHub, token: &str) -> Me {
    hub.call(Method::GET, routes::ME, Some(token), None::<&()>).await.json()
}

#[tokio::test]
async fn an_overturn_corrects_or_requeues_as_the_policy_says_for_the_kind() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let (correct_kind, requeue_kind) = (CaseKind::ALL[0], CaseKind::ALL[1]);
    let policy = Policy {
        overturn_actions: vec![OverturnRule {
            kind: correct_kind,
            action: OverturnAction::Correct,
        }],
        ..kyc_hub::store::default_policy()
    };
    set_policy(&hub, &admin, &policy).await;
    hub.intake_many(&admin, 2, 301).await;
    let r = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let grant = hub.lease(&r, 2).await.cases;
    let (to_correct, to_requeue) = (lease_of(&grant, correct_kind), lease_of(&grant, requeue_kind));
    let face = || Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] };
    let result = hub
        .decide(
            &r,
            vec![
                item("ov-correct", &to_correct.case, face()),
                item("ov-requeue", &to_requeue.case, face()),
            ],
        )
        .await;
    let (corrected_id, requeued_id) =
        (accepted(&result.results[0]).0, accepted(&result.results[1]).0);

    // The case answer tells the supervisor's app which it will be, before the overturn.
    for (lease, action) in
        [(&to_correct, OverturnAction::Correct), (&to_requeue, OverturnAction::Requeue)]
    {
        let path = routes::supervisor_case(&lease.case.id);
        let history: CaseHistory = hub.call(Method::GET, &path, Some(&s), None::<&()>).await.json();
        assert_eq!(history.overturn_action, action);
    }

    // Correct: the corrected outcome is required, may not escalate, must pass decision rules.
    verdict(&hub, &s, &overturn(corrected_id, None)).await.expect_error(400, "invalid");
    let e = verdict(&hub, &s, &overturn(corrected_id, None)).await.error();
    assert_eq!(e.rule.as_deref(), Some("correction_required"));
    let e = verdict(&hub, &s, &overturn(corrected_id, Some(Outcome::Escalate))).await.error();
    assert_eq!(e.rule.as_deref(), Some("outcome_not_allowed"));
    let e = verdict(&hub, &s, &overturn(corrected_id, Some(Outcome::Reject { reasons: vec![] })))
        .await
        .error();
    assert_eq!(e.rule.as_deref(), Some("decision_rule"));
    let name = Outcome::Reject { reasons: vec![ReasonCode::NameMismatch] };
    let v: VerdictResponse =
        verdict(&hub, &s, &overturn(corrected_id, Some(name.clone()))).await.json();
    assert_eq!((v.case_state, v.action), (CaseState::Decided, Some(OverturnAction::Correct)));
    let correction_id = v.correction_id.expect("a correction is a decision");

    // The correction supersedes the reviewer's decision and is what the case now says.
    let sup = me(&hub, &s).await.user;
    let rev = me(&hub, &r).await.user;
    let history: CaseHistory = hub
        .call(Method::GET, &routes::supervisor_case(&to_correct.case.id), Some(&s), None::<&()>)
        .await
        .json();
    let [original, correction] = [&history.decisions[0], &history.decisions[1]];
    assert_eq!(history.decisions.len(), 2);
    assert_eq!((original.decision_id, original.superseded_by), (corrected_id, Some(correction_id)));
    assert_eq!(original.source, DecisionSource::Reviewer);
    assert_eq!(original.verdict.as_ref().unwrap().verdict, VerdictKind::Overturn);
    assert_eq!(correction.source, DecisionSource::Correction);
    assert_eq!((correction.supersedes, &correction.reviewer), (Some(corrected_id), &sup));
    assert_eq!(correction.decision.outcome, name);
    assert_eq!(correction.decision.note.as_deref(), Some("the reviewer missed it"));
    assert_eq!(history.state, CaseState::Decided);
    let corrections = decisions(&hub, &s, "source=correction").await;
    assert_eq!(corrections.total, 1);
    // A supervisor never judges their own decision, corrections included.
    let own = VerdictRequest {
        decision_id: correction_id,
        verdict: VerdictKind::Agree,
        note: None,
        corrected: None,
    };
    verdict(&hub, &s, &own).await.expect_error(403, "forbidden");
    let agree_with_correction = VerdictRequest {
        verdict: VerdictKind::Agree,
        corrected: Some(Outcome::Approve),
        ..overturn(requeued_id, None)
    };
    let e = verdict(&hub, &s, &agree_with_correction).await.error();
    assert_eq!(e.rule.as_deref(), Some("correction_not_allowed"));
    // Statistics count reviewers' decisions; a correction is not one.
    let stats: StatsResponse =
        hub.call(Method::GET, routes::SUPERVISOR_STATS, Some(&s), None::<&()>).await.json();
    assert_eq!(stats.reviewers.iter().map(|r| &r.reviewer).collect::<Vec<_>>(), [&rev]);
    assert_eq!(
        (stats.reviewers[0].figures.verdicts, stats.reviewers[0].figures.overturned),
        (1, 1)
    );

    // Requeue: no correction allowed; the case goes back to the reviewers' queue.
    let e = verdict(&hub, &s, &overturn(requeued_id, Some(name))).await.error();
    assert_eq!(e.rule.as_deref(), Some("correction_not_allowed"));
    let v: VerdictResponse = verdict(&hub, &s, &overturn(requeued_id, None)).await.json();
    assert_eq!(
        (v.case_state, v.action, v.correction_id),
        (CaseState::Open, Some(OverturnAction::Requeue), None)
    );
    verdict(&hub, &s, &overturn(requeued_id, None)).await.expect_error(409, "conflict");
    let b = hub.login(REVIEWER_B).await;
    let again = hub.lease(&b, 5).await.cases;
    assert_eq!(again.iter().map(|c| &c.case.id).collect::<Vec<_>>(), [&to_requeue.case.id]);
    let redo = hub.decide(&b, vec![item("ov-redo", &to_requeue.case, Outcome::Approve)]).await;
    let (redo_id, state) = accepted(&redo.results[0]);
    assert_eq!(state, CaseState::Decided);
    // Only a case's latest decision can be overturned; the new one can.
    let agree_old = VerdictRequest {
        decision_id: redo_id,
        verdict: VerdictKind::Agree,
        note: None,
        corrected: None,
    };
    let v: VerdictResponse = verdict(&hub, &s, &agree_old).await.json();
    assert_eq!((v.case_state, v.action), (CaseState::Decided, None));

    let report: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(report.intact);
}

#[tokio::test]
async fn four_eyes_rules_match_kind_outcome_and_reason_and_waiting_decisions_come_first() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let enterprise = CaseKind::EnterpriseCertificate;
    let policy = Policy {
        four_eyes_rules: vec![
            // Every enterprise approval, and every rejection for an authority mismatch.
            FourEyesRule { kind: Some(enterprise), outcome: OutcomeCode::Approve, reasons: vec![] },
            FourEyesRule {
                kind: None,
                outcome: OutcomeCode::Reject,
                reasons: vec![ReasonCode::AuthorityMismatch],
            },
        ],
        ..kyc_hub::store::default_policy()
    };
    set_policy(&hub, &admin, &policy).await;
    // Ten cases: two of each kind.
    hub.intake_many(&admin, 10, 302).await;
    let r = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let grant = hub.lease(&r, 10).await.cases;
    let of_kind = |kind: CaseKind| -> Vec<&LeasedCase> {
        grant.iter().filter(|c| c.case.kind == kind).collect()
    };
    let individual = CaseKind::IndividualIdCard;
    let authority = || Outcome::Reject {
        reasons: vec![ReasonCode::AuthorityMismatch, ReasonCode::FaceMismatch],
    };
    let other_reason = || Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] };
    let items = vec![
        (
            item("fe-ent-approve", &of_kind(enterprise)[0].case, Outcome::Approve),
            CaseState::AwaitingConfirmation,
        ),
        (
            item("fe-ind-approve", &of_kind(individual)[0].case, Outcome::Approve),
            CaseState::Decided,
        ),
        (
            item("fe-ind-authority", &of_kind(individual)[1].case, authority()),
            CaseState::AwaitingConfirmation,
        ),
        (item("fe-ent-face", &of_kind(enterprise)[1].case, other_reason()), CaseState::Decided),
    ];
    let expected: Vec<_> = items.iter().map(|(_, s)| *s).collect();
    let result = hub.decide(&r, items.into_iter().map(|(i, _)| i).collect()).await;
    let got: Vec<_> = result.results.iter().map(|r| accepted(r).1).collect();
    assert_eq!(got, expected, "kind × outcome × reason decide who waits");
    let ids: Vec<i64> = result.results.iter().map(|r| accepted(r).0).collect();

    // The waiting ones first, longest wait first, each with its age by the hub's clock.
    hub.sql(&format!(
        "UPDATE decisions SET recorded_at = recorded_at - 7200000 WHERE id = {}",
        ids[2]
    ));
    let page = decisions(&hub, &s, "").await;
    let order: Vec<i64> = page.items.iter().map(|d| d.decision_id).collect();
    assert_eq!(order, [ids[2], ids[0], ids[3], ids[1]]);
    assert!(page.items[0].waiting_secs.is_some_and(|w| w >= 7200));
    assert!(page.items[1].waiting_secs.is_some());
    assert!(page.items[2..].iter().all(|d| d.waiting_secs.is_none()));
    assert_eq!(page.items[0].case_state, CaseState::AwaitingConfirmation);
    let waiting = decisions(&hub, &s, "waiting=true").await;
    assert_eq!(waiting.total, 2);
    let enterprise_waiting =
        decisions(&hub, &s, &format!("waiting=true&kind={}", enterprise.code())).await;
    assert_eq!(
        enterprise_waiting.items.iter().map(|d| d.decision_id).collect::<Vec<_>>(),
        [ids[0]]
    );
    let newest = decisions(&hub, &s, "sort=newest&verdict=pending").await;
    assert_eq!(
        newest.items.iter().map(|d| d.decision_id).collect::<Vec<_>>(),
        [ids[3], ids[2], ids[1], ids[0]]
    );
    let oldest = decisions(&hub, &s, "sort=oldest&waiting=false").await;
    assert_eq!(oldest.items.iter().map(|d| d.decision_id).collect::<Vec<_>>(), [ids[1], ids[3]]);

    // The state machine: agree confirms, overturn (requeue by default) reopens.
    let agree = VerdictRequest {
        decision_id: ids[0],
        verdict: VerdictKind::Agree,
        note: None,
        corrected: None,
    };
    let v: VerdictResponse = verdict(&hub, &s, &agree).await.json();
    assert_eq!(v.case_state, CaseState::Decided);
    let v: VerdictResponse = verdict(&hub, &s, &overturn(ids[2], None)).await.json();
    assert_eq!(v.case_state, CaseState::Open);
    assert_eq!(decisions(&hub, &s, "waiting=true").await.total, 0);
    // A reviewer cannot decide a case that waits for confirmation, nor confirm one.
    let b = hub.login(REVIEWER_B).await;
    hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&b), Some(&agree))
        .await
        .expect_error(403, "forbidden");
}

#[tokio::test]
async fn a_policy_stored_with_four_eyes_outcomes_reads_as_rules() {
    let mut hub = TestHub::start().await;
    hub.sql(
        r#"INSERT INTO policy (id, json) VALUES (1, '{"lease_secs":600,"retention_days":30,"four_eyes_outcomes":["approve"]}')
           ON CONFLICT(id) DO UPDATE SET json = excluded.json"#,
    );
    hub.restart().await;
    let admin = hub.login(ADMIN).await;
    let policy: Policy =
        hub.call(Method::GET, routes::ADMIN_POLICY, Some(&admin), None::<&()>).await.json();
    assert!(policy.four_eyes_outcomes.is_empty());
    assert_eq!(
        policy.four_eyes_rules,
        [FourEyesRule { kind: None, outcome: OutcomeCode::Approve, reasons: vec![] }]
    );
    hub.intake_many(&admin, 1, 303).await;
    let r = hub.login(REVIEWER_A).await;
    let case = hub.lease(&r, 1).await.cases.remove(0).case;
    let result = hub.decide(&r, vec![item("legacy-approve", &case, Outcome::Approve)]).await;
    assert_eq!(accepted(&result.results[0]).1, CaseState::AwaitingConfirmation);
}

#[tokio::test]
async fn an_escalation_waits_for_a_supervisor_who_decides_it_once() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 2, 304).await;
    let r = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let case = hub.lease(&r, 1).await.cases.remove(0).case;
    let mut escalate = item("esc-1", &case, Outcome::Escalate);
    escalate.decision.note = Some("the licence looks altered".into());
    let result = hub.decide(&r, vec![escalate]).await;
    let (escalation_id, state) = accepted(&result.results[0]);
    assert_eq!(state, CaseState::Escalated);

    // Not back to the reviewers: another reviewer gets only the other case.
    let b = hub.login(REVIEWER_B).await;
    let other = hub.lease(&b, 5).await.cases;
    assert!(other.iter().all(|c| c.case.id != case.id));
    hub.call(Method::GET, routes::SUPERVISOR_ESCALATIONS, Some(&r), None::<&()>)
        .await
        .expect_error(403, "forbidden");

    // The supervisors' queue lists it; opening it shows the reviewer's note and is audited.
    let list: EscalationList =
        hub.call(Method::GET, routes::SUPERVISOR_ESCALATIONS, Some(&s), None::<&()>).await.json();
    assert_eq!(list.cases.len(), 1);
    let queued = &list.cases[0];
    assert_eq!((&queued.case_id, queued.decision_id), (&case.id, escalation_id));
    assert_eq!(queued.escalated_by, me(&hub, &r).await.user);
    let history: CaseHistory = hub
        .call(Method::GET, &routes::supervisor_case(&case.id), Some(&s), None::<&()>)
        .await
        .json();
    assert_eq!(history.decisions[0].decision.note.as_deref(), Some("the licence looks altered"));
    assert_eq!(history.audit.last().unwrap().kind, kyc_proto::AuditRecordKind::CaseAudited);

    // Decided like a reviewer would, exactly once per key.
    let path = routes::supervisor_escalation_decision(&case.id);
    let body = |key: &str, outcome: Outcome| EscalationDecision {
        idempotency_key: IdempotencyKey::parse(key).unwrap(),
        decision: item(key, &case, outcome).decision,
    };
    let again = body("sup-esc-1", Outcome::Escalate);
    let e = hub.call(Method::POST, &path, Some(&s), Some(&again)).await.error();
    assert_eq!(e.rule.as_deref(), Some("outcome_not_allowed"));
    let wrong_case = EscalationDecision {
        decision: item("x", &other[0].case, Outcome::Approve).decision,
        ..body("sup-esc-1", Outcome::Approve)
    };
    let e = hub.call(Method::POST, &path, Some(&s), Some(&wrong_case)).await.error();
    assert_eq!(e.rule.as_deref(), Some("case_rule"));
    let reject =
        body("sup-esc-1", Outcome::Reject { reasons: vec![ReasonCode::DocumentIllegible] });
    let first: DecisionResult = hub.call(Method::POST, &path, Some(&s), Some(&reject)).await.json();
    let (decision_id, state) = accepted(&first);
    assert_eq!(state, CaseState::Decided);
    let retry: DecisionResult = hub.call(Method::POST, &path, Some(&s), Some(&reject)).await.json();
    assert!(
        matches!(retry.status, DecisionStatus::Duplicate { decision_id: d, .. } if d == decision_id)
    );
    let late: DecisionResult = hub
        .call(Method::POST, &path, Some(&s), Some(&body("sup-esc-2", Outcome::Approve)))
        .await
        .json();
    assert!(matches!(
        late.status,
        DecisionStatus::Conflict { reason: kyc_proto::ConflictReason::AlreadyDecided }
    ));
    let list: EscalationList =
        hub.call(Method::GET, routes::SUPERVISOR_ESCALATIONS, Some(&s), None::<&()>).await.json();
    assert!(list.cases.is_empty());
    let page = decisions(&hub, &s, "source=escalation").await;
    assert_eq!(page.items.iter().map(|d| d.decision_id).collect::<Vec<_>>(), [decision_id]);
    assert_eq!(page.items[0].reviewer, me(&hub, &s).await.user);
}

#[test]
fn an_open_escalation_of_an_older_hub_moves_to_the_supervisors_queue() {
    // Before schema 3 an escalation reopened the case; the migration moves such cases.
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = kyc_hub::ops::open_data_dir(dir.path()).unwrap();
    let user = store.create_user("old-reviewer", kyc_proto::Role::Reviewer, "x", 0).unwrap();
    let demo = make_cases(1, 305).remove(0);
    kyc_hub::ops::store_case(store.as_ref(), &files, &demo.case, demo.media, &user.id, 1).unwrap();
    let now = kyc_hub::time_util::now_ms();
    store.lease(&user.id, 1, None, now, now + 60_000, false).unwrap();
    let policy = kyc_hub::store::default_policy();
    store
        .apply_decisions(&user.id, &[item("old-esc", &demo.case, Outcome::Escalate)], &policy, now)
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("hub.sqlite3")).unwrap();
    conn.execute_batch("UPDATE cases SET state = 'open'; PRAGMA user_version = 2;").unwrap();
    drop(conn);
    let (store, _) = kyc_hub::ops::open_data_dir(dir.path()).unwrap();
    let history = store.case_history(&demo.case.id).unwrap().unwrap();
    assert_eq!(history.state, CaseState::Escalated);
    assert_eq!(store.escalations(now).unwrap().len(), 1);
    assert!(store.lease(&user.id, 1, None, now, now + 60_000, false).unwrap().is_empty());
}
