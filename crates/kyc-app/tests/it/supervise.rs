//! Supervisor mode through `Desk`, against a real hub: a reviewer decides, a supervisor lists,
//! filters, opens the case's trail, gives verdicts and checks the audit chain — which the
//! desk remembers, so a chain rewritten behind its back fails the next check.

use std::sync::Arc;

use kyc_app::ErrorCode;
use kyc_app::ipc::{DecisionFilter, DecisionInput, OutcomeCode, Role, VerdictInput};

use crate::support::*;

const SUPERVISOR: &str = "supervisor";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_lists_opens_judges_and_verifies_what_a_reviewer_decided() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(3).map(|s| s.case.clone()).collect();
    let mut hub = Hub::start(&cases, synth).await;

    // A reviewer approves one case and rejects another; both reach the hub.
    let reviewer_dir = tempfile::tempdir().unwrap();
    let reviewer = desk(reviewer_dir.path());
    let signed_in = reviewer.sign_in(login(&hub, REVIEWER)).await.unwrap();
    let reviewer_id = signed_in.session.unwrap().user_id;
    reviewer.pull(3, Arc::new(|_| {})).await.unwrap();
    let queue = reviewer.queue().await.unwrap();
    let (mut approved, mut rejected) = (None, None);
    for item in &queue {
        let view = reviewer.open_case(&item.case_id).await.unwrap();
        let mut input = DecisionInput {
            case_id: item.case_id.clone(),
            outcome: OutcomeCode::Approve,
            reasons: vec![],
            documents: vec![],
            note: None,
            applicant_text: None,
        };
        if approved.is_none() && view.consent_given {
            approved = Some(item.case_id.clone());
        } else if rejected.is_none() {
            input.outcome = OutcomeCode::Reject;
            input.reasons = vec!["R01".into()];
            input.note = Some("the portrait does not match".into());
            rejected = Some(item.case_id.clone());
        } else {
            continue;
        }
        reviewer.decide(input).await.unwrap();
    }
    let (approved, rejected) = (approved.unwrap(), rejected.unwrap());
    eventually(20, "both decisions pushed", || hub.decisions().len() == 2).await;

    // A reviewer has no supervisor mode.
    let err = reviewer.supervisor_decisions(DecisionFilter::default()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    let supervisor_dir = tempfile::tempdir().unwrap();
    let supervisor = desk(supervisor_dir.path());
    let state = supervisor.sign_in(login(&hub, SUPERVISOR)).await.unwrap();
    assert_eq!(state.session.as_ref().unwrap().role, Role::Supervisor);

    // The table: both decisions, the reviewer's, none of them the supervisor's own; filters
    // are the hub's, and an unknown filter value is a typed error.
    let page = supervisor.supervisor_decisions(DecisionFilter::default()).await.unwrap();
    assert_eq!((page.total, page.rows.len(), page.next_offset), (2, 2, None));
    assert!(page.rows.iter().all(|r| r.reviewer == reviewer_id && !r.own));
    let rejected_row = page.rows.iter().find(|r| r.case_id == rejected).unwrap();
    assert_eq!(rejected_row.outcome, "reject");
    assert_eq!(rejected_row.reasons.len(), 1);
    assert!(rejected_row.has_note);
    assert!(rejected_row.handling_secs.is_some(), "the workstation's active time arrived");
    let only_rejects = DecisionFilter { outcome: Some("reject".into()), ..Default::default() };
    let page = supervisor.supervisor_decisions(only_rejects).await.unwrap();
    assert_eq!(page.rows.iter().map(|r| r.case_id.as_str()).collect::<Vec<_>>(), [&rejected]);
    let bogus = DecisionFilter { outcome: Some("maybe".into()), ..Default::default() };
    assert_eq!(supervisor.supervisor_decisions(bogus).await.unwrap_err().code, ErrorCode::Invalid);

    // The case's trail: the reviewer opened it, decided it; the supervisor's open is audited.
    let case = supervisor.supervisor_case(&rejected).await.unwrap();
    assert_eq!(case.decisions.len(), 1);
    let events: Vec<_> = case.audit.iter().filter_map(|l| l.event.as_deref()).collect();
    assert!(events.contains(&"case_opened"), "{:?}", case.audit);
    assert!(case.audit.iter().any(|l| l.what == "decision_recorded"), "{:?}", case.audit);
    assert_eq!(
        supervisor.supervisor_case("../etc").await.unwrap_err().code,
        ErrorCode::NotFound,
        "a path-like id is refused before it reaches the hub"
    );

    // Verdicts: agree with the approval; an overturn needs a note; the rejection overturned
    // goes back to the queue (the default policy's action).
    let approve_row = |rows: &[kyc_app::ipc::DecisionRow]| {
        rows.iter().find(|r| r.case_id == approved).unwrap().decision_id
    };
    let rows = supervisor.supervisor_decisions(DecisionFilter::default()).await.unwrap().rows;
    let agreed = supervisor
        .give_verdict(VerdictInput {
            decision_id: approve_row(&rows),
            agree: true,
            note: None,
            corrected: None,
        })
        .await
        .unwrap();
    assert_eq!(agreed.action, None);
    let overturn = |note: Option<&str>| VerdictInput {
        decision_id: rejected_row.decision_id,
        agree: false,
        note: note.map(str::to_owned),
        corrected: None,
    };
    assert_eq!(supervisor.give_verdict(overturn(None)).await.unwrap_err().code, ErrorCode::Invalid);
    let overturned = supervisor.give_verdict(overturn(Some("the portrait matches"))).await.unwrap();
    assert_eq!(
        (overturned.action.as_deref(), overturned.case_state.as_str()),
        (Some("requeue"), "open")
    );
    let judged = DecisionFilter { verdict: Some("overturned".into()), ..Default::default() };
    let page = supervisor.supervisor_decisions(judged).await.unwrap();
    assert_eq!(
        page.rows.iter().map(|r| r.verdict.as_deref()).collect::<Vec<_>>(),
        [Some("overturn")]
    );

    // The audit chain: intact; the second check extends the first one's head.
    let first = supervisor.verify_audit().await.unwrap();
    assert!(first.intact && first.records > 0 && first.verified_through == first.records);
    assert_eq!((first.previous_head_seq, first.against_previous.as_deref()), (None, None));
    let second = supervisor.verify_audit().await.unwrap();
    assert!(second.intact);
    assert_eq!(second.against_previous.as_deref(), Some("extends"));
    let head_seq = second.head.as_deref().unwrap().split(':').next().unwrap().to_owned();

    // Someone rewrites the record the desk saw last: the hub's own check fails, and so does
    // the check against the remembered head — again next time, since a broken chain never
    // becomes the reference.
    // (The hub's database refuses updates of the chain; an attacker with the file drops that.)
    hub.sql(&format!(
        "DROP TRIGGER audit_no_update; UPDATE audit SET hash = '{}' WHERE seq = {head_seq}",
        "0".repeat(64)
    ));
    for _ in 0..2 {
        let check = supervisor.verify_audit().await.unwrap();
        assert!(!check.intact);
        assert_eq!(check.previous_head_seq.map(|s| s.to_string()), Some(head_seq.clone()));
        assert_eq!(check.against_previous.as_deref(), Some("rewritten"));
    }

    // Online only: with the hub gone, the desk says so.
    hub.stop().await;
    let err = supervisor.supervisor_decisions(DecisionFilter::default()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err:?}");
    assert!(err.message.contains("Supervisor mode needs the hub"));
}
