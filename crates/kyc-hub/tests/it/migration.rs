//! The one-time migration of a schema-0 database (reasons in the chain, verdict notes in
//! clear), built here with that schema's SQL and its hashing written out by hand.

use kyc_hub::crypto::HubKey;
use kyc_model::{Decision, Outcome, ReasonCode};
use kyc_proto::{AuditEventKind, AuditRecordKind, DecisionQuery};
use kyc_scan::Marker;
use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::support::*;

/// The schema as the hub created it before schema 2 (copied from that version).
const SCHEMA_0: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked TEXT
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS policy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL,
    payload BLOB,
    created_at INTEGER NOT NULL,
    lease_holder TEXT,
    lease_granted_at INTEGER,
    lease_expires_at INTEGER,
    decided_at INTEGER
);
CREATE INDEX IF NOT EXISTS cases_ready ON cases(state, priority DESC, created_at);
CREATE TABLE IF NOT EXISTS lease_log (
    case_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    position INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS media_case ON media(case_id);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    case_id TEXT NOT NULL REFERENCES cases(id),
    reviewer TEXT NOT NULL,
    outcome TEXT NOT NULL,
    decision BLOB NOT NULL,
    decided_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    handling_secs INTEGER,
    case_state TEXT NOT NULL,
    verdict TEXT,
    verdict_by TEXT,
    verdict_note TEXT,
    verdict_at INTEGER
);
CREATE INDEX IF NOT EXISTS decisions_case ON decisions(case_id);
CREATE INDEX IF NOT EXISTS decisions_reviewer ON decisions(reviewer, recorded_at);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    recorded_at INTEGER NOT NULL,
    actor TEXT,
    case_id TEXT,
    kind TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_case ON audit(case_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
"#;

const REASON: &str = "Old-reason-marker Wang Jianguo 3301 looked twice";
const NOTE: &str = "Old-verdict-marker Chen Meiling 5105 overturned";

/// Schema 0's link: SHA-256 of the previous hash (hex) and the record's JSON in field order.
fn v0_hash(prev: &str, seq: i64, at: i64, actor: &str, case: &str, kind: &str) -> String {
    let json = format!(
        r#"{{"seq":{seq},"recorded_at":{at},"actor":{},"case_id":{},"kind":{}}}"#,
        serde_json::to_string(actor).unwrap(),
        serde_json::to_string(case).unwrap(),
        serde_json::to_string(kind).unwrap(),
    );
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(json.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a schema-0 hub: one decided case with a reveal and an overturned decision. Returns
/// the records' hashes.
fn build_schema_0(dir: &std::path::Path, tamper: bool) -> Vec<String> {
    let key = HubKey::load_or_create(dir).unwrap();
    let demo = make_cases(1, 99).remove(0);
    let case = &demo.case;
    let conn = rusqlite::Connection::open(dir.join("hub.sqlite3")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute_batch(SCHEMA_0).unwrap();
    let payload = key
        .seal_value("cases.payload", case.id.as_str(), &serde_json::to_vec(case).unwrap())
        .unwrap();
    conn.execute(
        "INSERT INTO cases (id, kind, priority, state, payload, created_at, decided_at) VALUES (?1, ?2, 0, 'decided', ?3, 1000, 2000)",
        params![case.id.as_str(), case.kind.code(), payload],
    )
    .unwrap();
    let decision = Decision {
        case_id: case.id.clone(),
        outcome: Outcome::Reject { reasons: vec![ReasonCode::Other] },
        note: None,
        decided_at: time::OffsetDateTime::from_unix_timestamp(2).unwrap(),
        active_ms: None,
        applicant_text: None,
    };
    let sealed = key
        .seal_value("decisions.decision", "k-old-1", &serde_json::to_vec(&decision).unwrap())
        .unwrap();
    conn.execute(
        "INSERT INTO decisions (id, idempotency_key, case_id, reviewer, outcome, decision, decided_at, recorded_at, case_state, verdict, verdict_by, verdict_note, verdict_at) \
         VALUES (1, 'k-old-1', ?1, 'u_reviewer', 'reject', ?2, 2000, 2000, 'decided', 'overturn', 'u_supervisor', ?3, 3000)",
        params![case.id.as_str(), sealed, NOTE],
    )
    .unwrap();
    let reveal = format!(
        r#"{{"type":"client","event":{{"type":"field_revealed","field":"applicant.name","reason":{}}},"at":"1970-01-01T00:00:01Z"}}"#,
        serde_json::to_string(REASON).unwrap()
    );
    let records = [
        ("u_admin", r#"{"type":"case_created"}"#.to_owned()),
        ("u_reviewer", reveal),
        (
            "u_reviewer",
            r#"{"type":"decision_recorded","decision_id":1,"outcome":"reject"}"#.to_owned(),
        ),
        (
            "u_supervisor",
            r#"{"type":"verdict_given","decision_id":1,"verdict":"overturn"}"#.to_owned(),
        ),
    ];
    let mut prev = "0".repeat(64);
    let mut hashes = Vec::new();
    for (i, (actor, kind)) in records.iter().enumerate() {
        let seq = i as i64 + 1;
        let at = 1000 * seq;
        let hash = v0_hash(&prev, seq, at, actor, case.id.as_str(), kind);
        // A tampered chain: the third record's stored kind is not what was hashed.
        let stored =
            if tamper && seq == 3 { kind.replace("reject", "approve") } else { kind.clone() };
        conn.execute(
            "INSERT INTO audit (seq, recorded_at, actor, case_id, kind, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![seq, at, actor, case.id.as_str(), stored, hash],
        )
        .unwrap();
        prev = hash.clone();
        hashes.push(hash);
    }
    drop(conn);
    hashes
}

fn markers() -> Vec<Marker> {
    vec![Marker::text("old reveal reason", REASON), Marker::text("old verdict note", NOTE)]
}

#[test]
fn a_schema_0_database_is_sealed_once_and_its_chain_still_verifies() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let old = build_schema_0(dir.path(), false);
    // The fixture is what the old hub left: both texts in clear.
    assert!(!kyc_scan::scan_dir(dir.path(), &markers()).unwrap().is_clean());

    let (store, _) = kyc_hub::ops::open_data_dir(dir.path()).unwrap();
    let report = store.audit_verify(None).unwrap();
    assert_eq!((report.intact, report.records), (true, 5), "4 old records and the migration's");
    let case_id =
        store.query_decisions(&DecisionQuery::default(), 0).unwrap().items[0].case_id.clone();
    let history = store.case_history(&case_id).unwrap().unwrap();
    // The record before the first change keeps its hash; the migration names the old head.
    assert_eq!(history.audit[0].hash, old[0]);
    assert_ne!(history.audit[1].hash, old[1]);
    let migrated = store.audit_head().unwrap().unwrap();
    assert_eq!(migrated.0, 5);
    let conn = rusqlite::Connection::open(dir.path().join("hub.sqlite3")).unwrap();
    let (version, kind): (i64, String) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), kind FROM audit WHERE seq = 5",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(version, kyc_hub::store::sqlite::SCHEMA_VERSION);
    let kind: AuditRecordKind = serde_json::from_str(&kind).unwrap();
    assert_eq!(
        kind,
        AuditRecordKind::ChainMigrated {
            old_head_seq: 4,
            old_head_hash: old[3].clone(),
            rewritten: 1
        }
    );
    // Nothing is lost: an entitled reader gets both texts back from their sealed cells.
    let AuditRecordKind::Client { event: AuditEventKind::FieldRevealed { reason, .. }, .. } =
        &history.audit[1].kind
    else {
        panic!("{:?}", history.audit[1].kind)
    };
    assert_eq!(reason, REASON);
    assert_eq!(history.decisions[0].verdict.as_ref().unwrap().note.as_deref(), Some(NOTE));
    drop(conn);
    drop(store);

    // Neither text is left anywhere in the data directory, in any encoding.
    let scan = kyc_scan::scan_dir(dir.path(), &markers()).unwrap();
    assert!(scan.is_clean(), "{scan}");
    // Opening again migrates nothing more.
    let (store, _) = kyc_hub::ops::open_data_dir(dir.path()).unwrap();
    assert_eq!(store.audit_verify(None).unwrap().records, 5);
    drop(store);

    // Retention then removes the migrated detail too, and the chain still verifies.
    let purged = kyc_hub::ops::purge(dir.path()).unwrap();
    assert_eq!(purged.cases_purged, 1);
    let (store, _) = kyc_hub::ops::open_data_dir(dir.path()).unwrap();
    let report = store.audit_verify(None).unwrap();
    assert_eq!((report.intact, report.records), (true, 6));
    let history = store.case_history(&case_id).unwrap().unwrap();
    assert!(history.audit[1].detail_digest.is_some());
    assert!(history.decisions[0].verdict.as_ref().unwrap().note.is_none());
}

#[test]
fn a_tampered_schema_0_chain_is_not_rehashed() {
    init();
    let dir = tempfile::tempdir().unwrap();
    build_schema_0(dir.path(), true);
    let err = kyc_hub::ops::open_data_dir(dir.path()).err().expect("the migration must refuse");
    assert!(err.to_string().contains("audit chain is broken"), "{err}");
    // Nothing was changed: the old records are still there to investigate.
    let conn = rusqlite::Connection::open(dir.path().join("hub.sqlite3")).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 0);
}
