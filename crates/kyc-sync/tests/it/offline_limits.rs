//! The offline limits on the workstation: lost leases purged, the maximum offline time.

use kyc_model::LocalState;
use kyc_sync::HubClient;
use kyc_vault::{OutboxStatus, Variant, VaultError};
use time::{Duration, OffsetDateTime};

use crate::support::*;

const REVIEWER2: &str = "reviewer2";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_leases_purge_cases_without_a_pending_decision_and_keep_the_others() {
    let hub = Hub::start().await;
    let cases = plain_cases(3, 31);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 3).await;
    ws.vault().record_decision(&reject(&ids[1])).unwrap();
    // Both leases run out and another reviewer takes the cases.
    hub.sql(&format!(
        "UPDATE cases SET lease_expires_at = 1 WHERE id IN ('{}', '{}')",
        ids[0], ids[1]
    ));
    let other = HubClient::new(client_config(&hub.url())).unwrap();
    kyc_sync::sign_in(&other, REVIEWER2, &hub.password(REVIEWER2)).await.unwrap();
    let taken = other.lease(5).await.unwrap();
    assert_eq!(taken.cases.len(), 2);

    let report = ws.renew_leases().await.unwrap();
    assert_eq!(report.renewed, 1);
    let mut lost = report.lost.clone();
    lost.sort();
    let mut expected = vec![ids[0].clone(), ids[1].clone()];
    expected.sort();
    assert_eq!(lost, expected);
    assert_eq!(report.purged, vec![ids[0].clone()]);

    let local = ws.vault().list_cases().unwrap();
    let state = |id| local.iter().find(|c| &c.id == id).map(|c| c.state);
    assert_eq!(state(&ids[0]), None, "the undecided case is gone from the queue");
    assert!(matches!(ws.vault().case(&ids[0]), Err(VaultError::CaseNotFound(_))));
    let (media_id, _, _) = &cases.iter().find(|(c, _)| c.id == ids[0]).unwrap().1[0];
    assert!(ws.vault().read_media(media_id, Variant::Original).is_err(), "its media are gone");
    assert_eq!(state(&ids[1]), Some(LocalState::Decided), "the decided case stays");
    assert_eq!(state(&ids[2]), Some(LocalState::Ready));

    // The kept decision is pushed and answered conflict, as before.
    let pushed = ws.push_now().await.unwrap();
    assert_eq!(pushed.conflicts, 1);
    assert_eq!(ws.vault().settled_outbox().unwrap()[0].status, OutboxStatus::Conflict);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_long_away_from_the_hub_pushes_first_then_wipes_the_case_data() {
    let hub = Hub::start().await;
    let cases = plain_cases(3, 32);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let policy = ws.refresh_client_policy().await.unwrap();
    assert_eq!(ws.client_policy().unwrap(), policy, "the policy is kept in the vault");
    let ids = lease_into_vault(&ws, &cases, 3).await;
    ws.vault().record_decision(&reject(&ids[0])).unwrap();
    let now = OffsetDateTime::now_utc();

    // No contact recorded yet (a vault from before the rule): the clock starts now.
    assert_eq!(ws.enforce_offline_limit(now, None).await.unwrap(), None);
    // Within the limit nothing happens.
    let limit = Duration::hours(policy.max_offline_hours.into());
    ws.set_stored_last_contact(now - limit + Duration::minutes(5)).unwrap();
    assert_eq!(ws.enforce_offline_limit(now, None).await.unwrap(), None);
    // A contact seen while locked counts too.
    ws.set_stored_last_contact(now - limit - Duration::hours(1)).unwrap();
    assert_eq!(ws.enforce_offline_limit(now, Some(now)).await.unwrap(), None);
    assert_eq!(ws.vault().list_cases().unwrap().len(), 3);

    ws.set_stored_last_contact(now - limit - Duration::hours(1)).unwrap();
    let wipe = ws.enforce_offline_limit(now, None).await.unwrap().expect("a wipe");
    // The pushed decision's case left with its acceptance; the two undecided ones are wiped.
    assert_eq!((wipe.cases_removed, wipe.decisions_kept), (2, 0), "pushed first, then wiped");
    assert_eq!(wipe.hours_away, policy.max_offline_hours + 1);
    assert_eq!(hub.decisions().len(), 1, "the pending decision reached the hub");
    assert!(ws.vault().list_cases().unwrap().is_empty());
    // The undecided cases' leases were given back.
    for id in &ids[1..] {
        assert_eq!(hub.case_state(id), "open");
    }
    // The clock restarted.
    assert_eq!(ws.stored_last_contact().unwrap(), Some(now.replace_nanosecond(0).unwrap()));
}
