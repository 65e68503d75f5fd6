//! Blind double review: a policy share of cases gets two review slots, each leased and decided
//! on its own by a different reviewer; neither sees the other's decision; agreement decides the
//! case, disagreement sends it to the supervisors' list of disputes.

use std::collections::{BTreeMap, BTreeSet};

use kyc_hub::PasswordHashing;
use kyc_model::{CaseState, Outcome, ReasonCode};
use kyc_proto::{
    CaseHistory, ConflictReason, DecisionResult, DecisionStatus, DisputeList, EscalationDecision,
    LeasedCase, OutcomeCode, Policy, ReleaseRequest, ReleaseResponse, RenewRequest, RenewResponse,
    Role, routes,
};
use reqwest::Method;

use crate::support::*;

async fn set_share(hub: &TestHub, admin: &str, percent: u32) {
    let policy = Policy { double_review_percent: percent, ..kyc_hub::store::default_policy() };
    let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(admin), Some(&policy)).await;
    assert_eq!(a.status.as_u16(), 200, "{}", String::from_utf8_lossy(&a.body));
}

/// Adds reviewer accounts to the running hub's data directory and returns their handles.
fn add_reviewers(hub: &mut TestHub, n: usize) -> Vec<String> {
    let (store, _) = kyc_hub::ops::open_data_dir(hub.dir.path()).unwrap();
    (0..n)
        .map(|i| {
            let name = format!("dr-reviewer{i}");
            let created = kyc_hub::ops::add_user_with(
                store.as_ref(),
                &name,
                Role::Reviewer,
                PasswordHashing::Cheap,
            )
            .unwrap();
            hub.passwords.push((name.clone(), created.password.as_str().to_owned()));
            name
        })
        .collect()
}

/// `(case, slot, holder, decided_by)` for every slot, read from the hub's database.
fn slots(hub: &TestHub) -> Vec<(String, i64, Option<String>, Option<String>)> {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT case_id, slot, holder, decided_by FROM review_slots ORDER BY case_id, slot",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn case_state(hub: &TestHub, case: &kyc_model::CaseId) -> CaseState {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let code: String = conn
        .query_row("SELECT state FROM cases WHERE id = ?1", [case.as_str()], |r| r.get(0))
        .unwrap();
    CaseState::from_code(&code).unwrap()
}

fn face() -> Outcome {
    Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] }
}

/// The status with the per-decision numbers blanked, so two answers can be compared.
fn shape(result: &DecisionResult) -> DecisionStatus {
    match result.status {
        DecisionStatus::Accepted { case_state, .. } => DecisionStatus::Accepted {
            decision_id: 0,
            case_state,
            recorded_at: time::OffsetDateTime::UNIX_EPOCH,
        },
        DecisionStatus::Duplicate { case_state, .. } => DecisionStatus::Duplicate {
            decision_id: 0,
            case_state,
            recorded_at: time::OffsetDateTime::UNIX_EPOCH,
        },
        ref other => other.clone(),
    }
}

