//! The client logs the hub's error codes and rules, never the hub's messages, and nothing of
//! what it sent: requests the hub refuses carry personal markers, and the captured log (DEBUG)
//! and the errors returned are scanned for them.

use std::io::Write;
use std::sync::{Arc, Mutex};

use kyc_model::CaseId;
use kyc_proto::{AuditBatch, AuditEventIn, AuditEventKind, DecisionBatch};
use kyc_sync::{HubClient, SyncError};

use crate::support::*;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const MARKERS: [&str; 2] = ["LIXIAOMINGMARKER", "13800138000"];

#[tokio::test]
async fn client_logs_error_codes_not_hub_messages_or_input() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // This test's thread only (the runtime is single-threaded): the client and the hub's
    // request tasks log here.
    let _guard = tracing::subscriber::set_default(subscriber);

    let hub = Hub::start().await;
    let client = HubClient::new(client_config(&hub.url())).unwrap();
    kyc_sync::sign_in(&client, REVIEWER, &hub.password(REVIEWER)).await.unwrap();

    let mut errors = Vec::new();
    let reveal = AuditBatch {
        events: vec![AuditEventIn {
            idempotency_key: kyc_proto::IdempotencyKey::parse("k_error_logs_1").unwrap(),
            case_id: CaseId::parse("c_unknown").unwrap(),
            kind: AuditEventKind::FieldRevealed {
                field: format!("applicant {}", MARKERS[0]),
                reason: format!("called {}", MARKERS[1]),
            },
            at: time::OffsetDateTime::now_utc(),
        }],
    };
    errors.push(client.push_audit(&reveal).await.unwrap_err());
    errors.push(client.push_decisions(&DecisionBatch { items: vec![] }).await.unwrap_err());
    errors.push(client.lease(0).await.unwrap_err());
    errors.push(client.renew(vec![]).await.unwrap_err());
    let rules: Vec<String> = errors
        .iter()
        .map(|e| match e {
            SyncError::Invalid { rule } => rule.clone(),
            other => panic!("expected an invalid error, got {other:?}"),
        })
        .collect();
    assert_eq!(rules, ["text_length", "batch_size", "out_of_range", "batch_size"]);

    let logs = String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned();
    assert!(logs.contains("invalid/batch_size"), "the code is logged: {logs}");
    // The hub's prose for these refusals, which the client must not repeat.
    for message in ["a batch holds", "max_cases must be", "a reveal needs"] {
        assert!(!logs.contains(message), "the client logged the hub's message {message:?}");
    }
    let texts: Vec<String> = errors.iter().map(|e| format!("{e} {e:?}")).collect();
    for m in MARKERS {
        assert!(!logs.contains(m), "the log quotes {m}");
        assert!(texts.iter().all(|t| !t.contains(m)), "an error quotes {m}: {texts:?}");
    }
}
