//! The audit chain: client events appended, a hand-edited row found.

use kyc_model::Outcome;
use kyc_proto::{
    AuditAck, AuditBatch, AuditEventIn, AuditEventKind, AuditEventStatus, AuditVerifyReport,
    IdempotencyKey, routes,
};
use reqwest::Method;

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::parse(k).unwrap()
}

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
            AuditEventIn {
                idempotency_key: key("edit-1"),
                case_id: case.id.clone(),
                kind: AuditEventKind::CaseOpened,
                at: now,
            },
            AuditEventIn {
                idempotency_key: key("edit-2"),
                case_id: case.id.clone(),
                kind: AuditEventKind::FieldRevealed {
                    field: "applicant.id_number".into(),
                    reason: "check digit".into(),
                },
                at: now,
            },
            AuditEventIn {
                idempotency_key: key("edit-3"),
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
        .query_row("SELECT seq FROM audit WHERE kind LIKE '%applicant.id_number%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(conn.execute("UPDATE audit SET actor = NULL WHERE seq = ?1", [reveal]).is_err());
    drop(conn);
    // ...but someone with the file can drop them. The edit is found, at its own row.
    hub.sql(
        "DROP TRIGGER audit_no_update; \
         UPDATE audit SET kind = replace(kind, 'applicant.id_number', 'applicant.name') \
         WHERE kind LIKE '%applicant.id_number%';",
    );
    let report: AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert_eq!((report.intact, report.first_broken_seq), (false, Some(reveal)));
    let offline = kyc_hub::ops::audit_verify(hub.dir.path(), None).unwrap();
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
                idempotency_key: key("reveal-rule"),
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

#[tokio::test]
async fn a_sealed_reveal_reason_swapped_for_another_breaks_its_link() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 1, 73).await;
    let a = hub.login(REVIEWER_A).await;
    let case = hub.lease(&a, 1).await.cases.remove(0).case;
    let reveal = |k: &str, reason: &str| AuditEventIn {
        idempotency_key: key(k),
        case_id: case.id.clone(),
        kind: AuditEventKind::FieldRevealed {
            field: "applicant.name".into(),
            reason: reason.into(),
        },
        at: time::OffsetDateTime::now_utc(),
    };
    let batch = AuditBatch { events: vec![reveal("swap-1", "first"), reveal("swap-2", "second")] };
    let ack: AuditAck =
        hub.call(Method::POST, routes::AUDIT_EVENTS, Some(&a), Some(&batch)).await.json();
    let seqs: Vec<i64> = ack.results.iter().map(|r| r.seq.unwrap()).collect();
    let s = hub.login(SUPERVISOR).await;
    let verify = || async {
        let r: AuditVerifyReport =
            hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
        (r.intact, r.first_broken_seq)
    };
    assert_eq!(verify().await, (true, None));
    // The second detail is copied over the first: the first link no longer matches.
    hub.sql(&format!(
        "UPDATE audit_detail SET sealed = (SELECT sealed FROM audit_detail WHERE seq = {}) WHERE seq = {};",
        seqs[1], seqs[0]
    ));
    assert_eq!(verify().await, (false, Some(seqs[0])));
}

#[tokio::test]
async fn an_audit_batch_pushed_twice_is_recorded_once() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 1, 74).await;
    let a = hub.login(REVIEWER_A).await;
    let grant = hub.lease(&a, 1).await;
    let case = &grant.cases[0].case;
    let at = time::OffsetDateTime::now_utc();
    let event = |k: &str, kind| AuditEventIn {
        idempotency_key: key(k),
        case_id: case.id.clone(),
        kind,
        at,
    };
    let batch = AuditBatch {
        events: vec![
            event("once-1", AuditEventKind::CaseOpened),
            event(
                "once-2",
                AuditEventKind::FieldRevealed {
                    field: "applicant.name".into(),
                    reason: "compare".into(),
                },
            ),
            event(
                "once-3",
                AuditEventKind::MediaViewed { media_id: grant.cases[0].media[0].id.clone() },
            ),
        ],
    };
    let push = |batch: AuditBatch, token: String| {
        let hub = &hub;
        async move {
            let ack: AuditAck = hub
                .call(Method::POST, routes::AUDIT_EVENTS, Some(&token), Some(&batch))
                .await
                .json();
            ack
        }
    };
    let first = push(batch.clone(), a.clone()).await;
    assert_eq!((first.appended, first.duplicates), (3, 0));
    assert!(first.results.iter().all(|r| r.status == AuditEventStatus::Appended));
    let second = push(batch.clone(), a.clone()).await;
    assert_eq!((second.appended, second.duplicates), (0, 3));
    let seqs = |ack: &AuditAck| ack.results.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(seqs(&second), seqs(&first), "a duplicate names the record made the first time");
    assert!(second.results.iter().all(|r| r.status == AuditEventStatus::Duplicate));

    // The same key for a different event is refused, and appends nothing.
    let reused = AuditBatch {
        events: vec![event("once-1", AuditEventKind::DecisionsDiscarded { count: 1 })],
    };
    let ack = push(reused, a.clone()).await;
    assert_eq!((ack.appended, ack.results[0].status), (0, AuditEventStatus::KeyReused));
    // Keys belong to the account: another one's key of the same text is its own event.
    let s = hub.login(SUPERVISOR).await;
    let theirs = AuditBatch { events: vec![event("once-1", AuditEventKind::CaseOpened)] };
    assert_eq!(push(theirs, s.clone()).await.appended, 1);

    let report: AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    // 1 intake, 1 lease grant, 3 events once, 1 supervisor event; and the account events: 5
    // accounts created at seeding, 3 sign-ins.
    assert_eq!((report.intact, report.records), (true, 6 + 5 + 3));
}

