//! The offline limits through `Desk`: the hub's client policy (idle-lock bounds, offline
//! leases), the maximum offline time at unlock and at start, and a hub session that expired
//! while the desk was locked.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use kyc_app::ipc::{DecisionInput, OfflineWipeNotice, OutcomeCode, Phase, QueueState};
use kyc_app::{Desk, ErrorCode, Secret};
use time::OffsetDateTime;

use crate::support::*;

/// Seconds the clock of [`skewed_desk`]s runs ahead (only the test that moves it uses one).
static SKEW_SECS: AtomicI64 = AtomicI64::new(0);

fn skewed_clock() -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::seconds(SKEW_SECS.load(Ordering::SeqCst))
}

fn skewed_desk(data_dir: &std::path::Path) -> Arc<Desk> {
    let base = desk(data_dir);
    let mut config = base.config().clone();
    config.clock = skewed_clock;
    Desk::new(config)
}

/// A desk started 73 hours from now: past the default maximum offline time of 72 h.
fn desk_73_hours_later(data_dir: &std::path::Path) -> Arc<Desk> {
    let base = desk(data_dir);
    let mut config = base.config().clone();
    config.clock = || OffsetDateTime::now_utc() + time::Duration::hours(73);
    Desk::new(config)
}

async fn wait_queue_len(desk: &Desk, n: usize, secs: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let len = desk.queue().await.unwrap().len();
        if len == n {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "queue stayed at {len}, wanted {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn reject(case_id: &str) -> DecisionInput {
    DecisionInput {
        case_id: case_id.into(),
        outcome: OutcomeCode::Reject,
        reasons: vec!["R02".into()],
        documents: vec![],
        note: None,
        applicant_text: None,
    }
}

fn cases(skip: usize, n: usize) -> Vec<kyc_model::Case> {
    synth().iter().skip(skip).take(n).map(|s| s.case.clone()).collect()
}

/// Writes a policy into the hub's database and restarts it (the hub reads it at start).
async fn set_policy(hub: &mut Hub, json: &str) {
    hub.sql(&format!(
        "INSERT INTO policy (id, json) VALUES (1, '{json}') \
         ON CONFLICT(id) DO UPDATE SET json = excluded.json"
    ));
    hub.stop().await;
    hub.start_again().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_policy_bounds_the_idle_lock_sets_offline_leases_and_is_kept_for_offline_sign_in() {
    let mut hub = Hub::start(&cases(0, 2), synth()).await;
    set_policy(
        &mut hub,
        r#"{"lease_secs":1800,"retention_days":30,"four_eyes_outcomes":[],"offline_lease_hours":24,"max_offline_hours":48,"idle_lock_min_secs":120,"idle_lock_max_secs":600}"#,
    )
    .await;
    let data = tempfile::tempdir().unwrap();
    let desk1 = desk(data.path());
    let state = desk1.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(
        (state.idle_lock_secs, state.idle_lock_min_secs, state.idle_lock_max_secs),
        (300, 120, 600)
    );
    for bad in [119, 601, 0] {
        assert_eq!(desk1.set_idle_lock(bad).await.unwrap_err().code, ErrorCode::Invalid, "{bad}");
    }
    assert_eq!(desk1.state().idle_lock_secs, 300, "a refused value changes nothing");
    assert_eq!(desk1.set_idle_lock(600).await.unwrap().idle_lock_secs, 600);

    // A pull for offline work gets the policy's offline leases, an ordinary one does not.
    assert_eq!(desk1.pull_with(1, true, Arc::new(|_| {})).await.unwrap().pulled, 1);
    assert_eq!(desk1.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    let now_ms = OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let mut hours: Vec<f64> = desk1
        .queue()
        .await
        .unwrap()
        .iter()
        .map(|q| (q.lease_expires_at - now_ms) as f64 / 3_600_000.0)
        .collect();
    hours.sort_by(f64::total_cmp);
    assert!((0.45..=0.51).contains(&hours[0]), "ordinary lease: {hours:?}");
    assert!((23.9..=24.01).contains(&hours[1]), "offline lease: {hours:?}");

    // Offline, the policy comes from the vault.
    desk1.shutdown().await;
    drop(desk1);
    hub.stop().await;
    let desk2 = desk(data.path());
    let state = desk2.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert!(!state.online);
    assert_eq!((state.idle_lock_min_secs, state.idle_lock_max_secs), (120, 600));
    assert_eq!(state.idle_lock_secs, 600, "the reviewer's choice is kept");
    assert_eq!(desk2.set_idle_lock(601).await.unwrap_err().code, ErrorCode::Invalid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_unlock_after_the_maximum_offline_time_wipes_the_case_data_and_keeps_the_decision()
 {
    let mut hub = Hub::start(&cases(2, 2), synth()).await;
    let data = tempfile::tempdir().unwrap();
    let desk = skewed_desk(data.path());
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk.pull(2, Arc::new(|_| {})).await.unwrap().pulled, 2);
    let queue = desk.queue().await.unwrap();
    let (decided, other) = (queue[0].case_id.clone(), queue[1].case_id.clone());
    let view = desk.open_case(&other).await.unwrap();
    let media = view.documents.iter().flat_map(|d| d.media.iter()).next().unwrap().clone();
    let image = format!("/{}/{}", media.media_id, media.variants[0]);
    assert_eq!(desk.media(image.clone(), None).await.status, 200);
    desk.close_case(&other);

    // The hub goes away; the reviewer decides one case, locks, and comes back 73 h later.
    hub.stop().await;
    desk.open_case(&decided).await.unwrap();
    desk.decide(reject(&decided)).await.unwrap();
    eventually(5, "the decision written", || desk.state().pending_push == 1).await;
    desk.lock().await.unwrap();
    SKEW_SECS.store(73 * 3600, Ordering::SeqCst);
    let state = desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);
    assert_eq!(
        state.offline_wipe,
        Some(OfflineWipeNotice { cases_removed: 1, kept_decisions: 1, max_offline_hours: 72 })
    );
    assert_eq!(state.pending_push, 1, "the decision is still counted as waiting");
    // The case data is gone: the undecided case, its media, the decided case's fields.
    let queue = desk.queue().await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].case_id, decided);
    assert!(matches!(queue[0].state, QueueState::WaitingPush | QueueState::Decided));
    assert_eq!(desk.open_case(&other).await.unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(desk.open_case(&decided).await.unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(desk.media(image, None).await.status, 404);

    // The hub returns: the kept decision is pushed, exactly once.
    hub.start_again().await;
    wait_queue_len(&desk, 0, 20).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pushed = hub.decisions();
    assert_eq!(pushed.len(), 1, "exactly once");
    assert_eq!(pushed[0].0, decided);
    SKEW_SECS.store(0, Ordering::SeqCst);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_online_after_the_maximum_offline_time_wipes_and_gives_the_leases_back() {
    let hub = Hub::start(&cases(4, 2), synth()).await;
    let data = tempfile::tempdir().unwrap();
    let desk1 = desk(data.path());
    desk1.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk1.pull(2, Arc::new(|_| {})).await.unwrap().pulled, 2);
    desk1.shutdown().await;
    drop(desk1);

    let desk2 = desk_73_hours_later(data.path());
    let state = desk2.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert!(state.online);
    assert_eq!(
        state.offline_wipe,
        Some(OfflineWipeNotice { cases_removed: 2, kept_decisions: 0, max_offline_hours: 72 })
    );
    assert!(desk2.queue().await.unwrap().is_empty());
    // The leases went back to the hub: another reviewer gets both cases at once.
    let other = tempfile::tempdir().unwrap();
    let desk3 = desk(other.path());
    desk3.sign_in(login(&hub, REVIEWER2)).await.unwrap();
    assert_eq!(desk3.pull(5, Arc::new(|_| {})).await.unwrap().pulled, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_after_the_hub_session_expired_signs_in_again_and_pushes_without_a_second_prompt()
{
    let hub = Hub::start(&cases(0, 1), synth()).await;
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk.pull(1, Arc::new(|_| {})).await.unwrap().pulled, 1);
    let case_id = desk.queue().await.unwrap()[0].case_id.clone();
    desk.lock().await.unwrap();
    // The session dies on the hub while the desk is locked.
    hub.sql("UPDATE sessions SET expires_at = 1");

    let state = desk.unlock(Secret::new(hub.password(REVIEWER))).await.unwrap();
    assert_eq!(state.phase, Phase::Unlocked);
    assert!(state.online);
    desk.open_case(&case_id).await.unwrap();
    desk.decide(reject(&case_id)).await.unwrap();
    wait_queue_len(&desk, 0, 20).await;
    assert_eq!(hub.decisions().len(), 1, "pushed with the new session");
    assert_ne!(desk.state().push, kyc_app::ipc::PushState::SignInRequired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_lease_purges_the_undecided_case_from_the_desk() {
    let hub = Hub::start(&cases(0, 2), synth()).await;
    let data = tempfile::tempdir().unwrap();
    let desk1 = desk(data.path());
    desk1.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk1.pull(2, Arc::new(|_| {})).await.unwrap().pulled, 2);
    let queue = desk1.queue().await.unwrap();
    let (lost, kept) = (queue[0].case_id.clone(), queue[1].case_id.clone());
    // The lease runs out and another reviewer takes the case.
    hub.sql(&format!("UPDATE cases SET lease_expires_at = 1 WHERE id = '{lost}'"));
    let other = tempfile::tempdir().unwrap();
    let desk2 = desk(other.path());
    desk2.sign_in(login(&hub, REVIEWER2)).await.unwrap();
    assert_eq!(desk2.pull(5, Arc::new(|_| {})).await.unwrap().pulled, 1);

    wait_queue_len(&desk1, 1, 20).await;
    assert_eq!(desk1.queue().await.unwrap()[0].case_id, kept);
    assert_eq!(desk1.open_case(&lost).await.unwrap_err().code, ErrorCode::NotFound);
}
