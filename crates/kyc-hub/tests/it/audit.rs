//! The audit chain: client events appended, a hand-edited row found.

use kyc_model::Outcome;
use kyc_proto::{AuditAck, AuditBatch, AuditEventIn, AuditEventKind, AuditVerifyReport, routes};
use reqwest::Method;

use crate::support::*;

#[tokio::test]
async fn a_hand_edited_audit_row_is_the_first_broken_link() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 2, 71).await;
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 2).await;
    let case = &grant.cases[0].case;
    let now = time::OffsetDateTime::now_utc();
    let events = AuditBatch {
        events: vec![
            AuditEventIn { case_id: case.id.clone(), kind: AuditEventKind::CaseOpened, at: now },
            AuditEventIn {
                case_id: case.id.clone(),
                kind: AuditEventKind::FieldRevealed {
                    field: "applicant.id_number".into(),
                    reason: "check digit".into(),
                },
                at: now,
            },
            AuditEventIn {
                case_id: case.id.clone(),
                kind: AuditEventKind::MediaViewed { media_id: grant.cases[0].media[0].id.clone() },
                at: now,
            },
        ],
    };
    let ack: AuditAck =
        hub.call(Method::POST, routes::AUDIT_EVENTS, Some(&a), Some(&events)).await.json();
    assert_eq!(ack.appended, 3);
    hub.decide(&a, vec![item("audit-1", case, Outcome::Escalate)]).await;

    let s = hub.login(SUPERVISOR).await;
    let report: AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert_eq!((report.intact, report.first_broken_seq), (true, None));
    // 2 intakes, 2 lease grants, 3 client events, 1 decision; and the account events: 5
    // accounts created at seeding, 3 sign-ins.
    assert_eq!(report.records, 8 + 5 + 3);

    // The database refuses edits through SQL as long as its triggers stand...
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let reveal: i64 = conn
        .query_row("SELECT seq FROM audit WHERE kind LIKE '%check digit%'", [], |r| r.get(0))
        .unwrap();
    assert!(conn.execute("UPDATE audit SET actor = NULL WHERE seq = ?1", [reveal]).is_err());
    drop(conn);
    // ...but someone with the file can drop them. The edit is found, at its own row.
    hub.sql(
        "DROP TRIGGER audit_no_update; \
         UPDATE audit SET kind = replace(kind, 'check digit', 'curiosity') \
         WHERE kind LIKE '%check digit%';",
    );
    let report: AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert_eq!((report.intact, report.first_broken_seq), (false, Some(reveal)));
    let offline = kyc_hub::ops::audit_verify(hub.dir.path()).unwrap();
    assert_eq!(offline.first_broken_seq, Some(reveal));
}

#[tokio::test]
async fn reveal_events_need_a_field_path_and_a_reason() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 1, 72).await;
    let a = hub.login(REVIEWER_A).await;
    let case = hub.lease(&a, 1).await.cases.remove(0).case;
    let long_reason = "r".repeat(201);
    for (field, reason) in [
        ("applicant.name", ""),
        ("Applicant Name!", "why"),
        ("applicant.name", long_reason.as_str()),
    ] {
        let events = AuditBatch {
            events: vec![AuditEventIn {
                case_id: case.id.clone(),
                kind: AuditEventKind::FieldRevealed { field: field.into(), reason: reason.into() },
                at: time::OffsetDateTime::now_utc(),
            }],
        };
        hub.call(Method::POST, routes::AUDIT_EVENTS, Some(&a), Some(&events))
            .await
            .expect_error(400, "invalid");
    }
}
