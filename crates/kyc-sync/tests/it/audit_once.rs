//! Workstation audit events reach the hub's chain exactly once, through lost answers too.

use kyc_vault::{AuditAction, AuditEvent};

use crate::proxy::{Fault, Proxy};
use crate::support::*;

fn client_events_on_hub(hub: &Hub) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    conn.prepare(
        "SELECT a.kind, k.idempotency_key FROM audit a JOIN audit_keys k ON k.seq = a.seq \
         WHERE a.kind LIKE '{\"type\":\"client\"%' ORDER BY a.seq",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_events_retried_after_a_lost_answer_are_recorded_once() {
    let hub = Hub::start().await;
    let cases = plain_cases(2, 17);
    hub.add_cases(&cases);
    let proxy = Proxy::start(hub.addr()).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 2).await;
    let vault = ws.vault();
    let at = time::OffsetDateTime::now_utc();
    let mut keys = Vec::new();
    for id in &ids {
        for action in [
            AuditAction::CaseOpened,
            AuditAction::FieldRevealed { field: "applicant.name".into(), reason: "compare".into() },
        ] {
            let event = AuditEvent { case_id: Some(id.clone()), action, at };
            keys.push(vault.queue_audit_event(&event).unwrap().key.as_str().to_owned());
        }
    }

    // The hub appends the batch, and the answer never arrives.
    proxy.set_rule(|r| {
        if r.path == kyc_proto::routes::AUDIT_EVENTS { Fault::ResetAfterHub } else { Fault::Pass }
    });
    let err = ws.push_now().await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!(client_events_on_hub(&hub).len(), 4, "the hub did append them");
    assert_eq!(vault.outbox().unwrap().len(), 4, "the workstation does not know that");

    // The retry sends the same keys: the hub answers duplicate and appends nothing.
    proxy.set_rule(|_| Fault::Pass);
    let report = ws.push_now().await.unwrap();
    assert_eq!((report.audit_events, report.audit_duplicates, report.invalid), (0, 4, 0));
    assert!(vault.outbox().unwrap().is_empty());
    let on_hub = client_events_on_hub(&hub);
    assert_eq!(on_hub.len(), 4, "each event once");
    let hub_keys: Vec<&str> = on_hub.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(hub_keys, keys.iter().map(String::as_str).collect::<Vec<_>>(), "the vault's keys");
    assert!(kyc_hub::ops::audit_verify(hub.dir.path(), None).unwrap().intact);
}
