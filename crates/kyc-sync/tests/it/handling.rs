//! The active time the vault holds with a decision travels through the outbox to the hub,
//! which records it clamped to its own lease-to-receipt interval.

use kyc_model::Decision;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_time_travels_from_the_vault_to_the_hub_and_is_clamped_there() {
    let hub = Hub::start().await;
    let cases = plain_cases(2, 71);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 2).await;
    // Leased a minute ago by the hub's clock.
    let minute_ago = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 - 60_000;
    hub.sql(&format!("UPDATE cases SET lease_granted_at = {minute_ago}"));
    // One decision with 45 s of active time, one claiming three hours (more than the lease).
    for (id, active) in ids.iter().zip([45_000u64, 3 * 3_600_000]) {
        let decision = Decision { active_ms: Some(active), ..reject(id) };
        ws.vault().record_decision(&decision).unwrap();
    }
    assert_eq!(ws.push_now().await.unwrap().accepted, 2);
    assert_eq!(hub.handling_ms(&ids[0]), Some(45_000));
    let clamped = hub.handling_ms(&ids[1]).unwrap();
    assert!((60_000..70_000).contains(&clamped), "{clamped}");
}
