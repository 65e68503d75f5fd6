//! No personal value in the hub's logs or, in any encoding, in any file under its data dir.

use kyc_model::{Outcome, ReasonCode};
use kyc_proto::{AuditBatch, AuditEventIn, AuditEventKind, DecisionItem, routes};
use kyc_scan::Marker;
use reqwest::Method;

use crate::support::*;

#[tokio::test]
async fn markers_never_reach_logs_or_disk_in_plain() {
    let mut hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 5, 81).await;
    let mut markers = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        for (j, m) in c.markers.iter().enumerate() {
            markers.push(Marker::text(format!("case {i} marker {j}"), m));
        }
        for (j, (_, content_type, bytes)) in c.media.iter().enumerate() {
            let run = kyc_hub::demo::media_run(content_type, bytes);
            markers.push(Marker::bytes(format!("case {i} media {j}"), run.to_vec()));
        }
    }
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 5).await;
    for leased in &grant.cases {
        for m in &leased.media {
            hub.call(Method::GET, &routes::media(&m.id), Some(&a), None::<&()>).await;
        }
        let events = AuditBatch {
            events: vec![AuditEventIn {
                case_id: leased.case.id.clone(),
                kind: AuditEventKind::FieldRevealed {
                    field: "applicant.name".into(),
                    reason: "compare".into(),
                },
                at: time::OffsetDateTime::now_utc(),
            }],
        };
        hub.call(Method::POST, routes::AUDIT_EVENTS, Some(&a), Some(&events)).await;
    }
    // A note naming the applicant (reviewers do that) is personal data too.
    let first = &grant.cases[0].case;
    let name = cases.iter().find(|c| c.case.id == first.id).unwrap().markers[0].clone();
    let mut with_note: DecisionItem =
        item("privacy-1", first, Outcome::Reject { reasons: vec![ReasonCode::Other] });
    with_note.decision.note = Some(format!("{name} looks different on the card"));
    hub.decide(&a, vec![with_note]).await;
    // Hostile input echoing a marker in a bad field must not be logged either.
    let bad = serde_json::json!({ "max_cases": 1, "kind": name });
    hub.call(Method::POST, routes::LEASES, Some(&a), Some(&bad)).await;
    hub.login_raw(&name, &name).await;
    hub.restart().await;

    // Everything the hub wrote is private to its user (mode bits exist only on Unix).
    #[cfg(unix)]
    for entry in std::fs::read_dir(hub.dir.path()).unwrap() {
        use std::os::unix::fs::PermissionsExt;
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        let expected = if entry.file_type().unwrap().is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, expected, "{:?}", entry.file_name());
    }
    let report = kyc_scan::scan_dir(hub.dir.path(), &markers).unwrap();
    assert!(report.files.len() >= 4, "scanned {:?}", report.files);
    assert!(report.is_clean(), "{report}");
    let logs = captured_logs();
    assert!(!logs.is_empty());
    let hits = kyc_scan::scan_bytes(logs.as_bytes(), &markers);
    assert!(hits.is_empty(), "markers in logs: {hits:?}");
}
