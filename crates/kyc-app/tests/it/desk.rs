//! The reviewer path through `Desk`, against a real hub.

use std::sync::{Arc, Mutex};

use kyc_app::ipc::{
    CaseView, DecisionInput, MediaRole, OutcomeCode, Phase, QueueState, Role, SignedOutReason,
};
use kyc_app::session::{ACCOUNTS_DIR, VAULT_DIR};
use kyc_app::{Desk, ErrorCode, Secret};

use crate::support::*;

fn decision(case_id: &str, outcome: OutcomeCode) -> DecisionInput {
    DecisionInput {
        case_id: case_id.into(),
        outcome,
        reasons: vec![],
        documents: vec![],
        note: None,
        applicant_text: None,
    }
}

fn account_dirs(data: &std::path::Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(data.join(ACCOUNTS_DIR)) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

async fn wait_queue_len(desk: &Desk, n: usize, secs: u64) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let len = desk.queue().await.unwrap().len();
        if len == n {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "queue stayed at {len}, wanted {n}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Every revealable value of a view, revealed through the desk (audited).
async fn reveal_all(desk: &Desk, view: &CaseView) -> Vec<String> {
    let mut values = Vec::new();
    let keys = view
        .fields
        .iter()
        .chain(view.documents.iter().flat_map(|d| d.fields.iter()))
        .filter(|f| f.revealable)
        .map(|f| f.key.clone());
    for key in keys {
        values.push(desk.reveal(&view.case_id, &key, "checking the document").await.unwrap());
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewer_path_sign_in_pull_open_reveal_decide_push_lock_sign_out() {
    let synth = synth();
    let mut cases: Vec<kyc_model::Case> = synth.iter().take(4).map(|s| s.case.clone()).collect();
    // One case without consent: approving it must be refused.
    cases[0].consent = None;
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    let events = record_events(&desk);

    let state = desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);
    assert!(state.online);
    let session = state.session.unwrap();
    assert_eq!(session.role, Role::Reviewer);
    let dirs = account_dirs(data.path());
    assert_eq!(dirs.len(), 1);
    assert!(!dirs[0].to_string_lossy().contains(REVIEWER), "user name in a path");
    assert!(dirs[0].join(VAULT_DIR).exists());

    // Pull with progress.
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let summary = desk.pull(4, Arc::new(move |p| sink.lock().unwrap().push(p))).await.unwrap();
    assert_eq!(summary.pulled, 4, "{:?}", summary.failed);
    let last = *progress.lock().unwrap().last().unwrap();
    assert_eq!((last.done, last.total), (4, 4));
    assert!(last.bytes > 0 && last.bytes == last.bytes_total);
    let queue = desk.queue().await.unwrap();
    assert_eq!(queue.len(), 4);
    assert!(queue.iter().all(|q| q.state == QueueState::Ready));

    // Open each case: masked fields, no revealed value anywhere in what crossed IPC.
    let mut views = Vec::new();
    for item in &queue {
        let view = desk.open_case(&item.case_id).await.unwrap();
        let json = serde_json::to_string(&view).unwrap();
        let values = reveal_all(&desk, &view).await;
        assert!(!values.is_empty(), "every case has personal fields");
        for v in values.iter().filter(|v| v.chars().count() >= 4) {
            assert!(!json.contains(v.as_str()), "a full value crossed IPC in the case view");
        }
        assert!(!view.checks.is_empty());
        views.push(view);
    }
    // A too-short reason is refused; an unknown field is not found.
    let first = &views[0].case_id;
    let err = desk.reveal(first, "applicant.name", "ok").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    let err = desk.reveal(first, "applicant.nothing", "a reason").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    // Media: served decrypted with strict headers; unknown or path-like ids are 404.
    let image = views
        .iter()
        .flat_map(|v| v.documents.iter().flat_map(|d| d.media.iter()))
        .find(|m| m.role == MediaRole::Image)
        .unwrap();
    let r = desk.media(format!("/{}/display", image.media_id), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("image/jpeg"));
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert!(r.body.starts_with(&[0xFF, 0xD8]));
    for bad in ["/unknown-id/display", "/../vault.db/display", "/x/y/z", "/%2e%2e/display"] {
        assert_eq!(desk.media(bad.into(), None).await.status, 404, "{bad}");
    }
    if let Some(video) = views
        .iter()
        .flat_map(|v| v.documents.iter().flat_map(|d| d.media.iter()))
        .find(|m| m.role == MediaRole::Video)
    {
        let path = format!("/{}/original", video.media_id);
        let whole = desk.media(path.clone(), None).await;
        assert_eq!(whole.status, 200);
        let part = desk.media(path.clone(), Some("bytes=10-99".into())).await;
        assert_eq!(part.status, 206);
        assert_eq!(part.body, whole.body[10..100]);
        let len = whole.body.len();
        assert_eq!(part.header("Content-Range"), Some(format!("bytes 10-99/{len}").as_str()));
        let past = desk.media(path, Some(format!("bytes={len}-"))).await;
        assert_eq!(past.status, 416);
    }

    // Decide each outcome. Approve without consent is refused with the rule.
    let no_consent = views.iter().find(|v| !v.consent_given).unwrap();
    let err = desk.decide(decision(&no_consent.case_id, OutcomeCode::Approve)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("consent"));
    let mut reject = decision(&no_consent.case_id, OutcomeCode::Reject);
    reject.reasons = vec!["R01".into()];
    let item = desk.decide(reject).await.unwrap();
    assert_eq!(item.state, QueueState::Decided);
    assert!(item.undo_until.is_some());
    assert!(desk.active_ms(&no_consent.case_id).is_some());

    let others: Vec<&CaseView> = views.iter().filter(|v| v.case_id != no_consent.case_id).collect();
    let approvable = others.iter().find(|v| v.consent_given).unwrap();
    desk.decide(decision(&approvable.case_id, OutcomeCode::Approve)).await.unwrap();
    let rest: Vec<&&CaseView> = others.iter().filter(|v| v.case_id != approvable.case_id).collect();
    let mut resubmit = decision(&rest[0].case_id, OutcomeCode::Resubmit);
    resubmit.documents = vec![rest[0].resubmittable[0].clone()];
    desk.decide(resubmit).await.unwrap();
    // Escalate, undo within the window, escalate again.
    desk.decide(decision(&rest[1].case_id, OutcomeCode::Escalate)).await.unwrap();
    let undone = desk.undo_decision(&rest[1].case_id).await.unwrap();
    assert_eq!(undone.state, QueueState::Ready);
    desk.decide(decision(&rest[1].case_id, OutcomeCode::Escalate)).await.unwrap();
    // Deciding twice is a conflict.
    let err = desk.decide(decision(&rest[1].case_id, OutcomeCode::Escalate)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);

    // After the undo window the decisions are pushed; accepted cases leave the desk.
    wait_queue_len(&desk, 0, 20).await;
    let decided = hub.decisions();
    assert_eq!(decided.len(), 4, "exactly one decision per case");
    eventually(10, "reveal audit events on the hub", || {
        views
            .iter()
            .all(|v| hub.audit_kinds(&v.case_id).iter().any(|k| k.contains("field_revealed")))
    })
    .await;
    // Each case was opened (several times for some): one `case_opened` each, per sign-in.
    for v in &views {
        let opened =
            hub.audit_kinds(&v.case_id).iter().filter(|k| k.contains("case_opened")).count();
        assert_eq!(opened, 1, "one case_opened record for each case opened in this sign-in");
    }
    let err = desk.undo_decision(&rest[1].case_id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "too late to undo");

    // Lock: the key is dropped; media and cases are refused; the wrong password is counted.
    let state = desk.lock().await.unwrap();
    assert_eq!(state.phase, Phase::Locked);
    assert_eq!(desk.media(format!("/{}/display", image.media_id), None).await.status, 404);
    let err = desk.unlock(Secret::new("not the password")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassword);
    let state = desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);

    // Sign out: the vault directory is gone.
    let report = desk.sign_out(None).await.unwrap();
    assert!(report.wiped);
    assert!(!dirs[0].join(VAULT_DIR).exists());
    let state = desk.state();
    assert_eq!(state.phase, Phase::SignedOut);
    assert_eq!(state.signed_out_reason, Some(SignedOutReason::SignedOut));
    let events = events.lock().unwrap();
    assert!(events.len() > 3, "state and queue events reached the subscriber");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_decisions_are_pushed_exactly_once_when_the_hub_returns() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> =
        synth.iter().skip(4).take(2).map(|s| s.case.clone()).collect();
    let mut hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let desk1 = desk(data.path());
    desk1.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk1.pull(2, Arc::new(|_| {})).await.unwrap().pulled, 2);
    let ids: Vec<String> = desk1.queue().await.unwrap().into_iter().map(|q| q.case_id).collect();
    // The app quits; the hub goes away; the reviewer starts the app on the train.
    desk1.shutdown().await;
    drop(desk1);
    hub.stop().await;

    let desk = desk(data.path());
    let state = desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);
    assert!(!state.online, "signed in offline");
    assert_eq!(desk.queue().await.unwrap().len(), 2);
    let err = desk.pull(1, Arc::new(|_| {})).await.unwrap_err();
    assert!(
        matches!(err.code, ErrorCode::OnlineSignInRequired | ErrorCode::HubUnreachable),
        "{err:?}"
    );
    for id in &ids {
        let mut d = decision(id, OutcomeCode::Reject);
        d.reasons = vec!["R02".into()];
        desk.open_case(id).await.unwrap();
        desk.decide(d).await.unwrap();
    }
    eventually(5, "decisions written to the outbox", || desk.state().pending_push == 2).await;
    // Sign-out cannot push: refused without the confirmation, nothing lost.
    let err = desk.sign_out(None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::PendingDecisions);
    let err = desk.sign_out(Some("discard".into())).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid, "the typed confirmation must match");
    assert_eq!(desk.queue().await.unwrap().len(), 2);

    // Lock and unlock offline; then the hub returns and unlocking signs in again.
    desk.lock().await.unwrap();
    desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap();
    hub.start_again().await;
    desk.lock().await.unwrap();
    let state = desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap();
    assert!(state.online);
    wait_queue_len(&desk, 0, 20).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let decided = hub.decisions();
    assert_eq!(decided.len(), 2, "each decision exactly once");
    let report = desk.sign_out(None).await.unwrap();
    assert!(report.wiped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vault_is_created_only_after_the_hub_accepts_and_accounts_are_separate() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(2).map(|s| s.case.clone()).collect();
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();

    let a = desk(data.path());
    let mut wrong = login(&hub, REVIEWER);
    wrong.password = Secret::new("wrong password");
    let err = a.sign_in(wrong).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassword);
    assert!(account_dirs(data.path()).iter().all(|d| !d.join(VAULT_DIR).exists()));

    let mut insecure = login(&hub, REVIEWER);
    insecure.hub_url = "http://hub.example.org".into();
    assert_eq!(a.sign_in(insecure).await.unwrap_err().code, ErrorCode::InsecureHub);

    // Two accounts on one machine: each has its own vault; one signing out leaves the other.
    a.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(a.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    let b = desk(data.path());
    b.sign_in(login(&hub, REVIEWER2)).await.unwrap();
    assert_eq!(b.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    let b_case = b.queue().await.unwrap()[0].case_id.clone();
    let mut d = decision(&b_case, OutcomeCode::Reject);
    d.reasons = vec!["R01".into()];
    b.decide(d).await.unwrap();
    assert_eq!(account_dirs(data.path()).len(), 2);

    // A second process (desk) on the same account's vault is refused as in use.
    let c = desk(data.path());
    assert_eq!(c.sign_in(login(&hub, REVIEWER)).await.unwrap_err().code, ErrorCode::InUse);

    a.sign_out(None).await.unwrap();
    let remaining: Vec<_> =
        account_dirs(data.path()).into_iter().filter(|d| d.join(VAULT_DIR).exists()).collect();
    assert_eq!(remaining.len(), 1, "the other account's vault is untouched");
    assert_eq!(b.queue().await.unwrap().len(), 1);
    wait_queue_len(&b, 0, 20).await;
    assert_eq!(hub.decisions().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_account_is_wiped_and_the_login_screen_says_why() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(1).map(|s| s.case.clone()).collect();
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    kyc_hub::ops::disable_user(hub.dir.path(), REVIEWER).unwrap();

    // The push loop's next renewal or push meets the revocation.
    eventually(20, "the desk to notice the revocation", || desk.state().phase == Phase::SignedOut)
        .await;
    let state = desk.state();
    assert_eq!(state.signed_out_reason, Some(SignedOutReason::Revoked));
    assert!(account_dirs(data.path()).iter().all(|d| !d.join(VAULT_DIR).exists()), "wiped");
    let err = desk.sign_in(login(&hub, REVIEWER)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Revoked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_locks_itself_when_idle_and_activity_keeps_it_open() {
    let synth = synth();
    let hub = Hub::start(&[], synth).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = kyc_app::DeskConfig::new(data.path().to_owned());
    config.session.kdf = kyc_vault::KdfParams::insecure_for_tests();
    config.idle_lock_override = Some(std::time::Duration::from_millis(600));
    config.tick = std::time::Duration::from_millis(50);
    let desk = Desk::new(config);
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    for _ in 0..6 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        desk.activity();
    }
    assert_eq!(desk.state().phase, Phase::Unlocked, "activity keeps it unlocked");
    eventually(5, "the idle lock", || desk.state().phase == Phase::Locked).await;
    assert_eq!(desk.state().lock_reason, Some(kyc_app::ipc::LockReason::Idle));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_admin_password_reset_signing_in_opens_the_old_vault_with_its_pending_decision() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(1).map(|s| s.case.clone()).collect();
    let mut hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let desk1 = desk(data.path());
    desk1.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk1.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    let id = desk1.queue().await.unwrap()[0].case_id.clone();
    // Decided offline: the decision waits in this vault only.
    hub.stop().await;
    let mut d = decision(&id, OutcomeCode::Reject);
    d.reasons = vec!["R02".into()];
    desk1.open_case(&id).await.unwrap();
    desk1.decide(d).await.unwrap();
    eventually(5, "decision written to the outbox", || desk1.state().pending_push == 1).await;
    desk1.shutdown().await;
    drop(desk1);

    // The reviewer forgot the password; an administrator resets it.
    let reset = kyc_hub::ops::reset_password_with(
        hub.dir.path(),
        REVIEWER,
        kyc_hub::config::PasswordHashing::Cheap,
    )
    .unwrap();
    let mut with_reset = login(&hub, REVIEWER);
    with_reset.password = Secret::new(reset.as_str());
    // Offline the vault knows nothing of the reset: refused, and nothing is lost.
    let desk = desk(data.path());
    let err = desk.sign_in(with_reset.clone()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassword, "{err:?}");

    hub.start_again().await;
    let err = desk.sign_in(login(&hub, REVIEWER)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassword, "the old password no longer signs in");
    let state = desk.sign_in(with_reset.clone()).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);
    assert!(state.online);
    assert_eq!(account_dirs(data.path()).len(), 1, "the old vault, not a new one");
    // The pending decision came through the reset and is pushed exactly once.
    wait_queue_len(&desk, 0, 20).await;
    let decided = hub.decisions();
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].0, id);

    // The vault is re-keyed: the new password now unlocks it offline.
    hub.stop().await;
    desk.lock().await.unwrap();
    desk.unlock(Secret::new(reset.as_str())).await.unwrap();
    assert_eq!(desk.state().phase, Phase::Unlocked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_failed_unlock_limit_only_an_online_unlock_opens_the_desk_and_nothing_is_lost() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> =
        synth.iter().skip(1).take(1).map(|s| s.case.clone()).collect();
    let mut hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    hub.stop().await;
    desk.lock().await.unwrap();

    let mut codes = Vec::new();
    for _ in 0..=kyc_vault::DEFAULT_MAX_UNLOCK_ATTEMPTS {
        codes.push(desk.unlock(Secret::new("not the password")).await.unwrap_err().code);
    }
    // The last counted failure already stops offline unlock; later tries are refused alike.
    let limit = kyc_vault::DEFAULT_MAX_UNLOCK_ATTEMPTS as usize;
    assert!(codes[..limit - 1].iter().all(|c| *c == ErrorCode::WrongPassword), "{codes:?}");
    assert!(codes[limit - 1..].iter().all(|c| *c == ErrorCode::OnlineSignInRequired), "{codes:?}");
    // Offline even the right password no longer opens it; nothing was wiped.
    let err = desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OnlineSignInRequired);
    assert_eq!(desk.state().phase, Phase::Locked);

    hub.start_again().await;
    let state = desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);
    assert!(state.online);
    assert_eq!(desk.queue().await.unwrap().len(), 1, "the pulled case is still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_pull_keeps_what_arrived_and_gives_the_other_leases_back() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().map(|s| s.case.clone()).collect();
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let a = desk(data.path());
    a.sign_in(login(&hub, REVIEWER)).await.unwrap();

    // Cancel as soon as the first case has arrived, from the progress callback as the UI's
    // cancel button would.
    let canceller = a.clone();
    let summary = a
        .pull(
            cases.len() as u32,
            Arc::new(move |p| {
                if p.done >= 1 {
                    canceller.cancel_pull();
                }
            }),
        )
        .await
        .unwrap();
    assert!(summary.cancelled, "the pull reports it was cancelled");
    assert!(summary.pulled >= 1 && (summary.pulled as usize) < cases.len(), "{summary:?}");
    let queue = a.queue().await.unwrap();
    assert_eq!(queue.len(), summary.pulled as usize, "what arrived is in the queue, complete");
    for item in &queue {
        a.open_case(&item.case_id).await.expect("every case that arrived opens");
    }

    // The cases that did not arrive are free for another reviewer at once.
    let data_b = tempfile::tempdir().unwrap();
    let b = desk(data_b.path());
    b.sign_in(login(&hub, REVIEWER2)).await.unwrap();
    let other = b.pull(cases.len() as u32, Arc::new(|_| {})).await.unwrap();
    assert_eq!(other.pulled as usize, cases.len() - summary.pulled as usize);
    a.sign_out(None).await.unwrap();
    b.sign_out(None).await.unwrap();
}