fn blind_accept() -> DecisionStatus {
    DecisionStatus::Accepted {
        decision_id: 0,
        case_state: CaseState::DoubleReview,
        recorded_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

#[tokio::test]
async fn double_review_never_gives_both_slots_to_one_reviewer_nor_a_slot_twice_under_concurrent_leasing()
 {
    let mut hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    set_share(&hub, &admin, 100).await;
    let n_cases = 10;
    let cases = hub.intake_many(&admin, n_cases, 911).await;
    let names = add_reviewers(&mut hub, 5);
    let mut tokens = Vec::new();
    for name in &names {
        let token = hub.login(name).await;
        let me: kyc_proto::Me =
            hub.call(Method::GET, routes::ME, Some(&token), None::<&()>).await.json();
        // Slots name accounts by id.
        tokens.push((me.user.as_str().to_owned(), token));
    }
    let hub = std::sync::Arc::new(hub);
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds <= 20, "the double reviews never finished");
        // Every reviewer leases at once, in its own task.
        let tasks: Vec<_> = tokens
            .iter()
            .map(|(name, token)| {
                let (hub, name, token) = (hub.clone(), name.clone(), token.clone());
                tokio::spawn(async move {
                    let grant = hub.lease(&token, 3).await;
                    (name, token, grant.cases)
                })
            })
            .collect();
        let mut grants: Vec<(String, String, Vec<LeasedCase>)> = Vec::new();
        for task in tasks {
            grants.push(task.await.unwrap());
        }
        // No case granted to one reviewer twice, none to more than its two slots, and each
        // grant is exactly one held slot.
        let mut holders: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, _, cases) in &grants {
            for c in cases {
                holders.entry(c.case.id.as_str().to_owned()).or_default().push(name.clone());
            }
        }
        let table = slots(&hub);
        for (case, names) in &holders {
            let distinct: BTreeSet<_> = names.iter().collect();
            assert_eq!(distinct.len(), names.len(), "one reviewer got two slots of {case}");
            assert!(names.len() <= 2, "{case} granted {} times", names.len());
            let held: Vec<_> = table
                .iter()
                .filter(|(c, _, holder, _)| c == case && holder.is_some())
                .map(|(_, _, holder, _)| holder.clone().unwrap())
                .collect();
            let mut expected = names.clone();
            expected.sort();
            let mut held_sorted = held.clone();
            held_sorted.sort();
            assert_eq!(held_sorted, expected, "slot holders of {case}");
        }
        if holders.is_empty() {
            break;
        }
        // Each decides what it holds: everyone agrees, so every case ends decided.
        for (name, token, cases) in &grants {
            let items = cases
                .iter()
                .map(|c| item(&format!("dr-{name}-{}", c.case.id.as_str()), &c.case, face()))
                .collect();
            if cases.is_empty() {
                continue;
            }
            let result = hub.decide(token, items).await;
            for r in &result.results {
                assert_eq!(shape(r), blind_accept(), "{r:?}");
            }
        }
    }
    // Over every case: two slots, decided by two different reviewers, and the case decided.
    let table = slots(&hub);
    assert_eq!(table.len(), 2 * n_cases);
    for c in &cases {
        let deciders: Vec<_> = table
            .iter()
            .filter(|(case, ..)| case == c.case.id.as_str())
            .map(|(_, _, holder, decided)| {
                assert!(holder.is_none(), "a decided slot keeps no lease");
                decided.clone().expect("both slots decided")
            })
            .collect();
        assert_eq!(deciders.len(), 2);
        assert_ne!(deciders[0], deciders[1], "both slots of a case by one reviewer");
        assert_eq!(case_state(&hub, &c.case.id), CaseState::Decided);
    }
}

