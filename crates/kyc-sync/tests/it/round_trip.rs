//! Lease, pull, decide, push: the hub holds the decision, the vault is purged, and nothing
//! personal is in plain in the client's files on the way.

use kyc_model::LocalState;
use kyc_scan::Marker;
use kyc_sync::{CancellationToken, PullProgress};
use kyc_vault::Variant;
use tokio::sync::watch;

use crate::support::*;

fn markers(cases: &[kyc_synth::SynthCase]) -> Vec<Marker> {
    cases
        .iter()
        .flat_map(|c| c.markers())
        .map(|(label, value)| Marker::bytes(label, value))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_round_trip_leaves_the_decision_on_the_hub_and_nothing_in_the_vault() {
    let hub = Hub::start().await;
    let cases = &synth_cases()[..4];
    hub.add_cases(&synth_as_cases(cases));
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();

    let (tx, rx) = watch::channel(PullProgress::default());
    let report = ws.pull(4, Some(&tx), &CancellationToken::new()).await.unwrap();
    assert_eq!(report.stored.len(), 4, "{:?}", report.failed);
    assert!(report.failed.is_empty());
    let progress = *rx.borrow();
    assert_eq!((progress.cases_done, progress.cases_total), (4, 4));
    assert_eq!(progress.bytes_done, progress.bytes_total);
    let media_bytes: u64 = cases.iter().flat_map(|c| &c.media).map(|m| m.bytes.len() as u64).sum();
    assert_eq!(progress.bytes_total, media_bytes);

    // Every case is ready with every media object: images as watermarked JPEG renditions,
    // videos as their verified originals.
    let vault = ws.vault();
    for c in cases {
        let stored = vault.case(&c.case.id).unwrap();
        assert_eq!(stored, c.case);
        for m in &c.media {
            if m.content_type.starts_with("image/") {
                let display = vault.read_media(&m.id, Variant::Display).unwrap();
                assert!(display.starts_with(&[0xff, 0xd8, 0xff]));
                assert!(vault.read_media(&m.id, Variant::Thumbnail).is_ok());
            } else {
                assert_eq!(vault.read_media(&m.id, Variant::Original).unwrap(), m.bytes);
            }
        }
    }

    // The privacy scan of the whole data directory after the pull: no marker in any encoding.
    let scan = kyc_scan::scan_dir(data.path(), &markers(cases)).unwrap();
    assert!(!scan.files.is_empty());
    assert!(scan.is_clean(), "marker hits: {:?}", scan.hits);

    for c in cases {
        vault.record_decision(&reject(&c.case.id)).unwrap();
    }
    let pushed = ws.push_now().await.unwrap();
    assert_eq!(pushed.accepted, 4);
    let on_hub = hub.decisions();
    assert_eq!(on_hub.len(), 4);
    for c in cases {
        assert_eq!(on_hub.iter().filter(|(id, _)| id == c.case.id.as_str()).count(), 1);
        assert_eq!(hub.case_state(&c.case.id), "decided");
    }
    assert!(vault.list_cases().unwrap().is_empty(), "accepted cases are purged at once");
    assert!(vault.outbox().unwrap().is_empty());

    ws.logout().await.unwrap();
    let after = kyc_scan::scan_dir(data.path(), &markers(cases)).unwrap();
    assert!(after.files.is_empty(), "logout leaves no file: {:?}", after.files);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_pull_gives_back_the_cases_it_did_not_store() {
    let hub = Hub::start().await;
    let cases = &synth_cases()[..2];
    hub.add_cases(&synth_as_cases(cases));
    let data = tempfile::tempdir().unwrap();
    let options = kyc_sync::SyncOptions { case_concurrency: 1, ..fast_options() };
    let ws = workstation(&hub.url(), data.path(), options);
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let cancel = CancellationToken::new();
    let (tx, mut rx) = watch::channel(PullProgress::default());
    let watcher = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                if rx.borrow().bytes_done > 0 {
                    cancel.cancel();
                    return;
                }
            }
        })
    };
    let report = ws.pull(2, Some(&tx), &cancel).await.unwrap();
    watcher.await.unwrap();
    assert!(report.cancelled);
    assert!(report.stored.len() < 2);
    let in_vault = ws.vault().list_cases().unwrap();
    assert_eq!(in_vault.len(), report.stored.len(), "only whole cases are in the vault");
    for c in cases {
        let stored = report.stored.contains(&c.case.id);
        let expected = if stored { "leased" } else { "open" };
        assert_eq!(hub.case_state(&c.case.id), expected);
    }
    // The next pull gets the rest.
    let report = ws.pull(2, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(ws.vault().list_cases().unwrap().len(), 2, "{report:?}");
    assert!(ws.vault().list_cases().unwrap().iter().all(|c| c.state == LocalState::Ready));
}
