//! No personal data in kyc-sync's logs: everything logged at DEBUG through a full sign-in,
//! pull, decisions, audit events, push and logout is scanned for every marker of the
//! synthetic cases, in every encoding kyc-scan knows.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use kyc_model::{Decision, Outcome, ReasonCode};
use kyc_scan::Marker;
use kyc_sync::CancellationToken;
use kyc_vault::{AuditAction, AuditEvent};

// The shared helpers of the `it` suite; this binary uses only some of them.
#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;

use support::*;

/// Where the test's log lines go.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `test` on a runtime of its own with every thread of this process logging at DEBUG
/// into a buffer; returns what was logged. This file is its own test binary with this one
/// test, so the process-wide subscriber captures exactly this test (a scoped dispatcher
/// missed callsites that tests on other threads registered first).
fn with_captured_logs(test: impl std::future::Future<Output = ()>) -> String {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(test);
    drop(runtime);
    String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned()
}

#[test]
fn nothing_personal_is_logged_at_debug_through_a_full_pull_and_push() {
    let cases = &synth_cases()[..2];
    let mut markers: Vec<Marker> = cases
        .iter()
        .flat_map(|c| c.markers())
        .map(|(label, value)| Marker::bytes(label, value))
        .collect();
    assert!(markers.len() > 10);
    // Free text typed by the reviewer is personal too: a note and a reveal reason that quote
    // the applicant's name, each with a marker of its own.
    let (_, name) =
        cases[0].markers().into_iter().find(|(label, _)| label.contains("name")).unwrap();
    let name = String::from_utf8(name).unwrap();
    let note = format!("{name} KYCNOTE-7f3a looks different on the card");
    let reason = format!("compare {name} KYCREASON-91c2");
    markers.push(Marker::text("decision note", &note));
    markers.push(Marker::text("reveal reason", &reason));

    let logs = with_captured_logs(async {
        let hub = Hub::start().await;
        hub.add_cases(&synth_as_cases(cases));
        let data = tempfile::tempdir().unwrap();
        let ws = workstation(&hub.url(), data.path(), fast_options());
        sign_in(&ws, &hub).await.unwrap();
        let report = ws.pull(2, None, &CancellationToken::new()).await.unwrap();
        assert_eq!(report.stored.len(), 2, "{:?}", report.failed);

        let vault = ws.vault();
        let first = &cases[0].case.id;
        let reveal = AuditAction::FieldRevealed { field: "applicant.name".into(), reason };
        let at = time::OffsetDateTime::now_utc();
        vault
            .queue_audit_event(&AuditEvent { case_id: Some(first.clone()), action: reveal, at })
            .unwrap();
        vault
            .record_decision(&Decision {
                note: Some(note),
                outcome: Outcome::Reject { reasons: vec![ReasonCode::Other] },
                ..reject(first)
            })
            .unwrap();
        vault.record_decision(&reject(&cases[1].case.id)).unwrap();
        let pushed = ws.push_now().await.unwrap();
        assert_eq!((pushed.accepted, pushed.audit_events), (2, 1), "{pushed:?}");
        ws.logout().await.unwrap();
    });

    // The log is real: the pull and the push both said what they did.
    for line in ["kyc_sync::pull", "case stored", "kyc_sync::push", "outbox entry settled"] {
        assert!(logs.contains(line), "no {line:?} in the log:\n{logs}");
    }
    let hits = kyc_scan::scan_bytes(logs.as_bytes(), &markers);
    assert!(hits.is_empty(), "markers in the log: {hits:?}");
}
