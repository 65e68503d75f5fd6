//! The supervisors' queues and QA samples through `Desk`, against a real hub: an escalated
//! case and a disputed double review are each decided exactly once (a retry is a duplicate,
//! a second decision a conflict); the decisions table's reviewer, kind, time and order
//! filters are the hub's; an overturn where policy says `correct` records the supervisor's
//! outcome, which supersedes the reviewer's; a four-eyes decision is confirmed; a QA sample is
//! drawn reproducibly and its progress follows the verdicts; the remembered chain head is
//! there to export.

use std::sync::Arc;

use kyc_app::Desk;
use kyc_app::ErrorCode;
use kyc_app::ipc::{
    CorrectionInput, DecisionFilter, DecisionInput, OutcomeCode, SampleInput, VerdictInput,
};
use kyc_model::CaseKind;
use kyc_proto::{FourEyesRule, OutcomeCode as WireOutcome, OverturnAction, OverturnRule, Policy};
use time::format_description::well_known::Rfc3339;

use crate::support::*;

const SUPERVISOR: &str = "supervisor";

fn input(case_id: &str, outcome: OutcomeCode, reasons: &[&str]) -> DecisionInput {
    DecisionInput {
        case_id: case_id.to_owned(),
        outcome,
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        documents: vec![],
        note: None,
        applicant_text: None,
    }
}