#[tokio::test]
async fn a_reviewer_never_learns_the_other_slots_decision_and_a_dispute_is_resolved_once() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    set_share(&hub, &admin, 100).await;
    hub.intake_many(&admin, 2, 912).await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let s = hub.login(SUPERVISOR).await;
    let first = hub.lease(&a, 5).await.cases;
    assert_eq!(first.len(), 2);
    // The first reviewer cannot take the second slot of what it holds.
    assert!(hub.lease(&a, 5).await.cases.is_empty());
    let (agreed, disputed) = (first[0].case.clone(), first[1].case.clone());
    let media_path = |c: &LeasedCase| routes::MEDIA.replace("{media_id}", c.media[0].id.as_str());
    let a_results = hub
        .decide(&a, vec![item("a-agreed", &agreed, face()), item("a-disputed", &disputed, face())])
        .await;
    // A supervisor sees nothing of a double review in progress.
    let path = routes::SUPERVISOR_CASE.replace("{case_id}", agreed.id.as_str());
    hub.call(Method::GET, &path, Some(&s), None::<&()>).await.expect_error(403, "forbidden");
    let second = hub.lease(&b, 5).await.cases;
    assert_eq!(second.len(), 2);
    // What the second reviewer gets is what the first got: the case and its media, nothing of
    // the first decision.
    for (x, y) in first.iter().zip(&second) {
        assert_eq!((&x.case, &x.media), (&y.case, &y.media));
    }
    let b_items =
        vec![item("b-agreed", &agreed, face()), item("b-disputed", &disputed, Outcome::Escalate)];
    let b_results = hub.decide(&b, b_items.clone()).await;
    // Every answer to a slot decision is the same, agreeing or not, first or second.
    for r in a_results.results.iter().chain(&b_results.results) {
        assert_eq!(shape(r), blind_accept(), "{r:?}");
    }
    assert_eq!(case_state(&hub, &agreed.id), CaseState::Decided);
    assert_eq!(case_state(&hub, &disputed.id), CaseState::Disputed);
    // Retries, new decisions, renewals, releases and media after the fact answer the same for
    // the agreed and the disputed case.
    let retry = hub.decide(&b, b_items).await;
    let again = hub
        .decide(
            &a,
            vec![item("a-agreed-2", &agreed, face()), item("a-disputed-2", &disputed, face())],
        )
        .await;
    for pair in [&retry.results, &again.results] {
        assert_eq!(shape(&pair[0]), shape(&pair[1]), "{pair:?}");
    }
    assert!(matches!(
        retry.results[0].status,
        DecisionStatus::Duplicate { case_state: CaseState::DoubleReview, .. }
    ));
    assert_eq!(
        again.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::LeaseExpired }
    );
    let ids = vec![agreed.id.clone(), disputed.id.clone()];
    for token in [&a, &b] {
        let renew: RenewResponse = hub
            .call(
                Method::POST,
                routes::LEASES_RENEW,
                Some(token),
                Some(&RenewRequest { case_ids: ids.clone() }),
            )
            .await
            .json();
        assert!(renew.renewed.is_empty());
        assert_eq!(renew.lost, ids);
        let release: ReleaseResponse = hub
            .call(
                Method::POST,
                routes::LEASES_RELEASE,
                Some(token),
                Some(&ReleaseRequest { case_ids: ids.clone() }),
            )
            .await
            .json();
        assert_eq!(release.not_held, ids);
        for c in &second {
            let answer = hub.call(Method::GET, &media_path(c), Some(token), None::<&()>).await;
            answer.expect_error(403, "forbidden");
        }
    }
    // The supervisors' list holds the disputed case with both slots' decisions.
    let list: DisputeList =
        hub.call(Method::GET, routes::SUPERVISOR_DISPUTES, Some(&s), None::<&()>).await.json();
    assert_eq!(list.cases.len(), 1);
    let dispute = &list.cases[0];
    assert_eq!(dispute.case_id, disputed.id);
    let outcomes: Vec<_> = dispute.slots.iter().map(|d| (d.slot, d.outcome)).collect();
    assert_eq!(outcomes, vec![(1, OutcomeCode::Reject), (2, OutcomeCode::Escalate)]);
    let reviewers: BTreeSet<_> = dispute.slots.iter().map(|d| d.reviewer.clone()).collect();
    assert_eq!(reviewers.len(), 2);
    let path = routes::SUPERVISOR_CASE.replace("{case_id}", disputed.id.as_str());
    let history: CaseHistory = hub.call(Method::GET, &path, Some(&s), None::<&()>).await.json();
    assert_eq!(history.decisions.len(), 2, "the supervisor sees both decisions");
    // Reviewers have no way in.
    hub.call(Method::GET, routes::SUPERVISOR_DISPUTES, Some(&a), None::<&()>)
        .await
        .expect_error(403, "forbidden");
    // An escalation is no resolution; the supervisor resolves it once.
    let resolve = |key: &str, outcome: Outcome| EscalationDecision {
        idempotency_key: kyc_proto::IdempotencyKey::parse(key).unwrap(),
        decision: item(key, &disputed, outcome).decision,
    };
    let path = routes::supervisor_dispute_decision(&disputed.id);
    hub.call(Method::POST, &path, Some(&s), Some(&resolve("s-escalate", Outcome::Escalate)))
        .await
        .expect_error(400, "invalid");
    let resolution = resolve("s-resolve", face());
    let first: DecisionResult =
        hub.call(Method::POST, &path, Some(&s), Some(&resolution)).await.json();
    assert!(matches!(
        first.status,
        DecisionStatus::Accepted { case_state: CaseState::Decided, .. }
    ));
    let retry: DecisionResult =
        hub.call(Method::POST, &path, Some(&s), Some(&resolution)).await.json();
    assert!(matches!(retry.status, DecisionStatus::Duplicate { .. }), "{retry:?}");
    let other: DecisionResult =
        hub.call(Method::POST, &path, Some(&s), Some(&resolve("s-resolve-2", face()))).await.json();
    assert_eq!(other.status, DecisionStatus::Conflict { reason: ConflictReason::AlreadyDecided });
    assert_eq!(case_state(&hub, &disputed.id), CaseState::Decided);
    let list: DisputeList =
        hub.call(Method::GET, routes::SUPERVISOR_DISPUTES, Some(&s), None::<&()>).await.json();
    assert!(list.cases.is_empty());
    // An agreed case is not a dispute to resolve.
    let path = routes::supervisor_dispute_decision(&agreed.id);
    let late = EscalationDecision {
        idempotency_key: kyc_proto::IdempotencyKey::parse("s-agreed").unwrap(),
        decision: item("s-agreed", &agreed, face()).decision,
    };
    let answer: DecisionResult = hub.call(Method::POST, &path, Some(&s), Some(&late)).await.json();
    assert_eq!(answer.status, DecisionStatus::Conflict { reason: ConflictReason::AlreadyDecided });
}

