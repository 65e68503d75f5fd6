//! Logout: push first; release undecided cases; refuse while decisions are unpushed unless
//! the reviewer discards them explicitly, which reaches the hub's audit chain later.

use kyc_sync::{DISCARD_CONFIRMATION, SyncError};

use crate::proxy::{Fault, Proxy};
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_pushes_first_releases_the_rest_and_wipes() {
    let hub = Hub::start().await;
    let cases = plain_cases(3, 31);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 3).await;
    ws.vault().record_decision(&reject(&ids[0])).unwrap();

    let report = ws.logout().await.unwrap();
    assert_eq!(report.released, 2);
    assert!(report.hub_session_ended);
    assert_eq!(hub.decisions().len(), 1);
    assert_eq!(hub.case_state(&ids[0]), "decided");
    for id in &ids[1..] {
        assert_eq!(hub.case_state(id), "open", "undecided cases go back to the queue");
    }
    assert!(!vault_dir(data.path()).exists());
    assert!(matches!(ws.me().await, Err(SyncError::Unauthorized)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discarding_needs_the_typed_confirmation_and_is_reported_at_the_next_login() {
    let hub = Hub::start().await;
    let cases = plain_cases(2, 32);
    hub.add_cases(&cases);
    let proxy = Proxy::start(hub.addr()).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 2).await;
    for id in &ids {
        ws.vault().record_decision(&reject(id)).unwrap();
    }
    proxy.set_rule(|_| Fault::Drop); // offline

    assert!(matches!(ws.logout().await, Err(SyncError::PendingDecisions { count: 2, .. })));
    assert!(matches!(ws.logout_discarding("discard").await, Err(SyncError::ConfirmationMismatch)));
    assert_eq!(ws.pending_counts().unwrap(), (2, 0), "nothing discarded without the phrase");
    // The app restarts offline: no session, the vault unlocked with its password.
    drop(ws);
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    assert!(ws.session().is_none());
    let report = ws.logout_discarding(DISCARD_CONFIRMATION).await.unwrap();
    assert!(!report.hub_session_ended);
    assert!(!vault_dir(data.path()).exists(), "the vault is wiped");
    assert!(hub.decisions().is_empty());
    // The notice outside the vault holds the account and the opaque case ids only.
    let state = kyc_sync::state::StateFile::new(data.path()).load().unwrap();
    assert_eq!(state.discards.len(), 1);
    assert_eq!(state.discards[0].cases, ids);

    // A later login (a fresh vault) reports the discard to the hub's audit chain.
    proxy.set_rule(|_| Fault::Pass);
    std::fs::remove_dir_all(vault_dir(data.path())).ok();
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let state = kyc_sync::state::StateFile::new(data.path()).load().unwrap();
    assert!(state.discards.is_empty(), "notice delivered");
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit WHERE kind LIKE '%decisions_discarded%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 2);
}