/// Signs `user` in on a fresh desk, pulls and decides every case it gets with `decide`
/// (given the case id and whether consent permits approval). Returns the desk, the account id
/// and the decided case ids.
async fn review(
    hub: &Hub,
    dir: &std::path::Path,
    user: &str,
    decide: impl Fn(&str, bool) -> DecisionInput,
) -> (Arc<Desk>, String, Vec<String>) {
    let desk = desk(dir);
    let state = desk.sign_in(login(hub, user)).await.unwrap();
    let id = state.session.unwrap().user_id;
    desk.pull(10, Arc::new(|_| {})).await.unwrap();
    let mut decided = Vec::new();
    for item in desk.queue().await.unwrap() {
        let view = desk.open_case(&item.case_id).await.unwrap();
        desk.decide(decide(&item.case_id, view.consent_given)).await.unwrap();
        decided.push(item.case_id);
    }
    (desk, id, decided)
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_and_a_dispute_are_each_decided_exactly_once() {
    let synth = synth();
    let ordinary: Vec<kyc_model::Case> = synth[..2].iter().map(|s| s.case.clone()).collect();
    let double: Vec<kyc_model::Case> = synth[2..3].iter().map(|s| s.case.clone()).collect();
    let hub =
        Hub::start_with_policy(&ordinary, &double, synth, &kyc_hub::store::default_policy()).await;
    let (escalated, disputed) = (ordinary[0].id.to_string(), double[0].id.to_string());

    // The first reviewer escalates one case and rejects the others, the double-reviewed one
    // included; the second gets only that case's second slot and escalates it: a dispute.
    let dir1 = tempfile::tempdir().unwrap();
    let (reviewer, reviewer_id, decided) = review(&hub, dir1.path(), REVIEWER, |id, _| {
        if id == escalated {
            input(id, OutcomeCode::Escalate, &[])
        } else {
            input(id, OutcomeCode::Reject, &["R01"])
        }
    })
    .await;
    assert_eq!(decided.len(), 3);
    eventually(20, "the first reviewer's decisions pushed", || hub.decisions().len() == 3).await;
    let dir2 = tempfile::tempdir().unwrap();
    let (_reviewer2, reviewer2_id, decided2) =
        review(&hub, dir2.path(), REVIEWER2, |id, _| input(id, OutcomeCode::Escalate, &[])).await;
    assert_eq!(
        decided2.as_slice(),
        std::slice::from_ref(&disputed),
        "only the second slot is left"
    );
    eventually(20, "the second slot pushed", || hub.decisions().len() == 4).await;

    // Reviewers have no queue of supervisors.
    let err = reviewer.supervisor_escalations().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    let dir = tempfile::tempdir().unwrap();
    let supervisor = desk(dir.path());
    supervisor.sign_in(login(&hub, SUPERVISOR)).await.unwrap();

    // The escalation: listed with who escalated it; decided once.
    let queue = supervisor.supervisor_escalations().await.unwrap();
    assert_eq!(queue.len(), 1, "{queue:?}");
    let entry = &queue[0];
    assert_eq!(
        (entry.case_id.as_str(), entry.escalated_by.as_str()),
        (escalated.as_str(), reviewer_id.as_str())
    );
    assert!(entry.waiting_secs >= 0);
    let case = supervisor.supervisor_case(&escalated).await.unwrap();
    assert_eq!(case.state, "escalated");
    assert_eq!(case.decisions.len(), 1);
    assert_eq!(case.decisions[0].outcome, "escalate");
    let refused = supervisor
        .decide_escalation(entry.decision_id, input(&escalated, OutcomeCode::Escalate, &[]))
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid, "a supervisor cannot escalate further");
    let refused = supervisor
        .decide_escalation(entry.decision_id, input(&escalated, OutcomeCode::Reject, &[]))
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid, "a rejection needs a reason");
    let decision = input(&escalated, OutcomeCode::Reject, &["R01"]);
    let first = supervisor.decide_escalation(entry.decision_id, decision.clone()).await.unwrap();
    assert_eq!((first.case_state.as_str(), first.duplicate), ("decided", false));
    // The answer lost, the supervisor tries again: the hub has it already.
    let retry = supervisor.decide_escalation(entry.decision_id, decision.clone()).await.unwrap();
    assert!(retry.duplicate);
    assert_eq!(retry.decision_id, first.decision_id);
    // A changed decision under the same entry is refused: the hub keeps the first.
    let changed = input(&escalated, OutcomeCode::Reject, &["R02"]);
    let err = supervisor.decide_escalation(entry.decision_id, changed).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(supervisor.supervisor_escalations().await.unwrap().is_empty());
    // Another decision on the same case (another key) finds it decided.
    let late = supervisor.decide_escalation(entry.decision_id + 1000, decision).await.unwrap_err();
    assert_eq!(late.code, ErrorCode::Conflict);
    let on_case = |id: &str| hub.decisions().iter().filter(|(c, _)| c == id).count();
    assert_eq!(on_case(&escalated), 2, "the reviewer's escalation and one supervisor's decision");
    let case = supervisor.supervisor_case(&escalated).await.unwrap();
    assert_eq!(case.decisions.last().unwrap().source, "escalation");

    // The dispute: both slots side by side, by two reviewers; resolved once.
    let disputes = supervisor.supervisor_disputes().await.unwrap();
    assert_eq!(disputes.len(), 1, "{disputes:?}");
    let dispute = &disputes[0];
    assert_eq!(dispute.case_id, disputed);
    let slots: Vec<_> =
        dispute.slots.iter().map(|s| (s.slot, s.outcome.as_str(), s.reviewer.as_str())).collect();
    assert_eq!(
        slots,
        [(1, "reject", reviewer_id.as_str()), (2, "escalate", reviewer2_id.as_str())]
    );
    let case = supervisor.supervisor_case(&disputed).await.unwrap();
    assert_eq!((case.state.as_str(), case.decisions.len()), ("disputed", 2));
    let entry = dispute.slots.iter().map(|s| s.decision_id).max().unwrap();
    let refused = supervisor
        .resolve_dispute(entry, input(&disputed, OutcomeCode::Escalate, &[]))
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
    let resolution = input(&disputed, OutcomeCode::Reject, &["R01"]);
    let first = supervisor.resolve_dispute(entry, resolution.clone()).await.unwrap();
    assert_eq!((first.case_state.as_str(), first.duplicate), ("decided", false));
    let retry = supervisor.resolve_dispute(entry, resolution).await.unwrap();
    assert!(retry.duplicate && retry.decision_id == first.decision_id);
    assert!(supervisor.supervisor_disputes().await.unwrap().is_empty());
    assert_eq!(on_case(&disputed), 3, "two slots and one resolution");
    let case = supervisor.supervisor_case(&disputed).await.unwrap();
    assert_eq!(case.decisions.last().unwrap().source, "dispute");
    assert_eq!(case.state, "decided");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_corrections_four_eyes_and_a_reproducible_sample() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(3).map(|s| s.case.clone()).collect();
    // Every rejection waits for four-eyes; an overturn of any kind records a correction.
    let policy = Policy {
        four_eyes_rules: vec![FourEyesRule {
            kind: None,
            outcome: WireOutcome::Reject,
            reasons: vec![],
        }],
        overturn_actions: CaseKind::ALL
            .into_iter()
            .map(|kind| OverturnRule { kind, action: OverturnAction::Correct })
            .collect(),
        ..kyc_hub::store::default_policy()
    };
    let hub = Hub::start_with_policy(&cases, &[], synth, &policy).await;

    // The reviewer approves the first case with consent and rejects the others.
    let approved = std::sync::Mutex::new(None::<String>);
    let dir1 = tempfile::tempdir().unwrap();
    let (_reviewer, reviewer_id, decided) = review(&hub, dir1.path(), REVIEWER, |id, consent| {
        let mut first = approved.lock().unwrap();
        if consent && first.is_none() {
            *first = Some(id.to_owned());
            input(id, OutcomeCode::Approve, &[])
        } else {
            input(id, OutcomeCode::Reject, &["R01"])
        }
    })
    .await;
    let approved = approved.into_inner().unwrap().expect("a case with consent");
    let rejected: Vec<String> = decided.iter().filter(|c| **c != approved).cloned().collect();
    assert_eq!(rejected.len(), 2);
    eventually(20, "the decisions pushed", || hub.decisions().len() == 3).await;

    let dir = tempfile::tempdir().unwrap();
    let supervisor = desk(dir.path());
    supervisor.sign_in(login(&hub, SUPERVISOR)).await.unwrap();
    assert_eq!(supervisor.audit_head().await.unwrap(), None, "nothing remembered before a check");

    // A QA sample of everything in the last hour, drawn with a stated seed, before any verdict.
    let now = time::OffsetDateTime::now_utc();
    let window = |seed: Option<&str>| SampleInput {
        name: "QA this hour".into(),
        percent: 100,
        from: rfc3339(now - time::Duration::hours(1)),
        to: rfc3339(now + time::Duration::hours(1)),
        seed: seed.map(str::to_owned),
    };
    let sample = supervisor.create_sample(window(Some("qa-seed-1"))).await.unwrap();
    assert_eq!((sample.summary.size, sample.summary.judged), (3, 0));
    assert_eq!(sample.summary.seed, "qa-seed-1");
    assert!(sample.members.iter().all(|m| m.reviewer == reviewer_id && m.verdict.is_none()));
    let members = |s: &kyc_app::ipc::SampleDetail| {
        s.members.iter().map(|m| m.decision_id).collect::<Vec<_>>()
    };
    // The same window and seed draw the same list; no seed: the hub draws one and says which.
    let again = supervisor.create_sample(window(Some("qa-seed-1"))).await.unwrap();
    assert_ne!(again.summary.sample_id, sample.summary.sample_id);
    assert_eq!(members(&again), members(&sample));
    let random = supervisor.create_sample(window(None)).await.unwrap();
    assert!(!random.summary.seed.is_empty());
    for bad in [
        SampleInput { seed: Some("not a seed!".into()), ..window(None) },
        SampleInput { percent: 0, ..window(None) },
        SampleInput { name: "  ".into(), ..window(None) },
        SampleInput { from: "yesterday".into(), ..window(None) },
        SampleInput { from: rfc3339(now + time::Duration::hours(2)), ..window(None) },
    ] {
        let err = supervisor.create_sample(bad).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{err:?}");
    }
    let listed = supervisor.supervisor_samples().await.unwrap();
    assert_eq!(listed.len(), 3);

    // The filters are the hub's: reviewer, kind, time range, order.
    let page = |filter: DecisionFilter| {
        let supervisor = supervisor.clone();
        async move { supervisor.supervisor_decisions(filter).await }
    };
    let by_reviewer = DecisionFilter { reviewer: Some(reviewer_id.clone()), ..Default::default() };
    assert_eq!(page(by_reviewer).await.unwrap().total, 3);
    let by_other = DecisionFilter { reviewer: Some("u_nobody".into()), ..Default::default() };
    assert_eq!(page(by_other).await.unwrap().total, 0);
    let bogus = DecisionFilter { reviewer: Some("not an id".into()), ..Default::default() };
    assert_eq!(page(bogus).await.unwrap_err().code, ErrorCode::Invalid);
    let kind = cases.iter().find(|c| c.id.as_str() == approved).unwrap().kind;
    let same_kind = cases.iter().filter(|c| c.kind == kind).count() as u64;
    let by_kind = DecisionFilter { kind: Some(kind.code().into()), ..Default::default() };
    assert_eq!(page(by_kind).await.unwrap().total, same_kind);
    let later = DecisionFilter {
        from: Some(rfc3339(now + time::Duration::hours(1))),
        ..Default::default()
    };
    assert_eq!(page(later).await.unwrap().total, 0);
    let earlier =
        DecisionFilter { to: Some(rfc3339(now - time::Duration::hours(1))), ..Default::default() };
    assert_eq!(page(earlier).await.unwrap().total, 0);
    let around = DecisionFilter {
        from: Some(rfc3339(now - time::Duration::hours(1))),
        to: Some(rfc3339(now + time::Duration::hours(1))),
        ..Default::default()
    };
    assert_eq!(page(around).await.unwrap().total, 3);
    let backwards = DecisionFilter {
        from: Some(rfc3339(now)),
        to: Some(rfc3339(now - time::Duration::hours(1))),
        ..Default::default()
    };
    assert_eq!(page(backwards).await.unwrap_err().code, ErrorCode::Invalid);
    let not_a_time = DecisionFilter { from: Some("last week".into()), ..Default::default() };
    assert_eq!(page(not_a_time).await.unwrap_err().code, ErrorCode::Invalid);
    let ids = |sort: &str| {
        let filter = DecisionFilter { sort: Some(sort.into()), ..Default::default() };
        let supervisor = supervisor.clone();
        async move {
            supervisor
                .supervisor_decisions(filter)
                .await
                .unwrap()
                .rows
                .iter()
                .map(|r| r.decision_id)
                .collect::<Vec<_>>()
        }
    };
    let (newest, mut oldest) = (ids("newest").await, ids("oldest").await);
    oldest.reverse();
    assert_eq!(newest, oldest);
    let unknown = DecisionFilter { sort: Some("sideways".into()), ..Default::default() };
    assert_eq!(page(unknown).await.unwrap_err().code, ErrorCode::Invalid);

    // Four-eyes: both rejections wait, first in the table; one is confirmed.
    let waiting = page(DecisionFilter { waiting: Some(true), ..Default::default() }).await.unwrap();
    assert_eq!(waiting.total, 2);
    assert!(
        waiting
            .rows
            .iter()
            .all(|r| r.waiting_secs.is_some() && r.case_state == "awaiting_confirmation")
    );
    let all = page(DecisionFilter::default()).await.unwrap().rows;
    assert!(all[..2].iter().all(|r| r.waiting_secs.is_some()), "waiting decisions come first");
    let row_of = |case: &str| all.iter().find(|r| r.case_id == case).unwrap().clone();
    let confirmed = supervisor
        .give_verdict(VerdictInput {
            decision_id: row_of(&rejected[0]).decision_id,
            agree: true,
            note: None,
            corrected: None,
        })
        .await
        .unwrap();
    assert_eq!(confirmed.case_state, "decided");

    // The overturn of the approval: policy wants a correction for this kind.
    let case = supervisor.supervisor_case(&approved).await.unwrap();
    assert_eq!(case.overturn_action, "correct");
    assert!(case.consent_given && !case.resubmittable.is_empty());
    let overturn = |corrected: Option<CorrectionInput>| VerdictInput {
        decision_id: row_of(&approved).decision_id,
        agree: false,
        note: Some("the portrait does not match".into()),
        corrected,
    };
    let reject = |reasons: &[&str]| CorrectionInput {
        outcome: OutcomeCode::Reject,
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        documents: vec![],
    };
    let err = supervisor.give_verdict(overturn(None)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid, "the hub wants the corrected outcome: {err:?}");
    let err = supervisor.give_verdict(overturn(Some(reject(&[])))).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid, "a rejection needs a reason");
    let escalate = CorrectionInput { outcome: OutcomeCode::Escalate, ..reject(&[]) };
    assert_eq!(
        supervisor.give_verdict(overturn(Some(escalate))).await.unwrap_err().code,
        ErrorCode::Invalid
    );
    let agree_with_correction =
        VerdictInput { agree: true, note: None, ..overturn(Some(reject(&["R01"]))) };
    assert_eq!(
        supervisor.give_verdict(agree_with_correction).await.unwrap_err().code,
        ErrorCode::Invalid
    );
    let corrected = supervisor.give_verdict(overturn(Some(reject(&["R01"])))).await.unwrap();
    assert_eq!(
        (corrected.action.as_deref(), corrected.case_state.as_str()),
        (Some("correct"), "decided")
    );
    let correction_id = corrected.correction_id.expect("the correction's number");
    let case = supervisor.supervisor_case(&approved).await.unwrap();
    let [original, correction] = &case.decisions[..] else { panic!("{:?}", case.decisions) };
    assert_eq!(
        (original.verdict.as_deref(), original.superseded_by),
        (Some("overturn"), Some(correction_id))
    );
    assert_eq!(
        (
            correction.decision_id,
            correction.source.as_str(),
            correction.outcome.as_str(),
            correction.supersedes
        ),
        (correction_id, "correction", "reject", Some(original.decision_id))
    );
    assert_eq!(correction.reasons.len(), 1);

    // The sample's progress follows the verdicts: two of three judged, then all.
    let progress = supervisor.supervisor_sample(&sample.summary.sample_id).await.unwrap();
    assert_eq!((progress.summary.judged, progress.summary.size), (2, 3));
    assert_eq!(members(&progress), members(&sample), "the list itself never changes");
    let verdicts: Vec<_> = progress.members.iter().filter_map(|m| m.verdict.as_deref()).collect();
    assert_eq!(verdicts.len(), 2);
    supervisor
        .give_verdict(VerdictInput {
            decision_id: row_of(&rejected[1]).decision_id,
            agree: true,
            note: None,
            corrected: None,
        })
        .await
        .unwrap();
    let done = supervisor.supervisor_sample(&sample.summary.sample_id).await.unwrap();
    assert_eq!(done.summary.judged, 3);
    assert_eq!(supervisor.supervisor_sample("../x").await.unwrap_err().code, ErrorCode::NotFound);

    // The chain head the desk remembers is the last good check's, ready to copy.
    let check = supervisor.verify_audit().await.unwrap();
    assert_eq!(supervisor.audit_head().await.unwrap(), check.head);
}