#[tokio::test]
async fn agreeing_slots_decide_under_four_eyes_and_a_share_of_zero_marks_nothing() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 2, 913).await;
    assert!(slots(&hub).is_empty(), "the default share is 0");
    let policy = Policy {
        double_review_percent: 100,
        four_eyes_rules: vec![kyc_proto::FourEyesRule {
            kind: None,
            outcome: OutcomeCode::Reject,
            reasons: Vec::new(),
        }],
        ..kyc_hub::store::default_policy()
    };
    let answer = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    assert_eq!(answer.status.as_u16(), 200);
    let bad = Policy { double_review_percent: 101, ..policy.clone() };
    let answer = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&bad)).await;
    answer.expect_error(400, "invalid");
    assert!(answer.error().message.contains("double_review_percent"));
    let marked = hub.intake_many(&admin, 1, 914).await.remove(0).case;
    assert_eq!(slots(&hub).len(), 2);
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    // The unmarked cases are leased as before; the marked one by slot.
    assert_eq!(hub.lease(&a, 5).await.cases.len(), 3);
    let b_grant = hub.lease(&b, 5).await.cases;
    assert_eq!(b_grant.len(), 1);
    assert_eq!(b_grant[0].case.id, marked.id);
    hub.decide(&a, vec![item("fe-a", &marked, face())]).await;
    hub.decide(&b, vec![item("fe-b", &marked, face())]).await;
    assert_eq!(case_state(&hub, &marked.id), CaseState::AwaitingConfirmation);
}

#[tokio::test]
async fn a_schema_3_database_gains_review_slots() {
    let mut hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let old = hub.intake_many(&admin, 1, 915).await.remove(0).case;
    let a = hub.login(REVIEWER_A).await;
    assert_eq!(hub.lease(&a, 5).await.cases.len(), 1);
    // Schema 3 is schema 4 without the slots table.
    hub.sql("DROP TABLE review_slots; PRAGMA user_version = 3;");
    hub.restart().await;
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, kyc_hub::store::sqlite::SCHEMA_VERSION);
    let admin = hub.login(ADMIN).await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    // The old lease still holds and decides as before.
    let result = hub.decide(&a, vec![item("mig-old", &old, face())]).await;
    assert!(matches!(
        result.results[0].status,
        DecisionStatus::Accepted { case_state: CaseState::Decided, .. }
    ));
    set_share(&hub, &admin, 100).await;
    let new = hub.intake_many(&admin, 1, 916).await.remove(0).case;
    assert_eq!(slots(&hub).len(), 2);
    assert_eq!(hub.lease(&a, 5).await.cases.len(), 1);
    assert_eq!(hub.lease(&b, 5).await.cases.len(), 1);
    hub.decide(&a, vec![item("mig-a", &new, face())]).await;
    hub.decide(&b, vec![item("mig-b", &new, face())]).await;
    assert_eq!(case_state(&hub, &new.id), CaseState::Decided);
}

