//! The embedded backend: SQLite in WAL mode. All writes go through one connection, each in a
//! `BEGIN IMMEDIATE` transaction, so writers serialize and a lease can never be granted twice;
//! reads use a small pool of their own connections and never block writers.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kyc_model::{
    Case, CaseEvent, CaseId, CaseKind, CaseState, Decision, MediaId, Priority, UserId,
};
use kyc_proto::{
    AnchorCheck, AttentionAction, AuditEventStatus, AuditRecord, AuditRecordKind,
    AuditVerifyReport, CaseHistory, ChainHead, ConflictReason, DecisionItem, DecisionPage,
    DecisionQuery, DecisionRecord, DecisionSort, DecisionSource, DecisionStatus, DisputedCase,
    EscalatedCase, IdempotencyKey, LeasedCase, MediaManifest, NeedsAttentionCase, OutcomeCode,
    OverturnAction, Policy, PolicyFieldChange, ReviewerStats, Role, SlotDecision, StatsQuery,
    StatsResponse, VerdictKind, VerdictRecord, VerdictRequest, VerdictResponse, VerdictState,
};
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

use super::{
    AuditEntry, ConfirmedProblem, MediaRow, NewMedia, PurgeOutcome, Revocation, SessionRow, Store,
    StoreError, UserChange, UserRow, default_policy,
};
use crate::audit::{
    AuditDetail, CanonicalRecord, ChainVerifier, GENESIS, chain_hash, detail_digest,
    restore_free_text, split_free_text,
};
use crate::crypto::HubKey;
use crate::time_util::{Millis, from_ms, to_ms};

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "hub.sqlite3";

/// The schema version kept in SQLite's `user_version`. 0 is the first schema (free text in
/// the chain, verdict notes in clear); 2 seals them (`sqlite_v2.rs` upgrades once); 3 gives
/// escalated cases their own state (the supervisors' queue) and decisions their source
/// (reviewer, escalation, correction), see [`migrate_v3`]; 4 adds the review slots of blind
/// double review (`review_slots`, a new table: nothing older changes).
pub const SCHEMA_VERSION: i64 = 4;

#[path = "sqlite_v2.rs"]
mod migrate_v2;

