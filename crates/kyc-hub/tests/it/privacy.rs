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
                idempotency_key: kyc_proto::IdempotencyKey::parse(&format!(
                    "privacy-{}",
                    leased.case.id
                ))
                .unwrap(),
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

#[tokio::test]
async fn reveal_reasons_and_verdict_notes_are_sealed_then_purged_with_the_chain_intact() {
    let mut hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let policy = kyc_proto::Policy {
        lease_secs: 600,
        retention_days: 0,
        four_eyes_outcomes: vec![],
        ..kyc_hub::store::default_policy()
    };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    hub.intake_many(&admin, 1, 82).await;
    let a = hub.login(REVIEWER_A).await;
    let case = hub.lease(&a, 1).await.cases.remove(0).case;
    let reason = "Reason-marker Zhou Qiming 4101 compare photo";
    let note = "Verdict-marker Li Xiaohong 6222 signature differs";
    let markers = vec![Marker::text("reveal reason", reason), Marker::text("verdict note", note)];
    let events = AuditBatch {
        events: vec![AuditEventIn {
            idempotency_key: kyc_proto::IdempotencyKey::parse("sealed-reason").unwrap(),
            case_id: case.id.clone(),
            kind: AuditEventKind::FieldRevealed {
                field: "applicant.name".into(),
                reason: reason.into(),
            },
            at: time::OffsetDateTime::now_utc(),
        }],
    };
    let ack: kyc_proto::AuditAck =
        hub.call(Method::POST, routes::AUDIT_EVENTS, Some(&a), Some(&events)).await.json();
    let reveal_seq = ack.results[0].seq.unwrap();
    let decided = hub
        .decide(
            &a,
            vec![item(
                "sealed-1",
                &case,
                Outcome::Reject { reasons: vec![ReasonCode::DocumentIllegible] },
            )],
        )
        .await;
    let kyc_proto::DecisionStatus::Accepted { decision_id, .. } = decided.results[0].status else {
        panic!("{:?}", decided.results[0].status)
    };
    let s = hub.login(SUPERVISOR).await;
    // An agreement with a note keeps the case decided, so retention purges it below.
    let verdict = kyc_proto::VerdictRequest {
        decision_id,
        verdict: kyc_proto::VerdictKind::Agree,
        note: Some(note.into()),
        corrected: None,
    };
    let v = hub.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(&s), Some(&verdict)).await;
    assert_eq!(v.status, reqwest::StatusCode::OK);

    // A supervisor still reads both: they are sealed at rest, not lost.
    let history: kyc_proto::CaseHistory = hub
        .call(Method::GET, &routes::supervisor_case(&case.id), Some(&s), None::<&()>)
        .await
        .json();
    let reveal = history.audit.iter().find(|r| r.seq == reveal_seq).unwrap();
    let kyc_proto::AuditRecordKind::Client {
        event: AuditEventKind::FieldRevealed { reason: shown, .. },
        ..
    } = &reveal.kind
    else {
        panic!("{:?}", reveal.kind)
    };
    assert_eq!(shown, reason);
    assert!(reveal.detail_digest.is_some());
    assert_eq!(history.decisions[0].verdict.as_ref().unwrap().note.as_deref(), Some(note));

    // Nowhere on disk in any encoding, nowhere in the log.
    hub.restart().await;
    let report = kyc_scan::scan_dir(hub.dir.path(), &markers).unwrap();
    assert!(report.is_clean(), "{report}");
    let hits = kyc_scan::scan_bytes(captured_logs().as_bytes(), &markers);
    assert!(hits.is_empty(), "markers in logs: {hits:?}");

    // Retention removes the details; every link still verifies.
    let admin = hub.login(ADMIN).await;
    let purge: kyc_proto::PurgeReport =
        hub.call(Method::POST, routes::ADMIN_PURGE, Some(&admin), None::<&()>).await.json();
    assert_eq!(purge.cases_purged, 1);
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let (details, notes): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM audit_detail), \
             (SELECT COUNT(*) FROM decisions WHERE verdict_note IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((details, notes), (0, 0));
    drop(conn);
    let s = hub.login(SUPERVISOR).await;
    let verify: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert_eq!((verify.intact, verify.first_broken_seq), (true, None));
    assert!(kyc_hub::ops::audit_verify(hub.dir.path(), None).unwrap().intact);
    let history: kyc_proto::CaseHistory = hub
        .call(Method::GET, &routes::supervisor_case(&case.id), Some(&s), None::<&()>)
        .await
        .json();
    let reveal = history.audit.iter().find(|r| r.seq == reveal_seq).unwrap();
    let kyc_proto::AuditRecordKind::Client {
        event: AuditEventKind::FieldRevealed { reason: shown, .. },
        ..
    } = &reveal.kind
    else {
        panic!()
    };
    assert!(shown.is_empty(), "the purged reason is gone");
    let report = kyc_scan::scan_dir(hub.dir.path(), &markers).unwrap();
    assert!(report.is_clean(), "{report}");
}