#[tokio::test]
async fn agreement_and_kappa_per_reviewer_pair_match_hand_computed_values() {
    let mut hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    set_share(&hub, &admin, 100).await;
    hub.intake_many(&admin, 6, 917).await;
    let c_name = add_reviewers(&mut hub, 1).remove(0);
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let c = hub.login(&c_name).await;
    let s = hub.login(SUPERVISOR).await;
    let id_of = |token: String| {
        let hub = &hub;
        async move {
            let me: kyc_proto::Me =
                hub.call(Method::GET, routes::ME, Some(&token), None::<&()>).await.json();
            me.user
        }
    };
    let (id_a, id_b, id_c) =
        (id_of(a.clone()).await, id_of(b.clone()).await, id_of(c.clone()).await);
    // Six cases by A and B: both reject 3, both escalate 1, A rejects and B escalates 1, the
    // reverse 1. p_o = 4/6; each reviewer rejects 4/6 and escalates 2/6, so
    // p_e = (4/6)² + (2/6)² = 20/36 and kappa = (24/36 - 20/36) / (16/36) = 0.25.
    let plan = [
        (face(), face()),
        (face(), face()),
        (face(), face()),
        (Outcome::Escalate, Outcome::Escalate),
        (face(), Outcome::Escalate),
        (Outcome::Escalate, face()),
    ];
    let by_a = hub.lease(&a, 6).await.cases;
    let by_b = hub.lease(&b, 6).await.cases;
    assert_eq!((by_a.len(), by_b.len()), (6, 6));
    let mut items_a = Vec::new();
    let mut items_b = Vec::new();
    for (i, (leased, (oa, ob))) in by_a.iter().zip(plan).enumerate() {
        items_a.push(item(&format!("k-a-{i}"), &leased.case, oa));
        items_b.push(item(&format!("k-b-{i}"), &leased.case, ob));
    }
    hub.decide(&a, items_a).await;
    hub.decide(&b, items_b).await;
    // One more case, by A and C, who agree: 100 %, kappa undefined (both only rejected).
    let last = hub.intake_many(&admin, 1, 918).await.remove(0).case;
    assert_eq!(hub.lease(&a, 5).await.cases.len(), 1);
    assert_eq!(hub.lease(&c, 5).await.cases.len(), 1);
    hub.decide(&a, vec![item("k-a-last", &last, face())]).await;
    hub.decide(&c, vec![item("k-c-last", &last, face())]).await;
    let stats: kyc_proto::StatsResponse =
        hub.call(Method::GET, routes::SUPERVISOR_STATS, Some(&s), None::<&()>).await.json();
    let pair = |x: &kyc_model::UserId, y: &kyc_model::UserId| {
        let (first, second) = if x.as_str() < y.as_str() { (x, y) } else { (y, x) };
        stats
            .agreement
            .iter()
            .find(|p| &p.first == first && &p.second == second)
            .unwrap_or_else(|| panic!("no pair in {:?}", stats.agreement))
            .clone()
    };
    assert_eq!(stats.agreement.len(), 2);
    let ab = pair(&id_a, &id_b);
    assert_eq!((ab.cases, ab.agreed), (6, 4));
    assert!((ab.agreement_rate - 4.0 / 6.0).abs() < 1e-12, "{ab:?}");
    assert!((ab.kappa.unwrap() - 0.25).abs() < 1e-12, "{ab:?}");
    let ac = pair(&id_a, &id_c);
    assert_eq!((ac.cases, ac.agreed, ac.agreement_rate, ac.kappa), (1, 1, 1.0, None));
    // The same figures in the CSV export.
    let csv = hub.call(Method::GET, routes::SUPERVISOR_STATS_CSV, Some(&s), None::<&()>).await;
    let csv = String::from_utf8(csv.body).unwrap();
    let who = format!("{}+{}", ab.first.as_str(), ab.second.as_str());
    assert!(csv.contains(&format!("{who},,double_reviews,6\r\n")), "{csv}");
    let kappa: f64 = csv
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{who},,kappa,")))
        .unwrap_or_else(|| panic!("{csv}"))
        .parse()
        .unwrap();
    assert!((kappa - 0.25).abs() < 1e-12, "{kappa}");
    let who = format!("{}+{}", ac.first.as_str(), ac.second.as_str());
    assert!(csv.contains(&format!("{who},,kappa,\r\n")), "{csv}");
}

