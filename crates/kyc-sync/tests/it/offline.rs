//! Decisions made while the hub is down reach it exactly once when it is back.

use std::time::Duration;

use kyc_sync::PushStatus;

use crate::proxy::Proxy;
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_made_offline_are_pushed_exactly_once_when_the_hub_returns() {
    let mut hub = Hub::start().await;
    let cases = plain_cases(5, 11);
    hub.add_cases(&cases);
    // The proxy keeps one address while the hub restarts on another port.
    let proxy = Proxy::start(hub.addr()).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&proxy.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 5).await;

    hub.stop().await;
    for id in &ids {
        ws.vault().record_decision(&reject(id)).unwrap();
    }
    let err = ws.push_now().await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!(ws.pending_counts().unwrap(), (5, 0));
    let err = ws.logout().await.unwrap_err();
    assert!(
        matches!(err, kyc_sync::SyncError::PendingDecisions { count: 5, audit_events: 0 }),
        "{err}"
    );

    let push = ws.spawn_push_loop();
    let mut status = push.status();
    tokio::time::timeout(Duration::from_secs(10), async {
        while !matches!(*status.borrow_and_update(), PushStatus::Retrying { attempt } if attempt >= 2)
        {
            status.changed().await.unwrap();
        }
    })
    .await
    .expect("the loop retries while the hub is down");

    hub.start_again().await;
    proxy.set_upstream(hub.addr());
    push.nudge();
    let vault = ws.vault().clone();
    eventually(20, "the outbox to drain", || vault.outbox().unwrap().is_empty()).await;
    push.stop().await;

    let on_hub = hub.decisions();
    assert_eq!(on_hub.len(), 5);
    for id in &ids {
        assert_eq!(on_hub.iter().filter(|(c, _)| c == id.as_str()).count(), 1);
    }
    assert!(ws.vault().list_cases().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_survives_a_restart_of_the_app() {
    let hub = Hub::start().await;
    let cases = plain_cases(3, 12);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ids = {
        let ws = workstation(&hub.url(), data.path(), fast_options());
        ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
        let ids = lease_into_vault(&ws, &cases, 3).await;
        for id in &ids {
            ws.vault().record_decision(&reject(id)).unwrap();
        }
        ids
        // The app quits here without pushing.
    };
    let ws = workstation(&hub.url(), data.path(), fast_options());
    assert_eq!(ws.pending_counts().unwrap(), (3, 0));
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let report = ws.push_now().await.unwrap();
    assert_eq!(report.accepted, 3);
    assert_eq!(hub.decisions().len(), ids.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_events_are_pushed_in_outbox_order_with_the_decisions() {
    use kyc_vault::{AuditAction, AuditEvent};
    let hub = Hub::start().await;
    let cases = plain_cases(2, 13);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let ws = workstation(&hub.url(), data.path(), fast_options());
    ws.login(REVIEWER, &hub.password(REVIEWER)).await.unwrap();
    let ids = lease_into_vault(&ws, &cases, 2).await;
    let event = |id: &kyc_model::CaseId, action| AuditEvent {
        case_id: Some(id.clone()),
        action,
        at: time::OffsetDateTime::now_utc(),
    };
    let vault = ws.vault();
    vault.queue_audit_event(&event(&ids[0], AuditAction::CaseOpened)).unwrap();
    let reveal = AuditAction::FieldRevealed {
        field: "applicant.id_number".into(),
        reason: "compare with the card".into(),
    };
    vault.queue_audit_event(&event(&ids[0], reveal)).unwrap();
    vault.record_decision(&reject(&ids[0])).unwrap();
    vault.queue_audit_event(&event(&ids[1], AuditAction::CaseOpened)).unwrap();
    // An event the hub cannot file (no case) fails alone and blocks nothing.
    let orphan = AuditEvent { case_id: None, ..event(&ids[1], AuditAction::CaseOpened) };
    vault.queue_audit_event(&orphan).unwrap();
    vault.record_decision(&reject(&ids[1])).unwrap();

    let report = ws.push_now().await.unwrap();
    assert_eq!((report.accepted, report.audit_events, report.invalid), (2, 3, 1));
    assert!(vault.outbox().unwrap().is_empty());
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM audit WHERE kind LIKE '%client%' OR kind LIKE '%decision_recorded%' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let order: Vec<&str> = kinds
        .iter()
        .map(|k| {
            if k.contains("case_opened") {
                "opened"
            } else if k.contains("field_revealed") {
                "revealed"
            } else {
                "decided"
            }
        })
        .collect();
    assert_eq!(order, ["opened", "revealed", "decided", "opened", "decided"]);
}