const READERS: usize = 4;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    -- The credential (auth::Credential as JSON: KDF spec, verifier of the client's hub key);
    -- the column keeps its old name, it never holds a password or a hash of one.
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
-- Recovery keys of workstation vaults, sealed under the hub key (bound to account and vault).
CREATE TABLE IF NOT EXISTS vault_recovery (
    user_id TEXT NOT NULL REFERENCES users(id),
    vault_id TEXT NOT NULL,
    sealed_key BLOB NOT NULL,
    deposited_at INTEGER NOT NULL,
    released_at INTEGER,
    PRIMARY KEY (user_id, vault_id)
) WITHOUT ROWID;
-- Random secrets of the hub that are not keys to data (the decoy-prelogin secret).
CREATE TABLE IF NOT EXISTS hub_secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
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
    hash TEXT NOT NULL,
    detail_digest TEXT
);
CREATE INDEX IF NOT EXISTS audit_case ON audit(case_id);
CREATE TABLE IF NOT EXISTS audit_detail (
    seq INTEGER PRIMARY KEY,
    sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_keys (
    actor TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (actor, idempotency_key)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
"#;

/// Cases out of the queue because the hub confirmed their media unusable (one row per case).
const ATTENTION_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS case_attention (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    media_id TEXT NOT NULL,
    reported TEXT NOT NULL,
    rule TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL
);
"#;

/// QA review lists: the draw's inputs (window, share, seed) and its result (strata, members),
/// so a list can be redone and checked. The name is free text: sealed.
const SAMPLE_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS samples (
    id TEXT PRIMARY KEY,
    name BLOB NOT NULL,
    percent INTEGER NOT NULL,
    window_from INTEGER NOT NULL,
    window_to INTEGER NOT NULL,
    seed TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sample_strata (
    sample_id TEXT NOT NULL REFERENCES samples(id),
    reviewer TEXT NOT NULL,
    kind TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    drawn INTEGER NOT NULL,
    PRIMARY KEY (sample_id, reviewer, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sample_members (
    sample_id TEXT NOT NULL REFERENCES samples(id),
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    PRIMARY KEY (sample_id, decision_id)
) WITHOUT ROWID;
"#;

const SAMPLE_NAME_COLUMN: &str = "samples.name";

/// Blind double review (schema 4): a case marked at intake has two slots, each leased and
/// decided on its own (the case row's lease columns stay empty). A slot is free when it is
/// undecided and unleased or its lease ran out; `decided_by` and `decision_id` are set once.
const DOUBLE_REVIEW_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS review_slots (
    case_id TEXT NOT NULL REFERENCES cases(id),
    slot INTEGER NOT NULL CHECK (slot IN (1, 2)),
    holder TEXT,
    lease_granted_at INTEGER,
    lease_expires_at INTEGER,
    lease_offline INTEGER NOT NULL DEFAULT 0,
    decided_by TEXT,
    decision_id INTEGER UNIQUE REFERENCES decisions(id),
    PRIMARY KEY (case_id, slot)
) WITHOUT ROWID;
"#;

/// The name in `hub_secrets` of the key of the double-review marking.
const DOUBLE_REVIEW_SECRET: &str = "double_review";

/// Adds `decisions.handling_ms` (active time clamped by the hub) to databases made before it
/// existed. Their `handling_secs` came from the client's clock, which no statistic may use: it
/// is cleared in the same transaction.
fn add_handling_ms(conn: &mut Connection) -> Result<(), StoreError> {
    add_columns_once(
        conn,
        "decisions",
        "handling_ms",
        "ALTER TABLE decisions ADD COLUMN handling_ms INTEGER; \
         UPDATE decisions SET handling_secs = NULL;",
    )
}

/// Runs `ddl` in one immediate transaction unless `table` already has `column` (the first
/// column `ddl` adds): an additive schema change that a database made before it gets once.
fn add_columns_once(
    conn: &mut Connection,
    table: &str,
    column: &str,
    ddl: &str,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let present: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        [table, column],
        |r| r.get(0),
    )?;
    if !present {
        tx.execute_batch(ddl)?;
    }
    tx.commit()?;
    Ok(())
}

/// Adds the supervisor columns of `decisions` to databases made before them: `source`
/// (`reviewer`, `escalation`, `correction`; every older row is a reviewer's), `supersedes`
/// (a correction's overturned decision) and `superseded_by` (the correction that overturned
/// this one).
fn add_decision_sources(conn: &mut Connection) -> Result<(), StoreError> {
    add_columns_once(
        conn,
        "decisions",
        "source",
        "ALTER TABLE decisions ADD COLUMN source TEXT NOT NULL DEFAULT 'reviewer'; \
         ALTER TABLE decisions ADD COLUMN supersedes INTEGER; \
         ALTER TABLE decisions ADD COLUMN superseded_by INTEGER;",
    )
}

/// Schema 3: before it, an escalation put the case back in the reviewers' queue (`open`);
/// now it waits in the supervisors' (`escalated`). Open cases whose latest decision is an
/// escalation move there. A case a senior reviewer leased again under the old rule keeps its
/// lease and is decided as before.
fn migrate_v3(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE cases SET state = 'escalated' WHERE state = 'open' AND \
         (SELECT outcome FROM decisions WHERE case_id = cases.id ORDER BY id DESC LIMIT 1) = 'escalate'",
        [],
    )?;
    tx.pragma_update(None, "user_version", 3)?;
    tx.commit()?;
    Ok(())
}

/// Adds `cases.lease_offline` (1: the current lease was granted for offline work, and its
/// renewals keep the offline length) to databases made before it existed; their leases were
/// all ordinary ones.
fn add_lease_offline(conn: &mut Connection) -> Result<(), StoreError> {
    add_columns_once(
        conn,
        "cases",
        "lease_offline",
        "ALTER TABLE cases ADD COLUMN lease_offline INTEGER NOT NULL DEFAULT 0",
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

fn state_from_code(code: &str) -> Result<CaseState, StoreError> {
    CaseState::from_code(code).ok_or(StoreError::Corrupt("case state"))
}

fn kind_from_code(code: &str) -> Result<CaseKind, StoreError> {
    CaseKind::ALL.into_iter().find(|k| k.code() == code).ok_or(StoreError::Corrupt("case kind"))
}

fn parse_id<T: std::str::FromStr>(s: &str, what: &'static str) -> Result<T, StoreError> {
    s.parse().map_err(|_| StoreError::Corrupt(what))
}

fn transition(state: CaseState, event: CaseEvent) -> Result<CaseState, StoreError> {
    state.next(event).map_err(|_| StoreError::Corrupt("case state transition"))
}

/// The SQLite store.
pub struct SqliteStore {
    /// Seals the personal columns (case payloads, decisions with their notes).
    key: Arc<HubKey>,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Purged personal data is overwritten, not just unlinked from the b-tree.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // FULL: a commit the client saw is on disk even after a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating) `data_dir/hub.sqlite3`. Personal columns are sealed with `key`.
    pub fn open(data_dir: &Path, key: Arc<HubKey>) -> Result<Self, StoreError> {
        let path = data_dir.join(DB_FILE);
        // Created private before SQLite sees it: SQLite gives the -wal and -shm files the
        // database file's permissions.
        kyc_platform::private_fs::open_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        let mut writer = Connection::open(&path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        let version: i64 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let existing: bool = writer.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit')",
            [],
            |r| r.get(0),
        )?;
        // New tables first; the old ones are left as they are for the migration.
        writer.execute_batch(SCHEMA)?;
        writer.execute_batch(ATTENTION_SCHEMA)?;
        writer.execute_batch(SAMPLE_SCHEMA)?;
        writer.execute_batch(DOUBLE_REVIEW_SCHEMA)?;
        add_handling_ms(&mut writer)?;
        add_lease_offline(&mut writer)?;
        add_decision_sources(&mut writer)?;
        if existing && version < 2 {
            migrate_v2::migrate(&mut writer, &key, crate::time_util::now_ms())?;
        }
        if existing && version < 3 {
            migrate_v3(&mut writer)?;
        }
        if version < SCHEMA_VERSION {
            writer.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(Duration::from_secs(10))?;
            readers.push(Mutex::new(conn));
        }
        Ok(Self { key, writer: Mutex::new(writer), readers, next_reader: AtomicUsize::new(0) })
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idx = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let mut conn = self.readers[idx].lock().unwrap_or_else(|p| p.into_inner());
        // One deferred transaction: a consistent snapshot across the reads of one call.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&tx)?;
        tx.finish()?;
        Ok(out)
    }
}

fn user_from_row(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, String, String, bool, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
}

fn user_row(raw: (String, String, String, String, bool, i64)) -> Result<UserRow, StoreError> {
    Ok(UserRow {
        id: parse_id(&raw.0, "user id")?,
        username: raw.1,
        role: Role::from_code(&raw.2).ok_or(StoreError::Corrupt("role"))?,
        credential: raw.3,
        disabled: raw.4,
        created_at: raw.5,
    })
}

const USER_COLS: &str = "id, username, role, password_hash, disabled, created_at";

fn load_user(tx: &Transaction<'_>, id: &UserId) -> Result<UserRow, StoreError> {
    let raw = tx
        .query_row(
            &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
            [id.as_str()],
            user_from_row,
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    user_row(raw)
}

fn media_manifests(tx: &Transaction<'_>, case: &str) -> Result<Vec<MediaManifest>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, content_type, size, sha256 FROM media WHERE case_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([case], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, content_type, size, sha256) = row?;
        out.push(MediaManifest {
            id: parse_id(&id, "media id")?,
            content_type,
            size: size as u64,
            sha256,
        });
    }
    Ok(out)
}

fn load_payload(key: &HubKey, case_id: &str, sealed: &[u8]) -> Result<Case, StoreError> {
    let json = key
        .open_value("cases.payload", case_id, sealed)
        .map_err(|_| StoreError::Corrupt("case payload"))?;
    serde_json::from_slice(&json).map_err(|_| StoreError::Corrupt("case payload"))
}

fn seal_payload(key: &HubKey, case: &Case) -> Result<Vec<u8>, StoreError> {
    let json = zeroize::Zeroizing::new(
        serde_json::to_vec(case).map_err(|_| StoreError::Corrupt("case payload"))?,
    );
    key.seal_value("cases.payload", case.id.as_str(), &json)
        .map_err(|_| StoreError::Corrupt("case payload"))
}

fn load_decision(key: &HubKey, idem_key: &str, sealed: &[u8]) -> Result<Decision, StoreError> {
    let json = key
        .open_value("decisions.decision", idem_key, sealed)
        .map_err(|_| StoreError::Corrupt("decision"))?;
    serde_json::from_slice(&json).map_err(|_| StoreError::Corrupt("decision"))
}

fn seal_decision(key: &HubKey, idem_key: &str, decision: &Decision) -> Result<Vec<u8>, StoreError> {
    let json = zeroize::Zeroizing::new(
        serde_json::to_vec(decision).map_err(|_| StoreError::Corrupt("decision"))?,
    );
    key.seal_value("decisions.decision", idem_key, &json)
        .map_err(|_| StoreError::Corrupt("decision"))
}

/// Appends records without free text (every kind but a client's reveal) inside a caller's
/// transaction. A record with free text needs the key: [`append_sealed_tx`].
fn append_tx(tx: &Transaction<'_>, entries: &[AuditEntry], now: Millis) -> Result<(), StoreError> {
    append_with(tx, None, entries, now).map(|_| ())
}

/// Appends records inside a caller's transaction, sealing their free text into
/// `audit_detail`; returns their sequence numbers.
fn append_sealed_tx(
    tx: &Transaction<'_>,
    key: &HubKey,
    entries: &[AuditEntry],
    now: Millis,
) -> Result<Vec<i64>, StoreError> {
    append_with(tx, Some(key), entries, now)
}

const AUDIT_DETAIL_COLUMN: &str = "audit_detail.sealed";

/// Seals a record's free text for its row `seq`; returns the sealed bytes and their digest.
fn seal_detail(
    key: &HubKey,
    seq: i64,
    detail: &AuditDetail,
) -> Result<(Vec<u8>, String), StoreError> {
    let json = zeroize::Zeroizing::new(
        serde_json::to_vec(detail).map_err(|_| StoreError::Corrupt("audit detail"))?,
    );
    let sealed = key
        .seal_value(AUDIT_DETAIL_COLUMN, &seq.to_string(), &json)
        .map_err(|_| StoreError::Corrupt("audit detail"))?;
    let digest = detail_digest(&sealed);
    Ok((sealed, digest))
}

fn open_detail(key: &HubKey, seq: i64, sealed: &[u8]) -> Result<AuditDetail, StoreError> {
    let json = key
        .open_value(AUDIT_DETAIL_COLUMN, &seq.to_string(), sealed)
        .map_err(|_| StoreError::Corrupt("audit detail"))?;
    serde_json::from_slice(&json).map_err(|_| StoreError::Corrupt("audit detail"))
}

fn append_with(
    tx: &Transaction<'_>,
    key: Option<&HubKey>,
    entries: &[AuditEntry],
    now: Millis,
) -> Result<Vec<i64>, StoreError> {
    let (mut seq, mut prev): (i64, String) = tx
        .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_owned()));
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit (seq, recorded_at, actor, case_id, kind, detail_digest, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut seqs = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let (public, detail) = split_free_text(&entry.kind);
        let digest = match detail {
            None => None,
            Some(detail) => {
                let key = key.ok_or(StoreError::Corrupt("audit free text without the key"))?;
                let (sealed, digest) = seal_detail(key, seq, &detail)?;
                tx.prepare_cached("INSERT INTO audit_detail (seq, sealed) VALUES (?1, ?2)")?
                    .execute(params![seq, sealed])?;
                Some(digest)
            }
        };
        let kind = serde_json::to_string(&public).map_err(|_| StoreError::Corrupt("audit kind"))?;
        let actor = entry.actor.as_ref().map(|a| a.as_str());
        let case_id = entry.case_id.as_ref().map(|c| c.as_str());
        let record = CanonicalRecord {
            seq,
            recorded_at: now,
            actor,
            case_id,
            kind: &kind,
            detail_digest: digest.as_deref(),
        };
        let hash = chain_hash(&prev, &record);
        stmt.execute(params![seq, now, actor, case_id, kind, digest, hash])?;
        seqs.push(seq);
        prev = hash;
    }
    Ok(seqs)
}

const DECISION_COLS: &str = "d.id, d.case_id, c.kind, d.reviewer, d.decision, d.recorded_at, \
     d.handling_secs, d.verdict, d.verdict_by, d.verdict_note, d.verdict_at, d.idempotency_key, \
     d.source, d.supersedes, d.superseded_by, c.state, \
     (c.state = 'awaiting_confirmation' AND d.id = (SELECT MAX(id) FROM decisions WHERE case_id = d.case_id))";

/// A `decisions` row joined with its case, as [`DECISION_COLS`] reads it.
struct RawDecision {
    id: i64,
    case_id: String,
    kind: String,
    reviewer: String,
    decision: Vec<u8>,
    recorded_at: i64,
    handling_secs: Option<i64>,
    verdict: Option<String>,
    verdict_by: Option<String>,
    verdict_note: Option<Vec<u8>>,
    verdict_at: Option<i64>,
    idempotency_key: String,
    source: String,
    supersedes: Option<i64>,
    superseded_by: Option<i64>,
    case_state: String,
    waiting: bool,
}

fn raw_decision(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDecision> {
    Ok(RawDecision {
        id: r.get(0)?,
        case_id: r.get(1)?,
        kind: r.get(2)?,
        reviewer: r.get(3)?,
        decision: r.get(4)?,
        recorded_at: r.get(5)?,
        handling_secs: r.get(6)?,
        verdict: r.get(7)?,
        verdict_by: r.get(8)?,
        verdict_note: r.get(9)?,
        verdict_at: r.get(10)?,
        idempotency_key: r.get(11)?,
        source: r.get(12)?,
        supersedes: r.get(13)?,
        superseded_by: r.get(14)?,
        case_state: r.get(15)?,
        waiting: r.get(16)?,
    })
}

/// A decision as supervisors see it; the age of a four-eyes wait is measured to `now`.
fn decision_record(
    key: &HubKey,
    raw: RawDecision,
    now: Millis,
) -> Result<DecisionRecord, StoreError> {
    let verdict = match (raw.verdict, raw.verdict_by, raw.verdict_at) {
        (Some(v), Some(by), Some(at)) => Some(VerdictRecord {
            verdict: match v.as_str() {
                "agree" => VerdictKind::Agree,
                "overturn" => VerdictKind::Overturn,
                _ => return Err(StoreError::Corrupt("verdict")),
            },
            supervisor: parse_id(&by, "user id")?,
            note: raw
                .verdict_note
                .map(|sealed| open_verdict_note(key, raw.id, &sealed))
                .transpose()?,
            at: from_ms(at),
        }),
        _ => None,
    };
    Ok(DecisionRecord {
        decision_id: raw.id,
        case_id: parse_id(&raw.case_id, "case id")?,
        kind: kind_from_code(&raw.kind)?,
        reviewer: parse_id(&raw.reviewer, "user id")?,
        decision: load_decision(key, &raw.idempotency_key, &raw.decision)?,
        source: DecisionSource::from_code(&raw.source).ok_or(StoreError::Corrupt("source"))?,
        supersedes: raw.supersedes,
        superseded_by: raw.superseded_by,
        case_state: state_from_code(&raw.case_state)?,
        waiting_secs: raw.waiting.then(|| (now - raw.recorded_at).max(0) / 1000),
        recorded_at: from_ms(raw.recorded_at),
        handling_secs: raw.handling_secs,
        verdict,
    })
}

const VERDICT_NOTE_COLUMN: &str = "decisions.verdict_note";

fn seal_verdict_note(key: &HubKey, decision_id: i64, note: &str) -> Result<Vec<u8>, StoreError> {
    key.seal_value(VERDICT_NOTE_COLUMN, &decision_id.to_string(), note.as_bytes())
        .map_err(|_| StoreError::Corrupt("verdict note"))
}

fn open_verdict_note(key: &HubKey, decision_id: i64, sealed: &[u8]) -> Result<String, StoreError> {
    let bytes = key
        .open_value(VERDICT_NOTE_COLUMN, &decision_id.to_string(), sealed)
        .map_err(|_| StoreError::Corrupt("verdict note"))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| StoreError::Corrupt("verdict note"))
}

/// An audit row as stored, with its sealed detail if it still exists.
type RawAudit =
    (i64, i64, Option<String>, Option<String>, String, Option<String>, String, Option<Vec<u8>>);

const AUDIT_COLS: &str =
    "a.seq, a.recorded_at, a.actor, a.case_id, a.kind, a.detail_digest, a.hash, d.sealed";

fn raw_audit(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawAudit> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

/// A stored record for a reader entitled to its free text, which is opened and put back.
fn audit_record(key: &HubKey, raw: RawAudit) -> Result<AuditRecord, StoreError> {
    let (seq, recorded_at, actor, case_id, kind, detail_digest, hash, sealed) = raw;
    let mut kind: AuditRecordKind =
        serde_json::from_str(&kind).map_err(|_| StoreError::Corrupt("audit kind"))?;
    if let Some(sealed) = sealed {
        restore_free_text(&mut kind, open_detail(key, seq, &sealed)?);
    }
    Ok(AuditRecord {
        seq,
        recorded_at: from_ms(recorded_at),
        actor: actor.map(|a| parse_id(&a, "user id")).transpose()?,
        case_id: case_id.map(|c| parse_id(&c, "case id")).transpose()?,
        kind,
        detail_digest,
        hash,
    })
}

/// Whether a supervisor may open the case: it is theirs to handle when decided (or purged,
/// which leaves nothing personal), waiting for four-eyes confirmation, disputed, or escalated (its
/// latest decision is an escalation, whether or not a senior reviewer has leased it since).
/// `None` when the case does not exist.
fn supervisor_may_open_tx(tx: &Transaction<'_>, case: &str) -> Result<Option<bool>, StoreError> {
    let row = tx
        .query_row(
            "SELECT c.state, (SELECT outcome FROM decisions WHERE case_id = c.id ORDER BY id DESC LIMIT 1)              FROM cases c WHERE c.id = ?1",
            [case],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
        )
        .optional()?;
    let Some((state, latest)) = row else { return Ok(None) };
    let escalated = latest.as_deref() == Some(OutcomeCode::Escalate.code());
    Ok(Some(match state_from_code(&state)? {
        CaseState::Decided
        | CaseState::AwaitingConfirmation
        | CaseState::Purged
        | CaseState::Escalated => true,
        // A case escalated before schema 3 went back to the reviewers' queue.
        CaseState::Open | CaseState::Leased => escalated,
        CaseState::Disputed => true,
        // The states for administrators are not a supervisor's, and a double review is
        // its reviewers' until both slots are decided.
        CaseState::NeedsAttention | CaseState::ClosedUnusable | CaseState::DoubleReview => false,
    }))
}

/// A case's history as a supervisor sees it.
fn load_history(
    key: &HubKey,
    tx: &Transaction<'_>,
    id: &CaseId,
    now: Millis,
) -> Result<Option<CaseHistory>, StoreError> {
    let row = tx
        .query_row("SELECT kind, state, payload FROM cases WHERE id = ?1", [id.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<Vec<u8>>>(2)?))
        })
        .optional()?;
    let Some((kind, state, payload)) = row else { return Ok(None) };
    let decisions = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {DECISION_COLS} FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.case_id = ?1 ORDER BY d.id"
        ))?;
        let rows = stmt.query_map([id.as_str()], raw_decision)?;
        rows.map(|r| decision_record(key, r?, now)).collect::<Result<Vec<_>, _>>()?
    };
    let audit = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {AUDIT_COLS} FROM audit a LEFT JOIN audit_detail d ON d.seq = a.seq              WHERE a.case_id = ?1 ORDER BY a.seq"
        ))?;
        let rows = stmt.query_map([id.as_str()], raw_audit)?;
        rows.map(|r| audit_record(key, r?)).collect::<Result<Vec<_>, _>>()?
    };
    let kind = kind_from_code(&kind)?;
    Ok(Some(CaseHistory {
        case_id: id.clone(),
        kind,
        state: state_from_code(&state)?,
        overturn_action: stored_policy(tx)?.overturn_action(kind),
        case: payload.as_deref().map(|p| load_payload(key, id.as_str(), p)).transpose()?,
        media: media_manifests(tx, id.as_str())?,
        decisions,
        audit,
    }))
}