#[tokio::test]
async fn a_slot_holder_reports_unusable_media_and_the_case_returns_to_its_slots() {
    use kyc_proto::{
        AttentionAction, AttentionResolution, AttentionResolved, MediaProblemCode,
        MediaProblemOutcome, MediaProblemReport, MediaProblemResponse,
    };
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    set_share(&hub, &admin, 100).await;
    let planted =
        crate::poison::plant_past_intake(&hub, 919, b"\xFF\xD8\xFF\xE0 not a jpeg".to_vec());
    let bad = planted.media[crate::poison::first_of(&planted, "image/")].0.clone();
    let good = planted.media.iter().find(|(id, ..)| *id != bad).unwrap().0.clone();
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    assert_eq!(hub.lease(&a, 5).await.cases.len(), 1);
    assert_eq!(hub.lease(&b, 5).await.cases.len(), 1);
    // Each slot holder may download and report; a refuted report leaves the slots as they are.
    let download = hub.call(Method::GET, &routes::media(&good), Some(&b), None::<&()>).await;
    assert_eq!(download.status.as_u16(), 200);
    let report = |token: String, media: kyc_model::MediaId| {
        let (hub, case) = (&hub, planted.case.id.clone());
        async move {
            let body = MediaProblemReport { media_id: media, reason: MediaProblemCode::Corrupt };
            let path = routes::case_media_problem(&case);
            hub.call(Method::POST, &path, Some(&token), Some(&body)).await
        }
    };
    let refuted: MediaProblemResponse = report(b.clone(), good.clone()).await.json();
    assert_eq!(refuted.outcome, MediaProblemOutcome::Refuted);
    assert_eq!(refuted.case_state, CaseState::DoubleReview);
    let confirmed: MediaProblemResponse = report(a.clone(), bad).await.json();
    assert_eq!(confirmed.outcome, MediaProblemOutcome::Confirmed);
    assert_eq!(case_state(&hub, &planted.case.id), CaseState::NeedsAttention);
    // The other slot's holder lost their lease with the case.
    let download = hub.call(Method::GET, &routes::media(&good), Some(&b), None::<&()>).await;
    download.expect_error(403, "forbidden");
    let result = hub.decide(&b, vec![item("na-b", &planted.case, face())]).await;
    assert_eq!(
        result.results[0].status,
        DecisionStatus::Conflict { reason: ConflictReason::LeaseExpired }
    );
    // Back to the queue means back to its two slots.
    let path = routes::admin_needs_attention_case(&planted.case.id);
    let body = AttentionResolution { action: AttentionAction::ReturnToQueue };
    let answer: AttentionResolved =
        hub.call(Method::POST, &path, Some(&admin), Some(&body)).await.json();
    assert_eq!(answer.case_state, CaseState::DoubleReview);
    assert_eq!(hub.lease(&a, 5).await.cases.len(), 1);
    assert_eq!(hub.lease(&b, 5).await.cases.len(), 1);
    assert!(hub.lease(&a, 5).await.cases.is_empty());
    hub.decide(&a, vec![item("na-a2", &planted.case, face())]).await;
    hub.decide(&b, vec![item("na-b2", &planted.case, face())]).await;
    assert_eq!(case_state(&hub, &planted.case.id), CaseState::Decided);
}

#[tokio::test]
async fn an_overturned_double_review_goes_back_to_the_queue_as_an_ordinary_case() {
    use kyc_proto::{VerdictKind, VerdictRequest, VerdictResponse};
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    set_share(&hub, &admin, 100).await;
    let case = hub.intake_many(&admin, 1, 920).await.remove(0).case;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let s = hub.login(SUPERVISOR).await;
    hub.lease(&a, 5).await;
    hub.lease(&b, 5).await;
    hub.decide(&a, vec![item("ov-a", &case, face())]).await;
    let second = hub.decide(&b, vec![item("ov-b", &case, face())]).await;
    let DecisionStatus::Accepted { decision_id, .. } = second.results[0].status else {
        panic!("{second:?}")
    };
    // The default policy requeues an overturn.
    let request = VerdictRequest {
        decision_id,
        verdict: VerdictKind::Overturn,
        note: Some("both missed it".into()),
        corrected: None,
    };
    let answer: VerdictResponse =
        hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&s), Some(&request)).await.json();
    assert_eq!(answer.case_state, CaseState::Open);
    let grant = hub.lease(&a, 5).await.cases;
    assert_eq!(grant.len(), 1);
    let result = hub.decide(&a, vec![item("ov-a-again", &case, face())]).await;
    assert!(
        matches!(
            result.results[0].status,
            DecisionStatus::Accepted { case_state: CaseState::Decided, .. }
        ),
        "{result:?}"
    );
}
