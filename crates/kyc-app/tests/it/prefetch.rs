//! `Desk::peek_case`, what the UI prefetches for the case `j` opens next: the same masked view
//! as opening it, with none of opening's effects.

use kyc_app::ipc::{DecisionInput, OutcomeCode, QueueState};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peeking_at_the_next_case_starts_no_clock_and_matches_its_opened_view() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(2).map(|s| s.case.clone()).collect();
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk.pull(2, std::sync::Arc::new(|_| {})).await.unwrap().pulled, 2);
    let queue = desk.queue().await.unwrap();
    let (first, next) = (&queue[0].case_id, &queue[1].case_id);

    desk.open_case(first).await.unwrap();
    let peeked = desk.peek_case(next).await.unwrap().expect("a ready case can be peeked");
    assert_eq!(desk.active_ms(next), None, "peeking started the case's clock");
    assert!(desk.active_ms(first).is_some(), "peeking closed the open case");

    let opened = desk.open_case(next).await.unwrap();
    assert_eq!(
        serde_json::to_value(&peeked).unwrap(),
        serde_json::to_value(&opened).unwrap(),
        "the prefetched view differs from the opened one"
    );

    // A decided case (held for undo) is not prefetched: its view carries the decision.
    let input = DecisionInput {
        case_id: next.clone(),
        outcome: OutcomeCode::Reject,
        reasons: vec!["R01".into()],
        documents: vec![],
        note: None,
        applicant_text: None,
    };
    let item = desk.decide(input).await.unwrap();
    assert_eq!(item.state, QueueState::Decided);
    assert!(desk.peek_case(next).await.unwrap().is_none());
    assert_eq!(desk.peek_case("../x").await.unwrap_err().code, kyc_app::ErrorCode::NotFound);
}