/// The stored policy, read in the caller's transaction.
fn stored_policy(tx: &Transaction<'_>) -> Result<Policy, StoreError> {
    let json: Option<String> =
        tx.query_row("SELECT json FROM policy WHERE id = 1", [], |r| r.get(0)).optional()?;
    match json {
        None => Ok(default_policy()),
        Some(j) => serde_json::from_str::<Policy>(&j)
            .map(Policy::normalized)
            .map_err(|_| StoreError::Corrupt("policy")),
    }
}

/// The key of the double-review marking (32 random bytes, made on first use and kept, so the
/// marking of a case id stays the same across restarts).
fn double_review_secret(tx: &Transaction<'_>) -> Result<[u8; 32], StoreError> {
    let stored: Option<Vec<u8>> = tx
        .query_row("SELECT value FROM hub_secrets WHERE name = ?1", [DOUBLE_REVIEW_SECRET], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(bytes) = stored {
        return bytes.try_into().map_err(|_| StoreError::Corrupt("double-review secret"));
    }
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    tx.execute(
        "INSERT INTO hub_secrets (name, value) VALUES (?1, ?2)",
        params![DOUBLE_REVIEW_SECRET, &secret[..]],
    )?;
    Ok(secret)
}

/// The changed fields between two policies, by field name.
fn policy_changes(old: &Policy, new: &Policy) -> Result<Vec<PolicyFieldChange>, StoreError> {
    let as_fields = |p: &Policy| -> Result<Vec<(String, String)>, StoreError> {
        let value = serde_json::to_value(p).map_err(|_| StoreError::Corrupt("policy"))?;
        let serde_json::Value::Object(map) = value else {
            return Err(StoreError::Corrupt("policy"));
        };
        let mut fields: Vec<(String, String)> =
            map.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        fields.sort();
        Ok(fields)
    };
    let old = as_fields(old)?;
    Ok(as_fields(new)?
        .into_iter()
        .filter_map(|(field, to)| {
            let from =
                old.iter().find(|(f, _)| *f == field).map_or("null".to_owned(), |(_, v)| v.clone());
            (from != to).then_some(PolicyFieldChange { field, from, to })
        })
        .collect())
}

/// Applies an account change inside a caller's transaction.
fn update_user_tx(
    tx: &Transaction<'_>,
    id: &UserId,
    change: &UserChange,
) -> Result<UserRow, StoreError> {
    load_user(tx, id)?;
    if let Some(role) = change.role {
        tx.execute("UPDATE users SET role = ?2 WHERE id = ?1", params![id.as_str(), role.code()])?;
    }
    if let Some(disabled) = change.disabled {
        tx.execute("UPDATE users SET disabled = ?2 WHERE id = ?1", params![id.as_str(), disabled])?;
        if disabled {
            tx.execute(
                        "UPDATE sessions SET revoked = 'account_disabled' WHERE user_id = ?1 AND revoked IS NULL",
                        [id.as_str()],
                    )?;
        }
    }
    if let Some(credential) = &change.credential {
        tx.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![id.as_str(), credential],
        )?;
        tx.execute(
            "UPDATE sessions SET revoked = 'password_reset' WHERE user_id = ?1 AND revoked IS NULL",
            [id.as_str()],
        )?;
    }
    load_user(tx, id)
}

