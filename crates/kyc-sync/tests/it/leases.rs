//! Leases: renewal, expiry seen as a conflict, revocation wiping the vault.

use kyc_model::LocalState;
use kyc_sync::SyncError;
use kyc_vault::{OutboxStatus, VaultError};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_extends_leases_and_reports_lost_ones() {
    let hub = Hub::start().await;
    let cases = plain_cases(3, 21);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 3).await;
    let before = ws.vault().list_cases().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    hub.sql(&format!("UPDATE cases SET lease_expires_at = 1 WHERE id = '{}'", ids[0]));

    let report = ws.renew_leases().await.unwrap();
    assert_eq!(report.renewed, 2);
    assert_eq!(report.lost, vec![ids[0].clone()]);
    let after = ws.vault().list_cases().unwrap();
    for id in &ids[1..] {
        let old = before.iter().find(|c| &c.id == id).unwrap().lease_expires_at;
        let new = after.iter().find(|c| &c.id == id).unwrap().lease_expires_at;
        assert!(new > old, "renewed lease recorded in the vault");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_makes_the_decision_a_visible_conflict() {
    let hub = Hub::start().await;
    let cases = plain_cases(2, 22);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 2).await;
    hub.sql(&format!("UPDATE cases SET lease_expires_at = 1 WHERE id = '{}'", ids[0]));
    for id in &ids {
        ws.vault().record_decision(&reject(id)).unwrap();
    }
    let report = ws.push_now().await.unwrap();
    assert_eq!((report.accepted, report.conflicts), (1, 1));
    let local = ws.vault().list_cases().unwrap();
    assert_eq!(local.len(), 1, "the accepted case is purged, the conflicted one stays");
    assert_eq!((&local[0].id, local[0].state), (&ids[0], LocalState::Conflict));
    let settled = ws.vault().settled_outbox().unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0].status, OutboxStatus::Conflict);
    assert_eq!(settled[0].detail.as_deref(), Some("lease_expired"));
    assert_eq!(hub.decisions().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_account_wipes_the_vault() {
    let hub = Hub::start().await;
    let cases = plain_cases(2, 23);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 2).await;
    ws.vault().record_decision(&reject(&ids[0])).unwrap();
    kyc_hub::ops::disable_user(hub.dir.path(), REVIEWER).unwrap();

    let err = ws.push_now().await.unwrap_err();
    assert!(matches!(err, SyncError::AccountRevoked), "{err}");
    assert!(matches!(ws.vault().list_cases(), Err(VaultError::Wiped)));
    assert!(!vault_dir(data.path()).exists(), "the vault's files are gone");
    assert!(ws.session().is_none());
    // Signing in again is refused the same way.
    let err = ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap_err();
    assert!(matches!(err, SyncError::AccountRevoked), "{err}");
}
