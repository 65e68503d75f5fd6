//! Faulty network, hub restart during a pull, tampered media, hostile images.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kyc_media::MediaError;
use kyc_sync::{CancellationToken, PullFailure, PullProgress, SyncOptions};
use kyc_vault::Variant;
use tokio::sync::watch;

use crate::proxy::{Fault, Proxy};
use crate::support::*;

/// A small deterministic hash, to pick faults from the request number.
fn mix(n: u64) -> u64 {
    let mut x = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_decisions_through_a_faulty_network_arrive_once_each() {
    const N: u32 = 1000;
    let hub = Hub::start().await;
    let cases = single_media_cases(N as usize, 41);
    hub.add_cases(&cases);
    let proxy = Proxy::start(hub.addr()).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, N).await;
    for id in &ids {
        ws.vault().record_decision(&reject(id)).unwrap();
    }

    // From now on: 20 % dropped before the hub, 20 % reset after the hub committed, 10 %
    // delayed, the rest passed.
    proxy.set_rule(|r| match mix(r.n) % 10 {
        0 | 1 => Fault::Drop,
        2 | 3 => Fault::ResetAfterHub,
        4 => Fault::Delay(Duration::from_millis(30)),
        _ => Fault::Pass,
    });
    let mut failures = 0;
    loop {
        match ws.push_now().await {
            Ok(_) => break,
            Err(e) => {
                assert!(e.is_transient(), "{e}");
                failures += 1;
                assert!(failures < 500, "the push never got through");
            }
        }
    }
    assert!(failures > 0, "the proxy injected faults");
    assert!(ws.vault().outbox().unwrap().is_empty());
    assert!(ws.vault().list_cases().unwrap().is_empty());

    let on_hub = hub.decisions();
    let cases_on_hub: HashSet<&str> = on_hub.iter().map(|(c, _)| c.as_str()).collect();
    let keys_on_hub: HashSet<&str> = on_hub.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(on_hub.len(), N as usize, "0 duplicated");
    assert_eq!(cases_on_hub.len(), N as usize, "0 duplicated per case");
    assert_eq!(keys_on_hub.len(), N as usize);
    assert!(ids.iter().all(|id| cases_on_hub.contains(id.as_str())), "0 lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_restarting_during_a_pull_leaves_no_half_case() {
    let mut hub = Hub::start().await;
    let cases = &synth_cases()[..4];
    hub.add_cases(&synth_as_cases(cases));
    let proxy = Arc::new(Proxy::start(hub.addr()).await);
    // Slow media downloads, so the restart falls inside the pull.
    proxy.set_rule(|r| {
        if r.path.starts_with("/api/v1/media/") {
            Fault::Delay(Duration::from_millis(60))
        } else {
            Fault::Pass
        }
    });
    let data = tempfile::tempdir().unwrap();
    let options = SyncOptions { download_attempts: 8, ..fast_options() };
    let ws = workstation(&proxy.url(), data.path(), options);
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();

    let (tx, mut rx) = watch::channel(PullProgress::default());
    let restarted = Arc::new(AtomicBool::new(false));
    let restarter = {
        let (proxy, restarted) = (proxy.clone(), restarted.clone());
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                if rx.borrow().bytes_done > 0 {
                    break;
                }
            }
            hub.stop().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            hub.start_again().await;
            proxy.set_upstream(hub.addr());
            restarted.store(true, Ordering::SeqCst);
            hub
        })
    };
    let first = ws.pull(cases.len() as u32, Some(&tx), &CancellationToken::new()).await.unwrap();
    drop(tx);
    let hub = restarter.await.unwrap();
    assert!(restarted.load(Ordering::SeqCst));

    // Whatever the first pull stored is whole; a second pull completes the rest.
    let check_whole = |ids: &[kyc_model::CaseId]| {
        for id in ids {
            let c = cases.iter().find(|c| &c.case.id == id).unwrap();
            for m in &c.media {
                let variant = if m.content_type.starts_with("image/") {
                    Variant::Display
                } else {
                    Variant::Original
                };
                ws.vault().read_media(&m.id, variant).unwrap();
            }
        }
    };
    check_whole(&first.stored);
    if first.stored.len() < cases.len() {
        assert!(
            first.failed.iter().all(|f| f.reason == PullFailure::Unavailable),
            "{:?}",
            first.failed
        );
        let second = ws.pull(cases.len() as u32, None, &CancellationToken::new()).await.unwrap();
        check_whole(&second.stored);
    }
    let in_vault = ws.vault().list_cases().unwrap();
    assert_eq!(in_vault.len(), cases.len());
    for c in cases {
        assert_eq!(hub.case_state(&c.case.id), "leased");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_media_download_fails_its_case_only() {
    let hub = Hub::start().await;
    let cases = &synth_cases()[..2];
    hub.add_cases(&synth_as_cases(cases));
    let proxy = Proxy::start(hub.addr()).await;
    let bad = cases[1].media[0].id.clone();
    let bad_path = format!("/api/v1/media/{bad}");
    proxy.set_rule(move |r| if r.path == bad_path { Fault::CorruptBody } else { Fault::Pass });
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();

    let report = ws.pull(2, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.stored.len(), 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].case_id, cases[1].case.id);
    assert_eq!(report.failed[0].reason, PullFailure::Digest { media: bad });
    // Reported, but the hub's stored bytes are fine: the report changes nothing.
    assert!(!report.failed[0].needs_attention, "the hub refuted the report");
    assert_eq!(hub.case_state(&cases[1].case.id), "open", "its lease was given back");
    assert!(ws.vault().case(&cases[1].case.id).is_err(), "no half case in the vault");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_fails_its_case_and_the_others_arrive() {
    let hub = Hub::start().await;
    let mut cases = synth_as_cases(&synth_cases()[..2]);
    let bomb_case = cases[0].0.id.clone();
    let image = cases[0].1.iter_mut().find(|(_, ct, _)| ct.starts_with("image/")).unwrap();
    image.1 = "image/png".into();
    image.2 = kyc_hub::demo::bomb_png();
    let bomb_id = image.0.clone();
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();

    let report = ws.pull(2, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.stored.len(), 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].case_id, bomb_case);
    match &report.failed[0].reason {
        PullFailure::Media { media, error: MediaError::TooManyPixels { .. } } => {
            assert_eq!(media, &bomb_id)
        }
        other => panic!("unexpected failure: {other:?}"),
    }
    // The pull reported it and the hub's own check agreed: out of the queue for good.
    assert!(report.failed[0].needs_attention);
    assert_eq!(hub.case_state(&bomb_case), "needs_attention");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_case_is_leased_once_reported_by_the_pull_and_never_leased_again() {
    let hub = Hub::start().await;
    // Planted past intake (straight into the store): garbage declared as a JPEG.
    let mut cases = synth_as_cases(&synth_cases()[2..4]);
    let poison = cases[0].0.id.clone();
    let image = cases[0].1.iter_mut().find(|(_, ct, _)| ct.starts_with("image/")).unwrap();
    image.1 = "image/jpeg".into();
    image.2 = b"\xFF\xD8\xFF\xE0 not really a photo".to_vec();
    hub.add_cases(&cases[..1]);
    let first = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), first.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();

    let report = ws.pull(5, None, &CancellationToken::new()).await.unwrap();
    assert!(report.stored.is_empty());
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].case_id, poison);
    assert!(matches!(report.failed[0].reason, PullFailure::Media { .. }), "{report:?}");
    assert!(report.failed[0].needs_attention);
    assert_eq!(hub.case_state(&poison), "needs_attention");
    assert_eq!(hub.lease_count(&poison), 1, "leased once");

    // Nobody gets it again: not this reviewer, not another one; new cases still flow.
    hub.add_cases(&cases[1..]);
    let again = ws.pull(5, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(again.stored, vec![cases[1].0.id.clone()]);
    assert!(again.failed.is_empty());
    let second = tempfile::tempdir().unwrap();
    let other = workstation(&hub.url(), second.path(), fast_options());
    other.login("reviewer2", &hub.password("reviewer2")).await.unwrap();
    let theirs = other.pull(5, None, &CancellationToken::new()).await.unwrap();
    assert!(theirs.stored.is_empty() && theirs.failed.is_empty(), "{theirs:?}");
    assert_eq!(hub.lease_count(&poison), 1, "never leased again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases_of_a_pull_cut_short_are_given_back_at_the_next_run() {
    let hub = Hub::start().await;
    let cases = plain_cases(3, 61);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    // A crash mid-pull: three cases leased and journaled, one of them stored.
    let stored = lease_into_vault(&ws, &cases, 1).await;
    let grant = ws.client().lease(2).await.unwrap();
    let orphans: Vec<_> = grant.cases.iter().map(|c| c.case.id.clone()).collect();
    let journal = kyc_sync::state::StateFile::new(data.path());
    journal.update(|s| s.pulling = [stored.clone(), orphans.clone()].concat()).unwrap();
    drop(ws);

    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let report = ws.pull(1, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.recovered, 2);
    // The stored case keeps its lease; the orphans went back to the queue before the new
    // lease, which takes one of them again (oldest first) and stores it whole.
    assert_eq!(hub.case_state(&stored[0]), "leased");
    assert!(journal.load().unwrap().pulling.is_empty());
    assert_eq!(report.stored.len(), 1, "{report:?}");
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(ws.vault().list_cases().unwrap().len(), 2, "no half case");
    for id in &orphans {
        let want = if report.stored.contains(id) { "leased" } else { "open" };
        assert_eq!(hub.case_state(id), want, "orphan released");
    }
}