impl Store for SqliteStore {
    fn create_user(
        &self,
        username: &str,
        role: Role,
        credential: &str,
        now: Millis,
    ) -> Result<UserRow, StoreError> {
        let id = UserId::random();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO users (id, username, role, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                params![id.as_str(), username, role.code(), credential, now],
            )
            .map_err(|e| if is_constraint(&e) { StoreError::Conflict("username taken") } else { e.into() })?;
            load_user(tx, &id)
        })
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        self.read(|tx| {
            tx.query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE username = ?1"),
                [username],
                user_from_row,
            )
            .optional()?
            .map(user_row)
            .transpose()
        })
    }

    fn list_users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare(&format!("SELECT {USER_COLS} FROM users ORDER BY created_at, id"))?;
            let rows = stmt.query_map([], user_from_row)?;
            rows.map(|r| user_row(r?)).collect()
        })
    }

    fn update_user(&self, id: &UserId, change: &UserChange) -> Result<UserRow, StoreError> {
        self.write(|tx| update_user_tx(tx, id, change))
    }

    fn update_user_by(
        &self,
        actor: Option<&UserId>,
        id: &UserId,
        change: &UserChange,
        now: Millis,
    ) -> Result<UserRow, StoreError> {
        if actor == Some(id) {
            if change.role.is_some() {
                return Err(StoreError::Forbidden("an administrator never changes their own role"));
            }
            if change.disabled == Some(true) {
                return Err(StoreError::Forbidden(
                    "an administrator never disables their own account",
                ));
            }
        }
        self.write(|tx| {
            let before = load_user(tx, id)?;
            let after = update_user_tx(tx, id, change)?;
            let mut events = Vec::new();
            if change.disabled.is_some_and(|d| d != before.disabled) {
                events.push(AuditRecordKind::AccountDisabledChanged {
                    target: id.clone(),
                    disabled: after.disabled,
                });
            }
            if change.credential.is_some() {
                events.push(AuditRecordKind::PasswordReset { target: id.clone() });
            }
            if change.role.is_some_and(|r| r != before.role) {
                events.push(AuditRecordKind::AccountRoleChanged {
                    target: id.clone(),
                    from: before.role,
                    to: after.role,
                });
            }
            let entries: Vec<_> = events
                .into_iter()
                .map(|kind| AuditEntry { actor: actor.cloned(), case_id: None, kind })
                .collect();
            append_tx(tx, &entries, now)?;
            Ok(after)
        })
    }

    fn prelogin_secret(&self) -> Result<[u8; 32], StoreError> {
        self.write(|tx| {
            let stored: Option<Vec<u8>> = tx
                .query_row("SELECT value FROM hub_secrets WHERE name = 'prelogin'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(bytes) = stored {
                return bytes.try_into().map_err(|_| StoreError::Corrupt("prelogin secret"));
            }
            let mut secret = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
            tx.execute(
                "INSERT INTO hub_secrets (name, value) VALUES ('prelogin', ?1)",
                [&secret[..]],
            )?;
            Ok(secret)
        })
    }

    fn put_vault_recovery(
        &self,
        user: &UserId,
        vault_id: &str,
        recovery_key: &[u8],
        now: Millis,
    ) -> Result<(), StoreError> {
        let row = format!("{}/{vault_id}", user.as_str());
        let sealed = self
            .key
            .seal_value("vault_recovery.sealed_key", &row, recovery_key)
            .map_err(|_| StoreError::Corrupt("recovery key sealing"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO vault_recovery (user_id, vault_id, sealed_key, deposited_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (user_id, vault_id) DO UPDATE SET sealed_key = excluded.sealed_key, \
                 deposited_at = excluded.deposited_at, released_at = NULL",
                params![user.as_str(), vault_id, sealed, now],
            )?;
            Ok(())
        })
    }

    fn release_vault_recovery(
        &self,
        user: &UserId,
        vault_id: &str,
        now: Millis,
    ) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, StoreError> {
        let row = format!("{}/{vault_id}", user.as_str());
        let sealed: Option<Vec<u8>> = self.write(|tx| {
            let sealed = tx
                .query_row(
                    "SELECT sealed_key FROM vault_recovery WHERE user_id = ?1 AND vault_id = ?2",
                    params![user.as_str(), vault_id],
                    |r| r.get(0),
                )
                .optional()?;
            if sealed.is_some() {
                tx.execute(
                    "UPDATE vault_recovery SET released_at = ?3 WHERE user_id = ?1 AND vault_id = ?2",
                    params![user.as_str(), vault_id, now],
                )?;
            }
            Ok(sealed)
        })?;
        sealed
            .map(|sealed| {
                self.key
                    .open_value("vault_recovery.sealed_key", &row, &sealed)
                    .map_err(|_| StoreError::Corrupt("recovery key"))
            })
            .transpose()
    }

    fn create_session(
        &self,
        token_hash: &str,
        user: &UserId,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?3)",
                params![token_hash, user.as_str(), now, expires_at],
            )?;
            // Sessions dead for a day only matter as "expired", which an unknown token also is.
            tx.execute("DELETE FROM sessions WHERE expires_at < ?1", [now - 86_400_000])?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        self.read(|tx| {
            let raw = tx
                .query_row(
                    "SELECT s.user_id, u.username, u.role, u.disabled, s.expires_at, s.last_seen_at, s.revoked \
                     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
                    [token_hash],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, bool>(3)?,
                            r.get::<_, i64>(4)?,
                            r.get::<_, i64>(5)?,
                            r.get::<_, Option<String>>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((user, username, role, disabled, expires_at, last_seen_at, revoked)) = raw else {
                return Ok(None);
            };
            Ok(Some(SessionRow {
                user_id: parse_id(&user, "user id")?,
                username,
                role: Role::from_code(&role).ok_or(StoreError::Corrupt("role"))?,
                user_disabled: disabled,
                expires_at,
                last_seen_at,
                revoked: match revoked.as_deref() {
                    None => None,
                    Some("account_disabled") => Some(Revocation::AccountDisabled),
                    Some(_) => Some(Revocation::PasswordReset),
                },
            }))
        })
    }

    fn touch_session(&self, token_hash: &str, now: Millis) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1 AND last_seen_at < ?2",
                params![token_hash, now],
            )?;
            Ok(())
        })
    }

    fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
    }

    fn policy(&self) -> Result<Policy, StoreError> {
        self.read(|tx| {
            let json: Option<String> = tx
                .query_row("SELECT json FROM policy WHERE id = 1", [], |r| r.get(0))
                .optional()?;
            // A policy stored before four-eyes rules existed reads as rules.
            match json {
                None => Ok(default_policy()),
                Some(j) => serde_json::from_str::<Policy>(&j)
                    .map(Policy::normalized)
                    .map_err(|_| StoreError::Corrupt("policy")),
            }
        })
    }

    fn set_policy_by(
        &self,
        actor: &UserId,
        policy: &Policy,
        now: Millis,
    ) -> Result<Vec<PolicyFieldChange>, StoreError> {
        let json = serde_json::to_string(policy).map_err(|_| StoreError::Corrupt("policy"))?;
        self.write(|tx| {
            let old: Option<String> = tx
                .query_row("SELECT json FROM policy WHERE id = 1", [], |r| r.get(0))
                .optional()?;
            let old = match old {
                None => default_policy(),
                Some(j) => serde_json::from_str::<Policy>(&j)
                    .map_err(|_| StoreError::Corrupt("policy"))?
                    .normalized(),
            };
            let changes = policy_changes(&old, policy)?;
            tx.execute(
                "INSERT INTO policy (id, json) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET json = excluded.json",
                [json],
            )?;
            if !changes.is_empty() {
                append_tx(
                    tx,
                    &[AuditEntry {
                        actor: Some(actor.clone()),
                        case_id: None,
                        kind: AuditRecordKind::PolicyChanged { changes: changes.clone() },
                    }],
                    now,
                )?;
            }
            Ok(changes)
        })
    }

    fn set_policy(&self, policy: &Policy) -> Result<(), StoreError> {
        let json = serde_json::to_string(policy).map_err(|_| StoreError::Corrupt("policy"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO policy (id, json) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET json = excluded.json",
                [json],
            )?;
            Ok(())
        })
    }

    fn insert_case(
        &self,
        case: &Case,
        media: &[NewMedia],
        actor: &UserId,
        now: Millis,
    ) -> Result<(), StoreError> {
        let payload = seal_payload(&self.key, case)?;
        let priority = match case.priority {
            Priority::High => 1,
            Priority::Normal => 0,
        };
        self.write(|tx| {
            // Marked for double review by the policy in force when the case arrives.
            let percent = stored_policy(tx)?.double_review_percent;
            let double = percent > 0
                && crate::double_review::marked(&double_review_secret(tx)?, case.id.as_str(), percent);
            let state = if double { CaseState::DoubleReview } else { CaseState::Open };
            tx.execute(
                "INSERT INTO cases (id, kind, priority, state, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![case.id.as_str(), case.kind.code(), priority, state.code(), payload, now],
            )
            .map_err(|e| if is_constraint(&e) { StoreError::Conflict("case id exists") } else { e.into() })?;
            if double {
                tx.execute(
                    "INSERT INTO review_slots (case_id, slot) VALUES (?1, 1), (?1, 2)",
                    [case.id.as_str()],
                )?;
            }
            for (position, m) in media.iter().enumerate() {
                tx.execute(
                    "INSERT INTO media (id, case_id, position, content_type, size, sha256, file_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        m.manifest.id.as_str(),
                        case.id.as_str(),
                        position as i64,
                        m.manifest.content_type,
                        m.manifest.size as i64,
                        m.manifest.sha256,
                        m.file_name
                    ],
                )
                .map_err(|e| if is_constraint(&e) { StoreError::Conflict("media id exists") } else { e.into() })?;
            }
            append_tx(
                tx,
                &[AuditEntry {
                    actor: Some(actor.clone()),
                    case_id: Some(case.id.clone()),
                    kind: AuditRecordKind::CaseCreated,
                }],
                now,
            )
        })
    }

    fn lease(
        &self,
        user: &UserId,
        max: u32,
        kind: Option<CaseKind>,
        now: Millis,
        until: Millis,
        offline: bool,
    ) -> Result<Vec<LeasedCase>, StoreError> {
        self.write(|tx| {
            // Ordinary cases, and the first free slot of double reviews whose other slot the
            // caller neither holds nor decided (never both slots to one reviewer), in one order.
            let candidates: Vec<(String, String, Vec<u8>, Option<i64>)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT id, state, payload, NULL AS slot, priority, created_at FROM cases \
                     WHERE (state = 'open' OR (state = 'leased' AND lease_expires_at <= ?1)) \
                       AND (?2 IS NULL OR kind = ?2) \
                     UNION ALL \
                     SELECT c.id, c.state, c.payload, s.slot, c.priority, c.created_at \
                     FROM cases c JOIN review_slots s ON s.case_id = c.id \
                     WHERE c.state = 'double_review' AND (?2 IS NULL OR c.kind = ?2) \
                       AND s.slot = (SELECT MIN(f.slot) FROM review_slots f WHERE f.case_id = c.id \
                           AND f.decision_id IS NULL AND (f.holder IS NULL OR f.lease_expires_at <= ?1)) \
                       AND NOT EXISTS (SELECT 1 FROM review_slots o WHERE o.case_id = c.id \
                           AND o.slot != s.slot \
                           AND (o.decided_by = ?4 OR (o.holder = ?4 AND o.lease_expires_at > ?1))) \
                     ORDER BY priority DESC, created_at, id LIMIT ?3",
                )?;
                let rows = stmt.query_map(
                    params![now, kind.map(|k| k.code()), max, user.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?;
                rows.collect::<Result<_, _>>()?
            };
            let mut granted = Vec::with_capacity(candidates.len());
            let mut audit = Vec::with_capacity(candidates.len());
            for (id, state, payload, slot) in candidates {
                if let Some(slot) = slot {
                    // A slot lease; the case stays in double review.
                    tx.execute(
                        "UPDATE review_slots SET holder = ?3, lease_granted_at = ?4, lease_expires_at = ?5, lease_offline = ?6 \
                         WHERE case_id = ?1 AND slot = ?2",
                        params![id, slot, user.as_str(), now, until, offline],
                    )?;
                } else {
                    let mut state = state_from_code(&state)?;
                    if state == CaseState::Leased {
                        // The previous holder's lease ran out: it is released before it is granted.
                        state = transition(state, CaseEvent::ReleaseLease)?;
                    }
                    let state = transition(state, CaseEvent::Lease)?;
                    tx.execute(
                        "UPDATE cases SET state = ?2, lease_holder = ?3, lease_granted_at = ?4, lease_expires_at = ?5, lease_offline = ?6 WHERE id = ?1",
                        params![id, state.code(), user.as_str(), now, until, offline],
                    )?;
                }
                tx.execute(
                    "INSERT OR IGNORE INTO lease_log (case_id, user_id) VALUES (?1, ?2)",
                    params![id, user.as_str()],
                )?;
                let media = media_manifests(tx, &id)?;
                let case = load_payload(&self.key, &id, &payload)?;
                audit.push(AuditEntry {
                    actor: Some(user.clone()),
                    case_id: Some(case.id.clone()),
                    kind: AuditRecordKind::LeaseGranted,
                });
                granted.push(LeasedCase { case, lease_expires_at: from_ms(until), media });
            }
            append_tx(tx, &audit, now)?;
            Ok(granted)
        })
    }

    fn renew(
        &self,
        user: &UserId,
        cases: &[CaseId],
        now: Millis,
        until: Millis,
        offline_until: Millis,
    ) -> Result<super::RenewOutcome, StoreError> {
        self.write(|tx| {
            let mut renewed = Vec::new();
            let mut lost = Vec::new();
            for id in cases {
                let expiry: Option<Millis> = tx
                    .query_row(
                        "UPDATE cases SET lease_expires_at = CASE lease_offline WHEN 1 THEN ?5 ELSE ?3 END \
                         WHERE id = ?1 AND state = 'leased' AND lease_holder = ?2 AND lease_expires_at > ?4 \
                         RETURNING lease_expires_at",
                        params![id.as_str(), user.as_str(), until, now, offline_until],
                        |r| r.get(0),
                    )
                    .optional()?;
                let expiry = match expiry {
                    Some(at) => Some(at),
                    None => tx
                        .query_row(
                            "UPDATE review_slots SET lease_expires_at = CASE lease_offline WHEN 1 THEN ?5 ELSE ?3 END \
                             WHERE case_id = ?1 AND holder = ?2 AND decision_id IS NULL AND lease_expires_at > ?4 \
                               AND (SELECT state FROM cases WHERE id = ?1) = 'double_review' \
                             RETURNING lease_expires_at",
                            params![id.as_str(), user.as_str(), until, now, offline_until],
                            |r| r.get(0),
                        )
                        .optional()?,
                };
                match expiry {
                    Some(at) => renewed.push((id.clone(), at)),
                    None => lost.push(id.clone()),
                }
            }
            Ok((renewed, lost))
        })
    }

    fn release(
        &self,
        user: &UserId,
        cases: &[CaseId],
        now: Millis,
    ) -> Result<(Vec<CaseId>, Vec<CaseId>), StoreError> {
        self.write(|tx| {
            let mut released = Vec::new();
            let mut not_held = Vec::new();
            let mut audit = Vec::new();
            for id in cases {
                let next = transition(CaseState::Leased, CaseEvent::ReleaseLease)?;
                let n = tx.execute(
                    "UPDATE cases SET state = ?3, lease_holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL, lease_offline = 0 \
                     WHERE id = ?1 AND state = 'leased' AND lease_holder = ?2 AND lease_expires_at > ?4",
                    params![id.as_str(), user.as_str(), next.code(), now],
                )? + tx.execute(
                    "UPDATE review_slots SET holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL, lease_offline = 0 \
                     WHERE case_id = ?1 AND holder = ?2 AND decision_id IS NULL AND lease_expires_at > ?3 \
                       AND (SELECT state FROM cases WHERE id = ?1) = 'double_review'",
                    params![id.as_str(), user.as_str(), now],
                )?;
                if n == 1 {
                    released.push(id.clone());
                    audit.push(AuditEntry {
                        actor: Some(user.clone()),
                        case_id: Some(id.clone()),
                        kind: AuditRecordKind::LeaseReleased,
                    });
                } else {
                    not_held.push(id.clone());
                }
            }
            append_tx(tx, &audit, now)?;
            Ok((released, not_held))
        })
    }

    fn media(&self, id: &MediaId) -> Result<Option<MediaRow>, StoreError> {
        self.read(|tx| {
            let raw = tx
                .query_row(
                    "SELECT m.content_type, m.size, m.sha256, m.file_name, m.case_id, c.state, c.lease_holder, c.lease_expires_at \
                     FROM media m JOIN cases c ON c.id = m.case_id WHERE m.id = ?1",
                    [id.as_str()],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                            r.get::<_, Option<String>>(6)?,
                            r.get::<_, Option<i64>>(7)?,
                        ))
                    },
                )
                .optional()?;
            let Some((content_type, size, sha256, file_name, case_id, state, holder, expires)) = raw
            else {
                return Ok(None);
            };
            let slot_leases = {
                let mut stmt = tx.prepare_cached(
                    "SELECT holder, lease_expires_at FROM review_slots \
                     WHERE case_id = ?1 AND decision_id IS NULL AND holder IS NOT NULL",
                )?;
                let rows = stmt.query_map([&case_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })?;
                rows.map(|row| {
                    let (holder, expires) = row?;
                    Ok((parse_id(&holder, "user id")?, expires))
                })
                .collect::<Result<Vec<_>, StoreError>>()?
            };
            Ok(Some(MediaRow {
                manifest: MediaManifest { id: id.clone(), content_type, size: size as u64, sha256 },
                file_name,
                case_id: parse_id(&case_id, "case id")?,
                case_state: state_from_code(&state)?,
                lease_holder: holder.map(|h| parse_id(&h, "user id")).transpose()?,
                lease_expires_at: expires,
                slot_leases,
            }))
        })
    }

    fn apply_decisions(
        &self,
        user: &UserId,
        items: &[DecisionItem],
        policy: &Policy,
        now: Millis,
    ) -> Result<Vec<DecisionStatus>, StoreError> {
        self.write(|tx| {
            items.iter().map(|item| self.apply_one(tx, user, item, policy, now)).collect()
        })
    }

    fn ever_leased(&self, user: &UserId, case: &CaseId) -> Result<bool, StoreError> {
        self.read(|tx| {
            Ok(tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM lease_log WHERE case_id = ?1 AND user_id = ?2)",
                params![case.as_str(), user.as_str()],
                |r| r.get(0),
            )?)
        })
    }

    fn case_exists(&self, case: &CaseId) -> Result<bool, StoreError> {
        self.read(|tx| {
            Ok(tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)",
                [case.as_str()],
                |r| r.get(0),
            )?)
        })
    }

    fn append_audit(&self, entries: &[AuditEntry], now: Millis) -> Result<(), StoreError> {
        self.write(|tx| append_sealed_tx(tx, &self.key, entries, now).map(|_| ()))
    }

    fn append_client_events(
        &self,
        actor: &UserId,
        events: &[(IdempotencyKey, AuditEntry)],
        now: Millis,
    ) -> Result<Vec<(AuditEventStatus, Option<i64>)>, StoreError> {
        self.write(|tx| {
            let mut out = Vec::with_capacity(events.len());
            for (key, entry) in events {
                let prior: Option<(i64, Option<String>, String)> = tx
                    .query_row(
                        "SELECT a.seq, a.case_id, a.kind FROM audit_keys k JOIN audit a ON a.seq = k.seq                          WHERE k.actor = ?1 AND k.idempotency_key = ?2",
                        params![actor.as_str(), key.as_str()],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                if let Some((seq, case_id, kind)) = prior {
                    // Compared without free text: the record keeps none, and the case, the
                    // kind and the workstation's time identify an event.
                    let public = serde_json::to_string(&split_free_text(&entry.kind).0)
                        .map_err(|_| StoreError::Corrupt("audit kind"))?;
                    let same = case_id.as_deref() == entry.case_id.as_ref().map(|c| c.as_str())
                        && kind == public;
                    out.push(if same {
                        (AuditEventStatus::Duplicate, Some(seq))
                    } else {
                        (AuditEventStatus::KeyReused, None)
                    });
                    continue;
                }
                let entry = AuditEntry { actor: Some(actor.clone()), ..entry.clone() };
                let seq = append_sealed_tx(tx, &self.key, &[entry], now)?[0];
                tx.execute(
                    "INSERT INTO audit_keys (actor, idempotency_key, seq) VALUES (?1, ?2, ?3)",
                    params![actor.as_str(), key.as_str(), seq],
                )?;
                out.push((AuditEventStatus::Appended, Some(seq)));
            }
            Ok(out)
        })
    }

    fn audit_verify(&self, anchor: Option<&ChainHead>) -> Result<AuditVerifyReport, StoreError> {
        self.read(|tx| {
            let mut head: Option<ChainHead> = None;
            let mut anchor_hash: Option<String> = None;
            let mut stmt = tx.prepare(&format!(
                "SELECT {AUDIT_COLS} FROM audit a LEFT JOIN audit_detail d ON d.seq = a.seq ORDER BY a.seq"
            ))?;
            let mut rows = stmt.query([])?;
            let mut verifier = ChainVerifier::default();
            while let Some(r) = rows.next()? {
                let (seq, recorded_at, actor, case_id, kind, digest, hash, sealed) = raw_audit(r)?;
                let record = CanonicalRecord {
                    seq,
                    recorded_at,
                    actor: actor.as_deref(),
                    case_id: case_id.as_deref(),
                    kind: &kind,
                    detail_digest: digest.as_deref(),
                };
                verifier.check(&record, &hash);
                // A detail still present must be the one the link covers.
                if let Some(sealed) = sealed
                    && digest.as_deref() != Some(detail_digest(&sealed).as_str())
                {
                    verifier.detail_mismatch(seq);
                }
                if anchor.is_some_and(|a| a.seq == seq) {
                    anchor_hash = Some(hash.clone());
                }
                head = Some(ChainHead { seq, hash });
            }
            let verified_through = match verifier.first_broken {
                None => head.as_ref().map_or(0, |h| h.seq),
                Some(broken) => broken - 1,
            };
            let anchor = anchor.map(|a| match anchor_hash {
                None => AnchorCheck::Truncated,
                Some(hash) if hash == a.hash && a.seq <= verified_through => AnchorCheck::Extends,
                Some(_) => AnchorCheck::Rewritten,
            });
            Ok(AuditVerifyReport {
                records: verifier.records,
                intact: verifier.first_broken.is_none(),
                first_broken_seq: verifier.first_broken,
                verified_through,
                head,
                anchor,
            })
        })
    }

    fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?)
        })
    }

    fn query_decisions(
        &self,
        query: &DecisionQuery,
        now: Millis,
    ) -> Result<DecisionPage, StoreError> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        use rusqlite::types::Value;
        if let Some(r) = &query.reviewer {
            clauses.push("d.reviewer = ?");
            args.push(Value::Text(r.as_str().to_owned()));
        }
        if let Some(o) = query.outcome {
            clauses.push("d.outcome = ?");
            args.push(Value::Text(o.code().to_owned()));
        }
        if let Some(k) = query.kind {
            clauses.push("c.kind = ?");
            args.push(Value::Text(k.code().to_owned()));
        }
        if let Some(from) = query.from {
            clauses.push("d.recorded_at >= ?");
            args.push(Value::Integer(to_ms(from)));
        }
        if let Some(to) = query.to {
            clauses.push("d.recorded_at < ?");
            args.push(Value::Integer(to_ms(to)));
        }
        match query.verdict {
            None => {}
            Some(VerdictState::Pending) => clauses.push("d.verdict IS NULL"),
            Some(VerdictState::Agreed) => clauses.push("d.verdict = 'agree'"),
            Some(VerdictState::Overturned) => clauses.push("d.verdict = 'overturn'"),
        }
        const WAITING: &str = "(c.state = 'awaiting_confirmation' AND d.id = (SELECT MAX(id) FROM decisions WHERE case_id = d.case_id))";
        let not_waiting = format!("NOT {WAITING}");
        match query.waiting {
            None => {}
            Some(true) => clauses.push(WAITING),
            Some(false) => clauses.push(&not_waiting),
        }
        if let Some(source) = query.source {
            clauses.push("d.source = ?");
            args.push(Value::Text(source.code().to_owned()));
        }
        let order = match query.sort.unwrap_or_default() {
            // Waiting first, the longest wait (smallest id) first; then the rest newest first.
            DecisionSort::WaitingFirst => format!(
                "ORDER BY {WAITING} DESC, CASE WHEN {WAITING} THEN d.recorded_at END, \
                 CASE WHEN {WAITING} THEN d.id ELSE -d.id END"
            ),
            DecisionSort::Newest => "ORDER BY d.id DESC".to_owned(),
            DecisionSort::Oldest => "ORDER BY d.id".to_owned(),
        };
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let limit = query.limit.unwrap_or(50).clamp(1, 200) as i64;
        let offset = query.offset.unwrap_or(0).min(i64::MAX as u64) as i64;
        self.read(|tx| {
            let total: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM decisions d JOIN cases c ON c.id = d.case_id {filter}"),
                rusqlite::params_from_iter(args.iter()),
                |r| r.get(0),
            )?;
            let mut page_args = args.clone();
            page_args.push(Value::Integer(limit));
            page_args.push(Value::Integer(offset));
            let mut stmt = tx.prepare(&format!(
                "SELECT {DECISION_COLS} FROM decisions d JOIN cases c ON c.id = d.case_id {filter} {order} LIMIT ? OFFSET ?"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(page_args.iter()), raw_decision)?;
            let items =
                rows.map(|r| decision_record(&self.key, r?, now)).collect::<Result<Vec<_>, _>>()?;
            let next = offset + items.len() as i64;
            Ok(DecisionPage {
                total: total as u64,
                next_offset: (next < total).then_some(next as u64),
                items,
            })
        })
    }

    fn case_history(&self, id: &CaseId) -> Result<Option<CaseHistory>, StoreError> {
        self.read(|tx| load_history(&self.key, tx, id, crate::time_util::now_ms()))
    }

    fn supervisor_case(
        &self,
        supervisor: &UserId,
        id: &CaseId,
        now: Millis,
    ) -> Result<CaseHistory, StoreError> {
        self.write(|tx| {
            match supervisor_may_open_tx(tx, id.as_str())? {
                None => return Err(StoreError::NotFound),
                Some(false) => {
                    return Err(StoreError::Forbidden(
                        "supervisors open decided, awaiting-confirmation, escalated or disputed cases only",
                    ));
                }
                Some(true) => {}
            }
            // The open is recorded in the same transaction that reads the case.
            append_tx(
                tx,
                &[AuditEntry {
                    actor: Some(supervisor.clone()),
                    case_id: Some(id.clone()),
                    kind: AuditRecordKind::CaseAudited,
                }],
                now,
            )?;
            load_history(&self.key, tx, id, now)?.ok_or(StoreError::NotFound)
        })
    }

    fn supervisor_may_open(&self, case: &CaseId) -> Result<bool, StoreError> {
        self.read(|tx| supervisor_may_open_tx(tx, case.as_str())?.ok_or(StoreError::NotFound))
    }

    fn give_verdict(
        &self,
        supervisor: &UserId,
        request: &VerdictRequest,
        policy: &Policy,
        now: Millis,
    ) -> Result<VerdictResponse, StoreError> {
        self.write(|tx| {
            let row = tx
                .query_row(
                    "SELECT d.reviewer, d.case_id, d.verdict, c.state, c.kind, c.payload, \
                     (SELECT MAX(id) FROM decisions WHERE case_id = d.case_id) \
                     FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = ?1",
                    [request.decision_id],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, Option<Vec<u8>>>(5)?,
                            r.get::<_, i64>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((reviewer, case_id, verdict, state, kind, payload, latest)) = row else {
                return Err(StoreError::NotFound);
            };
            if reviewer == supervisor.as_str() {
                return Err(StoreError::Forbidden("a supervisor never judges their own decision"));
            }
            if verdict.is_some() {
                return Err(StoreError::Conflict("the decision already has a verdict"));
            }
            let case: CaseId = parse_id(&case_id, "case id")?;
            let mut state = state_from_code(&state)?;
            let is_latest = latest == request.decision_id;
            let mut action = None;
            let mut correction_id = None;
            match request.verdict {
                VerdictKind::Agree => {
                    // Four eyes: on the decision awaiting confirmation, agreeing confirms it.
                    if state == CaseState::AwaitingConfirmation && is_latest {
                        state = transition(state, CaseEvent::Confirm)?;
                        tx.execute(
                            "UPDATE cases SET state = ?2, decided_at = ?3 WHERE id = ?1",
                            params![case_id, state.code(), now],
                        )?;
                    }
                }
                VerdictKind::Overturn => {
                    let judgeable = is_latest
                        && matches!(state, CaseState::Decided | CaseState::AwaitingConfirmation);
                    if !judgeable {
                        return Err(StoreError::Conflict(
                            "only a case's latest decision, decided or awaiting confirmation, can be overturned",
                        ));
                    }
                    let chosen = policy.overturn_action(kind_from_code(&kind)?);
                    action = Some(chosen);
                    match (chosen, &request.corrected) {
                        (OverturnAction::Requeue, Some(_)) => {
                            return Err(StoreError::Rule {
                                rule: crate::error::rules::CORRECTION_NOT_ALLOWED,
                                message: "policy sends this kind of case back to the queue: no corrected outcome",
                            });
                        }
                        (OverturnAction::Correct, None) => {
                            return Err(StoreError::Rule {
                                rule: crate::error::rules::CORRECTION_REQUIRED,
                                message: "policy wants the supervisor's corrected outcome for this kind of case",
                            });
                        }
                        (OverturnAction::Requeue, None) => {
                            state = transition(state, CaseEvent::Reopen)?;
                            tx.execute(
                                "UPDATE cases SET state = ?2, decided_at = NULL WHERE id = ?1",
                                params![case_id, state.code()],
                            )?;
                        }
                        (OverturnAction::Correct, Some(outcome)) => {
                            if OutcomeCode::of(outcome) == OutcomeCode::Escalate {
                                return Err(StoreError::Rule {
                                    rule: crate::error::rules::OUTCOME_NOT_ALLOWED,
                                    message: "a corrected outcome cannot be an escalation",
                                });
                            }
                            let payload =
                                payload.ok_or(StoreError::Conflict("the case was purged"))?;
                            let content = load_payload(&self.key, &case_id, &payload)?;
                            let decision = Decision {
                                case_id: case.clone(),
                                outcome: outcome.clone(),
                                note: request.note.clone(),
                                decided_at: from_ms(now),
                                active_ms: None,
                                applicant_text: None,
                            };
                            if decision.validate(&content).is_err() {
                                return Err(StoreError::Rule {
                                    rule: crate::error::rules::DECISION_RULE,
                                    message: "the corrected outcome breaks a decision rule (consent, reasons, documents or note)",
                                });
                            }
                            state = transition(state, CaseEvent::Correct)?;
                            // A colon is outside the idempotency-key syntax, so no client key can take this one.
                            let key = format!("correction:{}", request.decision_id);
                            let new = NewDecision {
                                key: &key,
                                decision: &decision,
                                by: supervisor,
                                source: DecisionSource::Correction,
                                case_state: state,
                                handling_ms: None,
                                supersedes: Some(request.decision_id),
                            };
                            let id = record_decision(tx, &self.key, &new, now)?;
                            correction_id = Some(id);
                            tx.execute(
                                "UPDATE decisions SET superseded_by = ?2 WHERE id = ?1",
                                params![request.decision_id, id],
                            )?;
                            tx.execute(
                                "UPDATE cases SET state = ?2, decided_at = ?3 WHERE id = ?1",
                                params![case_id, state.code(), now],
                            )?;
                        }
                    }
                }
            }
            // The note is free text: sealed, bound to its decision, like decision notes.
            let note = request
                .note
                .as_deref()
                .map(|n| seal_verdict_note(&self.key, request.decision_id, n))
                .transpose()?;
            tx.execute(
                "UPDATE decisions SET verdict = ?2, verdict_by = ?3, verdict_note = ?4, verdict_at = ?5 WHERE id = ?1",
                params![request.decision_id, request.verdict.code(), supervisor.as_str(), note, now],
            )?;
            // After the correction's own record, which the verdict names.
            let verdict = AuditEntry {
                actor: Some(supervisor.clone()),
                case_id: Some(case),
                kind: AuditRecordKind::VerdictGiven {
                    decision_id: request.decision_id,
                    verdict: request.verdict.code().to_owned(),
                    action: action.map(|a| a.code().to_owned()),
                    correction_id,
                },
            };
            append_tx(tx, &[verdict], now)?;
            Ok(VerdictResponse { case_state: state, action, correction_id })
        })
    }

    fn create_sample(
        &self,
        supervisor: &UserId,
        request: &kyc_proto::SampleRequest,
        seed: &str,
        now: Millis,
    ) -> Result<kyc_proto::SampleList, StoreError> {
        let id = format!("s_{}", crate::crypto::random_hex(12));
        let name = self
            .key
            .seal_value(SAMPLE_NAME_COLUMN, &id, request.name.as_bytes())
            .map_err(|_| StoreError::Corrupt("sample name"))?;
        self.write(|tx| {
            let eligible: Vec<crate::sample::Eligible> = {
                let mut stmt = tx.prepare(
                    "SELECT d.id, d.reviewer, c.kind FROM decisions d JOIN cases c ON c.id = d.case_id \
                     WHERE d.source = 'reviewer' AND d.recorded_at >= ?1 AND d.recorded_at < ?2 ORDER BY d.id",
                )?;
                let rows = stmt.query_map(params![to_ms(request.from), to_ms(request.to)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                })?;
                rows.map(|row| {
                    let (decision_id, reviewer, kind) = row?;
                    Ok(crate::sample::Eligible { decision_id, reviewer, kind: kind_from_code(&kind)? })
                })
                .collect::<Result<_, StoreError>>()?
            };
            let strata = crate::sample::draw(seed, request.percent, &eligible);
            tx.execute(
                "INSERT INTO samples (id, name, percent, window_from, window_to, seed, created_by, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    name,
                    request.percent,
                    to_ms(request.from),
                    to_ms(request.to),
                    seed,
                    supervisor.as_str(),
                    now
                ],
            )?;
            let mut size = 0u64;
            for stratum in &strata {
                tx.execute(
                    "INSERT INTO sample_strata (sample_id, reviewer, kind, eligible, drawn) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, stratum.reviewer, stratum.kind.code(), stratum.eligible as i64, stratum.drawn.len() as i64],
                )?;
                for decision_id in &stratum.drawn {
                    tx.execute(
                        "INSERT INTO sample_members (sample_id, decision_id) VALUES (?1, ?2)",
                        params![id, decision_id],
                    )?;
                    size += 1;
                }
            }
            append_tx(
                tx,
                &[AuditEntry {
                    actor: Some(supervisor.clone()),
                    case_id: None,
                    kind: AuditRecordKind::SampleCreated { sample_id: id.clone(), size },
                }],
                now,
            )?;
            self.load_sample(tx, &id)
        })
    }

    fn samples(&self) -> Result<Vec<kyc_proto::SampleSummary>, StoreError> {
        self.read(|tx| {
            let ids: Vec<String> = {
                let mut stmt = tx.prepare("SELECT id FROM samples ORDER BY created_at DESC, id")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            ids.iter().map(|id| self.sample_summary(tx, id)).collect()
        })
    }

    fn sample(&self, id: &str) -> Result<kyc_proto::SampleList, StoreError> {
        self.read(|tx| self.load_sample(tx, id))
    }

    fn escalations(&self, now: Millis) -> Result<Vec<EscalatedCase>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT c.id, c.kind, d.id, d.reviewer, d.recorded_at FROM cases c \
                 JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions WHERE case_id = c.id) \
                 WHERE c.state = 'escalated' ORDER BY d.recorded_at, d.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            rows.map(|row| {
                let (case_id, kind, decision_id, by, at) = row?;
                Ok(EscalatedCase {
                    case_id: parse_id(&case_id, "case id")?,
                    kind: kind_from_code(&kind)?,
                    decision_id,
                    escalated_by: parse_id(&by, "user id")?,
                    escalated_at: from_ms(at),
                    waiting_secs: (now - at).max(0) / 1000,
                })
            })
            .collect()
        })
    }

    fn decide_escalation(
        &self,
        supervisor: &UserId,
        item: &DecisionItem,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError> {
        self.supervisor_decides(
            supervisor,
            item,
            CaseState::Escalated,
            DecisionSource::Escalation,
            now,
        )
    }

    fn disputes(&self, now: Millis) -> Result<Vec<DisputedCase>, StoreError> {
        self.read(|tx| {
            let cases: Vec<(String, String, i64)> = {
                let mut stmt = tx.prepare(
                    "SELECT c.id, c.kind, (SELECT MAX(d.recorded_at) FROM review_slots s \
                       JOIN decisions d ON d.id = s.decision_id WHERE s.case_id = c.id) AS at \
                     FROM cases c WHERE c.state = 'disputed' ORDER BY at, c.id",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut stmt = tx.prepare(
                "SELECT s.slot, d.id, d.reviewer, d.outcome FROM review_slots s \
                 JOIN decisions d ON d.id = s.decision_id WHERE s.case_id = ?1 ORDER BY s.slot",
            )?;
            cases
                .into_iter()
                .map(|(case_id, kind, at)| {
                    let rows = stmt.query_map([&case_id], |r| {
                        Ok((
                            r.get::<_, u8>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                        ))
                    })?;
                    let slots = rows
                        .map(|row| {
                            let (slot, decision_id, reviewer, outcome) = row?;
                            Ok(SlotDecision {
                                slot,
                                decision_id,
                                reviewer: parse_id(&reviewer, "user id")?,
                                outcome: OutcomeCode::from_code(&outcome)
                                    .ok_or(StoreError::Corrupt("outcome"))?,
                            })
                        })
                        .collect::<Result<Vec<_>, StoreError>>()?;
                    Ok(DisputedCase {
                        case_id: parse_id(&case_id, "case id")?,
                        kind: kind_from_code(&kind)?,
                        slots,
                        disputed_at: from_ms(at),
                        waiting_secs: (now - at).max(0) / 1000,
                    })
                })
                .collect()
        })
    }

    fn resolve_dispute(
        &self,
        supervisor: &UserId,
        item: &DecisionItem,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError> {
        self.supervisor_decides(supervisor, item, CaseState::Disputed, DecisionSource::Dispute, now)
    }

    fn resolve_attention(
        &self,
        actor: &UserId,
        case: &CaseId,
        action: AttentionAction,
        now: Millis,
    ) -> Result<CaseState, StoreError> {
        self.write(|tx| {
            let state: Option<String> = tx
                .query_row("SELECT state FROM cases WHERE id = ?1", [case.as_str()], |r| r.get(0))
                .optional()?;
            let state = state_from_code(&state.ok_or(StoreError::NotFound)?)?;
            if state != CaseState::NeedsAttention {
                return Err(StoreError::Conflict("the case does not need attention"));
            }
            let double: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM review_slots WHERE case_id = ?1)",
                [case.as_str()],
                |r| r.get(0),
            )?;
            let (next, decided_at) = match action {
                // A double review goes back to its slots (decided ones stay decided).
                AttentionAction::ReturnToQueue if double => {
                    release_slots(tx, case)?;
                    (transition(state, CaseEvent::ReturnToDoubleReview)?, None)
                }
                AttentionAction::ReturnToQueue => (transition(state, CaseEvent::ReturnToQueue)?, None),
                // Retention counts from the closing, as from a final decision.
                AttentionAction::CloseUnusable => (transition(state, CaseEvent::CloseUnusable)?, Some(now)),
            };
            tx.execute(
                "UPDATE cases SET state = ?2, decided_at = ?3, lease_holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL, lease_offline = 0 WHERE id = ?1",
                params![case.as_str(), next.code(), decided_at],
            )?;
            append_tx(
                tx,
                &[AuditEntry {
                    actor: Some(actor.clone()),
                    case_id: Some(case.clone()),
                    kind: AuditRecordKind::AttentionResolved { action: action.code().to_owned() },
                }],
                now,
            )?;
            Ok(next)
        })
    }

    fn stats(&self, query: &StatsQuery, now: Millis) -> Result<StatsResponse, StoreError> {
        let from = query.from.map(to_ms).unwrap_or(i64::MIN);
        let to = query.to.map(to_ms).unwrap_or(i64::MAX);
        const WAITING: &str = "(c.state = 'awaiting_confirmation' AND d.id = (SELECT MAX(id) FROM decisions WHERE case_id = d.case_id))";
        type Row = (String, String, Option<i64>, Option<String>, i64, bool);
        type Pair = (String, String, String, String);
        let (rows, backlog, oldest, pairs): (Vec<Row>, i64, Option<i64>, Vec<Pair>) = self.read(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT d.reviewer, d.outcome, d.handling_ms, d.verdict, d.recorded_at, {WAITING} \
                 FROM decisions d JOIN cases c ON c.id = d.case_id \
                 WHERE d.recorded_at >= ?1 AND d.recorded_at < ?2 AND d.source != 'correction' \
                 ORDER BY d.reviewer, d.recorded_at"
            ))?;
            let rows = stmt.query_map(params![from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?;
            let rows = rows.collect::<Result<_, _>>()?;
            let (backlog, oldest) = tx.query_row(
                &format!("SELECT COUNT(*), MIN(d.recorded_at) FROM decisions d JOIN cases c ON c.id = d.case_id WHERE {WAITING}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            // Double reviews by when their second slot was decided.
            let mut stmt = tx.prepare(
                "SELECT d1.reviewer, d1.outcome, d2.reviewer, d2.outcome \
                 FROM review_slots s1 JOIN review_slots s2 ON s2.case_id = s1.case_id AND s2.slot = 2 \
                 JOIN decisions d1 ON d1.id = s1.decision_id JOIN decisions d2 ON d2.id = s2.decision_id \
                 WHERE s1.slot = 1 AND MAX(d1.recorded_at, d2.recorded_at) >= ?1 \
                   AND MAX(d1.recorded_at, d2.recorded_at) < ?2",
            )?;
            let pairs = stmt.query_map(params![from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            let pairs = pairs.collect::<Result<_, _>>()?;
            Ok((rows, backlog, oldest, pairs))
        })?;
        let outcome_of =
            |code: &str| OutcomeCode::from_code(code).ok_or(StoreError::Corrupt("outcome"));
        let double: Vec<crate::agreement::DoubleDecision> = pairs
            .into_iter()
            .map(|(a, oa, b, ob)| Ok(((a, outcome_of(&oa)?), (b, outcome_of(&ob)?))))
            .collect::<Result<_, StoreError>>()?;
        let agreement = crate::agreement::agreement(&double)
            .into_iter()
            .map(|p| {
                Ok(kyc_proto::PairAgreement {
                    first: parse_id(&p.first, "user id")?,
                    second: parse_id(&p.second, "user id")?,
                    cases: p.cases,
                    agreed: p.agreed,
                    agreement_rate: p.percent_agreement,
                    kappa: p.kappa,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let mut total = FigureSet::default();
        let mut by_reviewer: std::collections::BTreeMap<String, FigureSet> = Default::default();
        for (reviewer, outcome, handling, verdict, recorded_at, waiting) in rows {
            let outcome = OutcomeCode::from_code(&outcome).ok_or(StoreError::Corrupt("outcome"))?;
            let day = from_ms(recorded_at).date().to_string();
            for set in [&mut total, by_reviewer.entry(reviewer).or_default()] {
                set.add(outcome, handling, verdict.as_deref(), &day, waiting);
            }
        }
        let reviewers = by_reviewer
            .into_iter()
            .map(|(reviewer, set)| {
                Ok(ReviewerStats {
                    reviewer: parse_id(&reviewer, "user id")?,
                    figures: set.finish(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(StatsResponse {
            total: total.finish(),
            reviewers,
            four_eyes_backlog: backlog as u64,
            oldest_wait_secs: oldest.map(|at| (now - at).max(0) / 1000),
            agreement,
        })
    }

    fn confirm_unusable(
        &self,
        user: &UserId,
        case: &CaseId,
        problem: &ConfirmedProblem,
        now: Millis,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let next = transition(CaseState::Leased, CaseEvent::ConfirmUnusable)?;
            let n = tx.execute(
                "UPDATE cases SET state = ?3, lease_holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL \
                 WHERE id = ?1 AND state = 'leased' AND lease_holder = ?2 AND lease_expires_at > ?4",
                params![case.as_str(), user.as_str(), next.code(), now],
            )?;
            if n != 1 {
                // A double review's slot holder: the case leaves the queue with both slots
                // (the other holder loses their lease; decided slots stay decided).
                let holds_slot: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM review_slots s JOIN cases c ON c.id = s.case_id \
                     WHERE s.case_id = ?1 AND s.holder = ?2 AND s.decision_id IS NULL AND s.lease_expires_at > ?3 \
                       AND c.state = 'double_review')",
                    params![case.as_str(), user.as_str(), now],
                    |r| r.get(0),
                )?;
                if !holds_slot {
                    return Err(StoreError::Forbidden("the caller holds no lease on this case"));
                }
                let next = transition(CaseState::DoubleReview, CaseEvent::ConfirmUnusable)?;
                tx.execute(
                    "UPDATE cases SET state = ?2 WHERE id = ?1",
                    params![case.as_str(), next.code()],
                )?;
                release_slots(tx, case)?;
            }
            tx.execute(
                "INSERT OR REPLACE INTO case_attention (case_id, media_id, reported, rule, reported_by, confirmed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    case.as_str(),
                    problem.media_id.as_str(),
                    problem.reported.code(),
                    problem.rule,
                    user.as_str(),
                    now
                ],
            )?;
            append_tx(
                tx,
                &[AuditEntry {
                    actor: Some(user.clone()),
                    case_id: Some(case.clone()),
                    kind: AuditRecordKind::MediaProblemConfirmed {
                        media_id: problem.media_id.clone(),
                        reported: problem.reported,
                        rule: problem.rule.to_owned(),
                    },
                }],
                now,
            )
        })
    }

    fn admin_events(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        self.read(|tx| {
            let kinds = kyc_proto::ADMIN_EVENT_KINDS.map(|k| format!("'{k}'")).join(", ");
            // No detail is joined: none of these kinds carries free text.
            let mut stmt = tx.prepare(&format!(
                "SELECT a.seq, a.recorded_at, a.actor, a.case_id, a.kind, a.detail_digest, a.hash, NULL \
                 FROM audit a WHERE json_extract(a.kind, '$.type') IN ({kinds}) \
                 ORDER BY a.seq DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([i64::from(limit)], raw_audit)?;
            rows.map(|r| audit_record(&self.key, r?)).collect()
        })
    }

    fn needs_attention(&self) -> Result<Vec<NeedsAttentionCase>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT a.case_id, c.kind, a.media_id, a.reported, a.rule, a.reported_by, a.confirmed_at \
                 FROM case_attention a JOIN cases c ON c.id = a.case_id \
                 WHERE c.state = 'needs_attention' ORDER BY a.confirmed_at, a.case_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })?;
            rows.map(|row| {
                let (case_id, kind, media_id, reported, rule, by, at) = row?;
                Ok(NeedsAttentionCase {
                    case_id: parse_id(&case_id, "case id")?,
                    kind: kind_from_code(&kind)?,
                    media_id: parse_id(&media_id, "media id")?,
                    reported: serde_json::from_value(serde_json::Value::String(reported))
                        .map_err(|_| StoreError::Corrupt("media problem code"))?,
                    rule,
                    reported_by: parse_id(&by, "user id")?,
                    confirmed_at: from_ms(at),
                })
            })
            .collect()
        })
    }

    fn purge(&self, decided_before: Millis, now: Millis) -> Result<PurgeOutcome, StoreError> {
        self.write(|tx| {
            let ids: Vec<(String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT id, state FROM cases WHERE state IN ('decided', 'closed_unusable') AND decided_at < ?1 ORDER BY id",
                )?;
                let rows = stmt.query_map([decided_before], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut outcome = PurgeOutcome::default();
            let mut audit = Vec::new();
            for (id, state) in ids {
                let next = transition(state_from_code(&state)?, CaseEvent::Purge)?;
                {
                    let mut stmt =
                        tx.prepare_cached("SELECT file_name FROM media WHERE case_id = ?1")?;
                    let rows = stmt.query_map([&id], |r| r.get::<_, String>(0))?;
                    for name in rows {
                        outcome.media_files.push(name?);
                    }
                }
                tx.execute("DELETE FROM media WHERE case_id = ?1", [&id])?;
                tx.execute(
                    "UPDATE cases SET state = ?2, payload = NULL WHERE id = ?1",
                    params![id, next.code()],
                )?;
                // Notes are free text and may name the applicant: they go too. Outcomes and
                // reason codes stay, pseudonymous, for statistics and the audit.
                let decisions: Vec<(i64, String, Vec<u8>)> = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT id, idempotency_key, decision FROM decisions WHERE case_id = ?1",
                    )?;
                    let rows = stmt.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                    rows.collect::<Result<_, _>>()?
                };
                for (decision_id, idem, sealed) in decisions {
                    let mut decision = load_decision(&self.key, &idem, &sealed)?;
                    decision.note = None;
                    // The applicant's message text is free text too (the reason codes
                    // still compose the catalogue's part of the message).
                    decision.applicant_text = None;
                    let json = seal_decision(&self.key, &idem, &decision)?;
                    tx.execute(
                        "UPDATE decisions SET decision = ?2, verdict_note = NULL WHERE id = ?1",
                        params![decision_id, json],
                    )?;
                }
                // Reveal reasons go the same way; the chain covers only their digests.
                tx.execute(
                    "DELETE FROM audit_detail WHERE seq IN (SELECT seq FROM audit WHERE case_id = ?1)",
                    [&id],
                )?;
                audit.push(AuditEntry {
                    actor: None,
                    case_id: Some(parse_id(&id, "case id")?),
                    kind: AuditRecordKind::CasePurged,
                });
                outcome.cases += 1;
            }
            append_tx(tx, &audit, now)?;
            Ok(outcome)
        })
    }
}

impl SqliteStore {
    /// A review list's summary with its progress; `NotFound` when unknown.
    fn sample_summary(
        &self,
        tx: &Transaction<'_>,
        id: &str,
    ) -> Result<kyc_proto::SampleSummary, StoreError> {
        let row = tx
            .query_row(
                "SELECT name, percent, window_from, window_to, seed, created_by, created_at, \
                 (SELECT COUNT(*) FROM sample_members WHERE sample_id = s.id), \
                 (SELECT COUNT(*) FROM sample_members m JOIN decisions d ON d.id = m.decision_id \
                  WHERE m.sample_id = s.id AND d.verdict IS NOT NULL) \
                 FROM samples s WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, i64>(7)?,
                        r.get::<_, i64>(8)?,
                    ))
                },
            )
            .optional()?;
        let Some((name, percent, from, to, seed, by, at, size, judged)) = row else {
            return Err(StoreError::NotFound);
        };
        let name = self
            .key
            .open_value(SAMPLE_NAME_COLUMN, id, &name)
            .map_err(|_| StoreError::Corrupt("sample name"))?;
        Ok(kyc_proto::SampleSummary {
            sample_id: id.to_owned(),
            name: String::from_utf8(name.to_vec())
                .map_err(|_| StoreError::Corrupt("sample name"))?,
            percent,
            from: from_ms(from),
            to: from_ms(to),
            seed,
            created_by: parse_id(&by, "user id")?,
            created_at: from_ms(at),
            size: size as u64,
            judged: judged as u64,
        })
    }

    /// A review list with its strata and members.
    fn load_sample(
        &self,
        tx: &Transaction<'_>,
        id: &str,
    ) -> Result<kyc_proto::SampleList, StoreError> {
        let summary = self.sample_summary(tx, id)?;
        let strata = {
            let mut stmt = tx.prepare(
                "SELECT reviewer, kind, eligible, drawn FROM sample_strata WHERE sample_id = ?1 ORDER BY reviewer, kind",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (reviewer, kind, eligible, drawn) = row?;
                Ok(kyc_proto::SampleStratum {
                    reviewer: parse_id(&reviewer, "user id")?,
                    kind: kind_from_code(&kind)?,
                    eligible: eligible as u64,
                    drawn: drawn as u64,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?
        };
        let members = {
            let mut stmt = tx.prepare(
                "SELECT d.id, d.case_id, c.kind, d.reviewer, d.verdict FROM sample_members m \
                 JOIN decisions d ON d.id = m.decision_id JOIN cases c ON c.id = d.case_id \
                 WHERE m.sample_id = ?1 ORDER BY d.id",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?;
            rows.map(|row| {
                let (decision_id, case_id, kind, reviewer, verdict) = row?;
                Ok(kyc_proto::SampleMember {
                    decision_id,
                    case_id: parse_id(&case_id, "case id")?,
                    kind: kind_from_code(&kind)?,
                    reviewer: parse_id(&reviewer, "user id")?,
                    verdict: match verdict.as_deref() {
                        None => None,
                        Some("agree") => Some(VerdictKind::Agree),
                        Some("overturn") => Some(VerdictKind::Overturn),
                        Some(_) => return Err(StoreError::Corrupt("verdict")),
                    },
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?
        };
        Ok(kyc_proto::SampleList { summary, strata, members })
    }

    /// The answer for a decision whose idempotency key was seen before: `Duplicate` when it
    /// is the same decision by the same account, `Conflict { KeyReused }` otherwise.
    fn prior_decision(
        &self,
        tx: &Transaction<'_>,
        user: &UserId,
        item: &DecisionItem,
    ) -> Result<Option<DecisionStatus>, StoreError> {
        let decision = &item.decision;
        let prior = tx
            .query_row(
                "SELECT id, reviewer, decision, case_state, recorded_at FROM decisions WHERE idempotency_key = ?1",
                [item.idempotency_key.as_str()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        if let Some((id, reviewer, stored, case_state, recorded_at)) = prior {
            // Stored JSON is compared parsed: a purge may have removed the note since.
            let same = reviewer == user.as_str()
                && load_decision(&self.key, item.idempotency_key.as_str(), &stored).is_ok_and(
                    |d| {
                        d.case_id == decision.case_id
                            && d.outcome == decision.outcome
                            && d.decided_at == decision.decided_at
                    },
                );
            return Ok(Some(if same {
                DecisionStatus::Duplicate {
                    decision_id: id,
                    case_state: state_from_code(&case_state)?,
                    recorded_at: from_ms(recorded_at),
                }
            } else {
                DecisionStatus::Conflict { reason: ConflictReason::KeyReused }
            }));
        }
        Ok(None)
    }

    /// One decision inside the batch's transaction. Conflicts and rule breaks are results,
    /// not errors, so one bad item never undoes the others.
    fn apply_one(
        &self,
        tx: &Transaction<'_>,
        user: &UserId,
        item: &DecisionItem,
        policy: &Policy,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError> {
        let decision = &item.decision;
        if let Some(prior) = self.prior_decision(tx, user, item)? {
            return Ok(prior);
        }
        // A double review is decided by slot, unless an overturn sent it back to the queue and
        // the caller holds it as an ordinary case.
        let by_slot: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM review_slots WHERE case_id = ?1) AND NOT EXISTS \
             (SELECT 1 FROM cases WHERE id = ?1 AND state = 'leased' AND lease_holder = ?2)",
            params![decision.case_id.as_str(), user.as_str()],
            |r| r.get(0),
        )?;
        if by_slot {
            return self.apply_slot_decision(tx, user, item, policy, now);
        }
        let row = tx
            .query_row(
                "SELECT state, payload, lease_holder, lease_granted_at, lease_expires_at, kind FROM cases WHERE id = ?1",
                [decision.case_id.as_str()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<Vec<u8>>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let conflict = |reason| Ok(DecisionStatus::Conflict { reason });
        let Some((state, payload, holder, granted_at, expires_at, kind)) = row else {
            return conflict(ConflictReason::UnknownCase);
        };
        let state = state_from_code(&state)?;
        match state {
            CaseState::Purged => return conflict(ConflictReason::CasePurged),
            // (A case in double review or disputed has slots: it never gets here.)
            CaseState::Decided
            | CaseState::AwaitingConfirmation
            | CaseState::Escalated
            | CaseState::DoubleReview
            | CaseState::Disputed => {
                return conflict(ConflictReason::AlreadyDecided);
            }
            CaseState::NeedsAttention | CaseState::ClosedUnusable => {
                return conflict(ConflictReason::NeedsAttention);
            }
            CaseState::Open | CaseState::Leased => {}
        }
        let holds = state == CaseState::Leased
            && holder.as_deref() == Some(user.as_str())
            && expires_at.is_some_and(|e| e > now);
        if !holds {
            let had_lease: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM lease_log WHERE case_id = ?1 AND user_id = ?2)",
                params![decision.case_id.as_str(), user.as_str()],
                |r| r.get(0),
            )?;
            return conflict(if had_lease {
                ConflictReason::LeaseExpired
            } else {
                ConflictReason::NotLeaseHolder
            });
        }
        let case = load_payload(
            &self.key,
            decision.case_id.as_str(),
            payload.as_deref().ok_or(StoreError::Corrupt("case payload"))?,
        )?;
        if let Err(rule) = decision.validate(&case) {
            return Ok(DecisionStatus::Invalid { rule });
        }
        let outcome = OutcomeCode::of(&decision.outcome);
        let escalated = outcome == OutcomeCode::Escalate;
        let four_eyes = policy.needs_four_eyes(kind_from_code(&kind)?, &decision.outcome);
        let next = transition(
            state,
            CaseEvent::Decide { needs_confirmation: four_eyes && !escalated, escalated },
        )?;
        let new = NewDecision {
            key: item.idempotency_key.as_str(),
            decision,
            by: user,
            source: DecisionSource::Reviewer,
            case_state: next,
            handling_ms: clamped_handling_ms(decision.active_ms, granted_at, now),
            supersedes: None,
        };
        let decision_id = record_decision(tx, &self.key, &new, now)?;
        let decided_at =
            matches!(next, CaseState::Decided | CaseState::AwaitingConfirmation).then_some(now);
        tx.execute(
            "UPDATE cases SET state = ?2, lease_holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL, decided_at = ?3 WHERE id = ?1",
            params![decision.case_id.as_str(), next.code(), decided_at],
        )?;
        Ok(DecisionStatus::Accepted { decision_id, case_state: next, recorded_at: from_ms(now) })
    }
}

impl SqliteStore {
    /// A decision on a double review's slot, inside the batch's transaction. Blind: whatever
    /// the other slot holds, the answer is `accepted` with `double_review` (also for the
    /// decision that ends the double review), or a lease conflict for a caller holding no
    /// undecided slot of the case, whatever the case's state. When both slots are decided the
    /// case moves on: the same outcome code decides it as one reviewer's decision would (four
    /// eyes by the second decision's kind, outcome and reasons; two escalations escalate it),
    /// different ones make it `disputed`.
    fn apply_slot_decision(
        &self,
        tx: &Transaction<'_>,
        user: &UserId,
        item: &DecisionItem,
        policy: &Policy,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError> {
        let decision = &item.decision;
        let case_id = decision.case_id.as_str();
        let held = tx
            .query_row(
                "SELECT s.slot, s.lease_granted_at, c.payload, c.kind FROM review_slots s JOIN cases c ON c.id = s.case_id \
                 WHERE s.case_id = ?1 AND s.holder = ?2 AND s.decision_id IS NULL AND s.lease_expires_at > ?3 \
                   AND c.state = 'double_review'",
                params![case_id, user.as_str(), now],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, Option<Vec<u8>>>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((slot, granted_at, payload, kind)) = held else {
            let had_lease: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM lease_log WHERE case_id = ?1 AND user_id = ?2)",
                params![case_id, user.as_str()],
                |r| r.get(0),
            )?;
            let reason = if had_lease {
                ConflictReason::LeaseExpired
            } else {
                ConflictReason::NotLeaseHolder
            };
            return Ok(DecisionStatus::Conflict { reason });
        };
        let case = load_payload(
            &self.key,
            case_id,
            payload.as_deref().ok_or(StoreError::Corrupt("case payload"))?,
        )?;
        if let Err(rule) = decision.validate(&case) {
            return Ok(DecisionStatus::Invalid { rule });
        }
        let new = NewDecision {
            key: item.idempotency_key.as_str(),
            decision,
            by: user,
            source: DecisionSource::Reviewer,
            case_state: CaseState::DoubleReview,
            handling_ms: clamped_handling_ms(decision.active_ms, granted_at, now),
            supersedes: None,
        };
        let decision_id = record_decision(tx, &self.key, &new, now)?;
        tx.execute(
            "UPDATE review_slots SET decided_by = ?3, decision_id = ?4, holder = NULL, lease_granted_at = NULL, \
             lease_expires_at = NULL, lease_offline = 0 WHERE case_id = ?1 AND slot = ?2",
            params![case_id, slot, user.as_str(), decision_id],
        )?;
        let other: Option<String> = tx
            .query_row(
                "SELECT d.outcome FROM review_slots s JOIN decisions d ON d.id = s.decision_id \
                 WHERE s.case_id = ?1 AND s.slot != ?2",
                params![case_id, slot],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = other {
            let outcome = OutcomeCode::of(&decision.outcome);
            let next = if other == outcome.code() {
                let escalated = outcome == OutcomeCode::Escalate;
                let four_eyes = policy.needs_four_eyes(kind_from_code(&kind)?, &decision.outcome);
                transition(
                    CaseState::DoubleReview,
                    CaseEvent::Decide { needs_confirmation: four_eyes && !escalated, escalated },
                )?
            } else {
                transition(CaseState::DoubleReview, CaseEvent::Disagree)?
            };
            let decided_at =
                matches!(next, CaseState::Decided | CaseState::AwaitingConfirmation).then_some(now);
            tx.execute(
                "UPDATE cases SET state = ?2, decided_at = ?3 WHERE id = ?1",
                params![case_id, next.code(), decided_at],
            )?;
        }
        Ok(DecisionStatus::Accepted {
            decision_id,
            case_state: CaseState::DoubleReview,
            recorded_at: from_ms(now),
        })
    }

    /// A supervisor decides a case waiting in one of the supervisors' lists (`from`:
    /// escalated or disputed), once per idempotency key; the decision is final.
    fn supervisor_decides(
        &self,
        supervisor: &UserId,
        item: &DecisionItem,
        from: CaseState,
        source: DecisionSource,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError> {
        self.write(|tx| {
            let decision = &item.decision;
            if let Some(prior) = self.prior_decision(tx, supervisor, item)? {
                return Ok(prior);
            }
            let row = tx
                .query_row(
                    "SELECT state, payload FROM cases WHERE id = ?1",
                    [decision.case_id.as_str()],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
                )
                .optional()?;
            let Some((state, payload)) = row else {
                return Ok(DecisionStatus::Conflict { reason: ConflictReason::UnknownCase });
            };
            let state = state_from_code(&state)?;
            if state != from {
                return Ok(DecisionStatus::Conflict { reason: ConflictReason::AlreadyDecided });
            }
            let case = load_payload(
                &self.key,
                decision.case_id.as_str(),
                payload.as_deref().ok_or(StoreError::Corrupt("case payload"))?,
            )?;
            if let Err(rule) = decision.validate(&case) {
                return Ok(DecisionStatus::Invalid { rule });
            }
            let next = transition(state, CaseEvent::SupervisorDecide)?;
            let new = NewDecision {
                key: item.idempotency_key.as_str(),
                decision,
                by: supervisor,
                source,
                case_state: next,
                handling_ms: None,
                supersedes: None,
            };
            let decision_id = record_decision(tx, &self.key, &new, now)?;
            tx.execute(
                "UPDATE cases SET state = ?2, decided_at = ?3 WHERE id = ?1",
                params![decision.case_id.as_str(), next.code(), now],
            )?;
            Ok(DecisionStatus::Accepted {
                decision_id,
                case_state: next,
                recorded_at: from_ms(now),
            })
        })
    }
}

/// A decision row to insert with [`record_decision`].
struct NewDecision<'a> {
    key: &'a str,
    decision: &'a Decision,
    /// Who decided.
    by: &'a UserId,
    source: DecisionSource,
    /// The case's state after the decision.
    case_state: CaseState,
    handling_ms: Option<i64>,
    supersedes: Option<i64>,
}

/// Inserts a decision (sealed under its key) and chains its `DecisionRecorded` record;
/// returns its number. The case row is the caller's to update.
fn record_decision(
    tx: &Transaction<'_>,
    key: &HubKey,
    new: &NewDecision<'_>,
    now: Millis,
) -> Result<i64, StoreError> {
    let sealed = seal_decision(key, new.key, new.decision)?;
    let outcome = OutcomeCode::of(&new.decision.outcome);
    tx.execute(
        "INSERT INTO decisions (idempotency_key, case_id, reviewer, outcome, decision, decided_at, recorded_at, \
         handling_secs, handling_ms, case_state, source, supersedes) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            new.key,
            new.decision.case_id.as_str(),
            new.by.as_str(),
            outcome.code(),
            sealed,
            to_ms(new.decision.decided_at),
            now,
            new.handling_ms.map(|ms| ms / 1000),
            new.handling_ms,
            new.case_state.code(),
            new.source.code(),
            new.supersedes
        ],
    )?;
    let decision_id = tx.last_insert_rowid();
    append_tx(
        tx,
        &[AuditEntry {
            actor: Some(new.by.clone()),
            case_id: Some(new.decision.case_id.clone()),
            kind: AuditRecordKind::DecisionRecorded {
                decision_id,
                outcome: outcome.code().to_owned(),
            },
        }],
        now,
    )?;
    Ok(decision_id)
}

/// Ends every lease on the case's undecided slots.
fn release_slots(tx: &Transaction<'_>, case: &CaseId) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE review_slots SET holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL, lease_offline = 0 \
         WHERE case_id = ?1 AND decision_id IS NULL",
        [case.as_str()],
    )?;
    Ok(())
}

/// Handling time: the workstation's active time, clamped to what the hub's own clock allows —
/// nothing before the lease grant, nothing after the receipt. A client clock set hours off
/// changes nothing, and a client that sends no active time gets none recorded.
fn clamped_handling_ms(
    active_ms: Option<u64>,
    granted_at: Option<Millis>,
    now: Millis,
) -> Option<i64> {
    let window = (now - granted_at?).max(0);
    Some(i64::try_from(active_ms?).unwrap_or(i64::MAX).clamp(0, window))
}

/// Figures being summed up, with the handling times and days they need.
#[derive(Default)]
struct FigureSet {
    figures: kyc_proto::Figures,
    handling_ms: Vec<i64>,
    days: std::collections::BTreeMap<String, u64>,
}

impl FigureSet {
    fn add(
        &mut self,
        outcome: OutcomeCode,
        handling: Option<i64>,
        verdict: Option<&str>,
        day: &str,
        waiting: bool,
    ) {
        let f = &mut self.figures;
        f.decisions += 1;
        match outcome {
            OutcomeCode::Approve => f.approved += 1,
            OutcomeCode::Reject => f.rejected += 1,
            OutcomeCode::RequestResubmission => f.resubmission_requested += 1,
            OutcomeCode::Escalate => f.escalated += 1,
        }
        if let Some(v) = verdict {
            f.verdicts += 1;
            if v == VerdictKind::Overturn.code() {
                f.overturned += 1;
            }
        }
        if waiting {
            f.awaiting_confirmation += 1;
        }
        self.handling_ms.extend(handling);
        *self.days.entry(day.to_owned()).or_default() += 1;
    }

    fn finish(mut self) -> kyc_proto::Figures {
        self.handling_ms.sort_unstable();
        let mut f = self.figures;
        f.median_handling_secs = median(&self.handling_ms).map(|ms| ms / 1000.0);
        f.p90_handling_secs = p90(&self.handling_ms).map(|ms| ms as f64 / 1000.0);
        f.overturn_rate = (f.verdicts > 0).then(|| f.overturned as f64 / f.verdicts as f64);
        f.per_day = self
            .days
            .into_iter()
            .map(|(day, decisions)| kyc_proto::DayCount { day, decisions })
            .collect();
        f
    }
}

/// The 90th percentile by nearest rank: the smallest value with at least 90 % of the values at
/// or below it.
fn p90(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    (n > 0).then(|| sorted[(n * 9).div_ceil(10) - 1])
}

fn median(sorted: &[i64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2] as f64),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}