#[tokio::test]
async fn a_policy_change_is_chained_with_the_admin_and_what_changed() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let me: kyc_proto::Me =
        hub.call(Method::GET, routes::ME, Some(&admin), None::<&()>).await.json();
    let mut policy: kyc_proto::Policy =
        hub.call(Method::GET, routes::ADMIN_POLICY, Some(&admin), None::<&()>).await.json();
    policy.lease_secs = 900;
    policy.four_eyes_outcomes = vec![kyc_proto::OutcomeCode::Reject];
    for _ in 0..2 {
        // The second, identical PUT changes nothing and records nothing.
        let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
        assert_eq!(a.status, reqwest::StatusCode::OK);
    }
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let rows: Vec<(Option<String>, String)> = conn
        .prepare("SELECT actor, kind FROM audit WHERE kind LIKE '%policy_changed%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0.as_deref(), Some(me.user.as_str()));
    let kind: kyc_proto::AuditRecordKind = serde_json::from_str(&rows[0].1).unwrap();
    let kyc_proto::AuditRecordKind::PolicyChanged { changes } = kind else { panic!("{kind:?}") };
    let changes: Vec<(&str, &str, &str)> =
        changes.iter().map(|c| (c.field.as_str(), c.from.as_str(), c.to.as_str())).collect();
    assert_eq!(
        changes,
        [
            // The older field is stored as a rule: any kind, any reason.
            ("four_eyes_rules", "[]", "[{\"kind\":null,\"outcome\":\"reject\",\"reasons\":[]}]"),
            ("lease_secs", "1800", "900")
        ]
    );
    let s = hub.login(SUPERVISOR).await;
    let report: AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(report.intact);
}

/// `GET audit/verify`, optionally against an earlier head.
async fn verify_since(
    hub: &TestHub,
    token: &str,
    head: Option<&kyc_proto::ChainHead>,
) -> AuditVerifyReport {
    let path = match head {
        None => routes::AUDIT_VERIFY.to_owned(),
        Some(h) => format!("{}?since_seq={}&since_hash={}", routes::AUDIT_VERIFY, h.seq, h.hash),
    };
    hub.call(Method::GET, &path, Some(token), None::<&()>).await.json()
}

/// What `kyc-hub audit verify --json` prints, parsed.
fn cli_verify(
    hub: &TestHub,
    head: Option<&kyc_proto::ChainHead>,
) -> (Option<i32>, AuditVerifyReport) {
    let mut args = vec!["audit".to_owned(), "verify".into(), "--json".into(), "--data".into()];
    args.push(hub.dir.path().to_str().unwrap().to_owned());
    if let Some(h) = head {
        args.extend([
            "--since-seq".into(),
            h.seq.to_string(),
            "--since-hash".into(),
            h.hash.clone(),
        ]);
    }
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_kyc-hub")).args(&args).output().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), report)
}

#[tokio::test]
async fn the_chain_head_shows_a_rewritten_or_truncated_tail_and_the_cli_agrees_with_the_api() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 3, 72).await;
    let s = hub.login(SUPERVISOR).await;
    let first = verify_since(&hub, &s, None).await;
    let head = first.head.clone().expect("a head");
    assert_eq!((first.intact, first.verified_through, first.anchor), (true, head.seq, None));
    assert_eq!(head.seq, first.records);
    assert_eq!(cli_verify(&hub, None), (Some(0), first.clone()));

    // The chain grows: it still extends the head seen before.
    let r = hub.login(REVIEWER_A).await;
    hub.lease(&r, 3).await;
    let grown = verify_since(&hub, &s, Some(&head)).await;
    assert_eq!(grown.anchor, Some(kyc_proto::AnchorCheck::Extends));
    assert!(grown.head.as_ref().unwrap().seq > head.seq);
    assert_eq!(cli_verify(&hub, Some(&head)), (Some(0), grown.clone()));
    let a_head_never_seen = kyc_proto::ChainHead { seq: head.seq, hash: "0".repeat(64) };
    let forged = verify_since(&hub, &s, Some(&a_head_never_seen)).await;
    assert_eq!((forged.intact, forged.anchor), (true, Some(kyc_proto::AnchorCheck::Rewritten)));
    hub.call(Method::GET, &format!("{}?since_seq=3", routes::AUDIT_VERIFY), Some(&s), None::<&()>)
        .await
        .expect_error(400, "invalid");

    // Cut the tail back below the head (triggers dropped, as an attacker with the file would):
    // the chain verifies by itself, only the head shows the cut.
    hub.sql(&format!(
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq >= {};",
        head.seq - 1
    ));
    let cut = verify_since(&hub, &s, Some(&head)).await;
    assert!(cut.intact, "a truncated chain is consistent with itself");
    assert_eq!(cut.anchor, Some(kyc_proto::AnchorCheck::Truncated));
    let (code, cli) = cli_verify(&hub, Some(&head));
    assert_eq!((code, &cli), (Some(1), &cut), "the CLI fails on a cut tail");

    // Rewrite a record before the (new) head: the first broken link, and the head mismatch.
    let now_head = cut.head.clone().unwrap();
    hub.sql("DROP TRIGGER audit_no_update; UPDATE audit SET recorded_at = recorded_at + 1 WHERE seq = 2;");
    let edited = verify_since(&hub, &s, Some(&now_head)).await;
    assert_eq!(
        (edited.intact, edited.first_broken_seq, edited.verified_through, edited.anchor),
        (false, Some(2), 1, Some(kyc_proto::AnchorCheck::Rewritten))
    );
    assert_eq!(cli_verify(&hub, Some(&now_head)), (Some(1), edited));
}
