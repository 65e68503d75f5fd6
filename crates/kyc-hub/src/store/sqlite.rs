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
    AuditRecord, AuditRecordKind, AuditVerifyReport, CaseHistory, ConflictReason, DecisionItem,
    DecisionPage, DecisionQuery, DecisionRecord, DecisionStatus, LeasedCase, MediaManifest,
    OutcomeCode, Policy, ReviewerStats, Role, StatsQuery, StatsResponse, VerdictKind,
    VerdictRecord, VerdictRequest, VerdictResponse, VerdictState,
};
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

use super::{
    AuditEntry, MediaRow, NewMedia, PurgeOutcome, Revocation, SessionRow, Store, StoreError,
    UserChange, UserRow, default_policy,
};
use crate::audit::{CanonicalRecord, ChainVerifier, GENESIS, chain_hash};
use crate::crypto::HubKey;
use crate::time_util::{Millis, from_ms, to_ms};

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "hub.sqlite3";

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
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_case ON audit(case_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
"#;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

fn state_from_code(code: &str) -> Result<CaseState, StoreError> {
    [
        CaseState::Open,
        CaseState::Leased,
        CaseState::AwaitingConfirmation,
        CaseState::Decided,
        CaseState::Purged,
    ]
    .into_iter()
    .find(|s| s.code() == code)
    .ok_or(StoreError::Corrupt("case state"))
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
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(&path)
                .map_err(|e| StoreError::Backend(Box::new(e)))?;
        }
        let writer = Connection::open(&path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        writer.execute_batch(SCHEMA)?;
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

fn append_tx(tx: &Transaction<'_>, entries: &[AuditEntry], now: Millis) -> Result<(), StoreError> {
    let (mut seq, mut prev): (i64, String) = tx
        .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_owned()));
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit (seq, recorded_at, actor, case_id, kind, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for entry in entries {
        seq += 1;
        let kind =
            serde_json::to_string(&entry.kind).map_err(|_| StoreError::Corrupt("audit kind"))?;
        let actor = entry.actor.as_ref().map(|a| a.as_str());
        let case_id = entry.case_id.as_ref().map(|c| c.as_str());
        let record = CanonicalRecord { seq, recorded_at: now, actor, case_id, kind: &kind };
        let hash = chain_hash(&prev, &record);
        stmt.execute(params![seq, now, actor, case_id, kind, hash])?;
        prev = hash;
    }
    Ok(())
}

const DECISION_COLS: &str = "d.id, d.case_id, c.kind, d.reviewer, d.decision, d.recorded_at, \
     d.handling_secs, d.verdict, d.verdict_by, d.verdict_note, d.verdict_at, d.idempotency_key";

type RawDecision = (
    i64,
    String,
    String,
    String,
    Vec<u8>,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
);

fn raw_decision(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDecision> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn decision_record(key: &HubKey, raw: RawDecision) -> Result<DecisionRecord, StoreError> {
    let (id, case_id, kind, reviewer, decision, recorded_at, handling, verdict, by, note, at, idem) =
        raw;
    let verdict = match (verdict, by, at) {
        (Some(v), Some(by), Some(at)) => Some(VerdictRecord {
            verdict: match v.as_str() {
                "agree" => VerdictKind::Agree,
                "overturn" => VerdictKind::Overturn,
                _ => return Err(StoreError::Corrupt("verdict")),
            },
            supervisor: parse_id(&by, "user id")?,
            note,
            at: from_ms(at),
        }),
        _ => None,
    };
    Ok(DecisionRecord {
        decision_id: id,
        case_id: parse_id(&case_id, "case id")?,
        kind: kind_from_code(&kind)?,
        reviewer: parse_id(&reviewer, "user id")?,
        decision: load_decision(key, &idem, &decision)?,
        recorded_at: from_ms(recorded_at),
        handling_secs: handling,
        verdict,
    })
}

fn audit_record(
    seq: i64,
    recorded_at: i64,
    actor: Option<String>,
    case_id: Option<String>,
    kind: String,
    hash: String,
) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq,
        recorded_at: from_ms(recorded_at),
        actor: actor.map(|a| parse_id(&a, "user id")).transpose()?,
        case_id: case_id.map(|c| parse_id(&c, "case id")).transpose()?,
        kind: serde_json::from_str(&kind).map_err(|_| StoreError::Corrupt("audit kind"))?,
        hash,
    })
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
        self.write(|tx| {
            load_user(tx, id)?;
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
                tx.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![id.as_str(), credential])?;
                tx.execute(
                    "UPDATE sessions SET revoked = 'password_reset' WHERE user_id = ?1 AND revoked IS NULL",
                    [id.as_str()],
                )?;
            }
            load_user(tx, id)
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
            match json {
                None => Ok(default_policy()),
                Some(j) => serde_json::from_str(&j).map_err(|_| StoreError::Corrupt("policy")),
            }
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
            tx.execute(
                "INSERT INTO cases (id, kind, priority, state, payload, created_at) VALUES (?1, ?2, ?3, 'open', ?4, ?5)",
                params![case.id.as_str(), case.kind.code(), priority, payload, now],
            )
            .map_err(|e| if is_constraint(&e) { StoreError::Conflict("case id exists") } else { e.into() })?;
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
    ) -> Result<Vec<LeasedCase>, StoreError> {
        self.write(|tx| {
            let candidates: Vec<(String, String, Vec<u8>)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT id, state, payload FROM cases \
                     WHERE (state = 'open' OR (state = 'leased' AND lease_expires_at <= ?1)) \
                       AND (?2 IS NULL OR kind = ?2) \
                     ORDER BY priority DESC, created_at, id LIMIT ?3",
                )?;
                let rows = stmt.query_map(params![now, kind.map(|k| k.code()), max], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
                rows.collect::<Result<_, _>>()?
            };
            let mut granted = Vec::with_capacity(candidates.len());
            let mut audit = Vec::with_capacity(candidates.len());
            for (id, state, payload) in candidates {
                let mut state = state_from_code(&state)?;
                if state == CaseState::Leased {
                    // The previous holder's lease ran out: it is released before it is granted.
                    state = transition(state, CaseEvent::ReleaseLease)?;
                }
                let state = transition(state, CaseEvent::Lease)?;
                tx.execute(
                    "UPDATE cases SET state = ?2, lease_holder = ?3, lease_granted_at = ?4, lease_expires_at = ?5 WHERE id = ?1",
                    params![id, state.code(), user.as_str(), now, until],
                )?;
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
    ) -> Result<super::RenewOutcome, StoreError> {
        self.write(|tx| {
            let mut renewed = Vec::new();
            let mut lost = Vec::new();
            for id in cases {
                let n = tx.execute(
                    "UPDATE cases SET lease_expires_at = ?3 WHERE id = ?1 AND state = 'leased' \
                     AND lease_holder = ?2 AND lease_expires_at > ?4",
                    params![id.as_str(), user.as_str(), until, now],
                )?;
                if n == 1 { renewed.push((id.clone(), until)) } else { lost.push(id.clone()) }
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
                    "UPDATE cases SET state = ?3, lease_holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL \
                     WHERE id = ?1 AND state = 'leased' AND lease_holder = ?2 AND lease_expires_at > ?4",
                    params![id.as_str(), user.as_str(), next.code(), now],
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
            Ok(Some(MediaRow {
                manifest: MediaManifest { id: id.clone(), content_type, size: size as u64, sha256 },
                file_name,
                case_id: parse_id(&case_id, "case id")?,
                case_state: state_from_code(&state)?,
                lease_holder: holder.map(|h| parse_id(&h, "user id")).transpose()?,
                lease_expires_at: expires,
            }))
        })
    }

    fn apply_decisions(
        &self,
        user: &UserId,
        items: &[(DecisionItem, bool)],
        now: Millis,
    ) -> Result<Vec<DecisionStatus>, StoreError> {
        self.write(|tx| {
            items
                .iter()
                .map(|(item, four_eyes)| self.apply_one(tx, user, item, *four_eyes, now))
                .collect()
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
        self.write(|tx| append_tx(tx, entries, now))
    }

    fn audit_verify(&self) -> Result<AuditVerifyReport, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT seq, recorded_at, actor, case_id, kind, hash FROM audit ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            let mut verifier = ChainVerifier::default();
            while let Some(r) = rows.next()? {
                let actor: Option<String> = r.get(2)?;
                let case_id: Option<String> = r.get(3)?;
                let kind: String = r.get(4)?;
                let hash: String = r.get(5)?;
                let record = CanonicalRecord {
                    seq: r.get(0)?,
                    recorded_at: r.get(1)?,
                    actor: actor.as_deref(),
                    case_id: case_id.as_deref(),
                    kind: &kind,
                };
                verifier.check(&record, &hash);
            }
            Ok(AuditVerifyReport {
                records: verifier.records,
                intact: verifier.first_broken.is_none(),
                first_broken_seq: verifier.first_broken,
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

    fn query_decisions(&self, query: &DecisionQuery) -> Result<DecisionPage, StoreError> {
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
                "SELECT {DECISION_COLS} FROM decisions d JOIN cases c ON c.id = d.case_id {filter} ORDER BY d.id DESC LIMIT ? OFFSET ?"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(page_args.iter()), raw_decision)?;
            let items = rows.map(|r| decision_record(&self.key, r?)).collect::<Result<Vec<_>, _>>()?;
            let next = offset + items.len() as i64;
            Ok(DecisionPage {
                total: total as u64,
                next_offset: (next < total).then_some(next as u64),
                items,
            })
        })
    }

    fn case_history(&self, id: &CaseId) -> Result<Option<CaseHistory>, StoreError> {
        self.read(|tx| {
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
                rows.map(|r| decision_record(&self.key, r?)).collect::<Result<Vec<_>, _>>()?
            };
            let audit = {
                let mut stmt = tx.prepare(
                    "SELECT seq, recorded_at, actor, case_id, kind, hash FROM audit WHERE case_id = ?1 ORDER BY seq",
                )?;
                let rows = stmt.query_map([id.as_str()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })?;
                rows.map(|r| {
                    let (seq, at, actor, case_id, kind, hash) = r?;
                    audit_record(seq, at, actor, case_id, kind, hash)
                })
                .collect::<Result<Vec<_>, _>>()?
            };
            Ok(Some(CaseHistory {
                case_id: id.clone(),
                kind: kind_from_code(&kind)?,
                state: state_from_code(&state)?,
                case: payload.as_deref().map(|p| load_payload(&self.key, id.as_str(), p)).transpose()?,
                media: media_manifests(tx, id.as_str())?,
                decisions,
                audit,
            }))
        })
    }

    fn give_verdict(
        &self,
        supervisor: &UserId,
        request: &VerdictRequest,
        now: Millis,
    ) -> Result<VerdictResponse, StoreError> {
        self.write(|tx| {
            let row = tx
                .query_row(
                    "SELECT d.reviewer, d.case_id, d.verdict, c.state, \
                     (SELECT MAX(id) FROM decisions WHERE case_id = d.case_id) \
                     FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = ?1",
                    [request.decision_id],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, i64>(4)?,
                        ))
                    },
                )
                .optional()?;
            let Some((reviewer, case_id, verdict, state, latest)) = row else {
                return Err(StoreError::NotFound);
            };
            if reviewer == supervisor.as_str() {
                return Err(StoreError::Forbidden("a supervisor never judges their own decision"));
            }
            if verdict.is_some() {
                return Err(StoreError::Conflict("the decision already has a verdict"));
            }
            let mut state = state_from_code(&state)?;
            // Four eyes: on the decision awaiting confirmation, the verdict is the confirmation.
            if state == CaseState::AwaitingConfirmation && latest == request.decision_id {
                state = match request.verdict {
                    VerdictKind::Agree => transition(state, CaseEvent::Confirm)?,
                    VerdictKind::Overturn => transition(state, CaseEvent::Reopen)?,
                };
                let decided_at = (state == CaseState::Decided).then_some(now);
                tx.execute(
                    "UPDATE cases SET state = ?2, decided_at = COALESCE(?3, CASE WHEN ?2 = 'open' THEN NULL ELSE decided_at END) WHERE id = ?1",
                    params![case_id, state.code(), decided_at],
                )?;
            }
            tx.execute(
                "UPDATE decisions SET verdict = ?2, verdict_by = ?3, verdict_note = ?4, verdict_at = ?5 WHERE id = ?1",
                params![
                    request.decision_id,
                    request.verdict.code(),
                    supervisor.as_str(),
                    request.note,
                    now
                ],
            )?;
            append_tx(
                tx,
                &[AuditEntry {
                    actor: Some(supervisor.clone()),
                    case_id: Some(parse_id(&case_id, "case id")?),
                    kind: AuditRecordKind::VerdictGiven {
                        decision_id: request.decision_id,
                        verdict: request.verdict.code().to_owned(),
                    },
                }],
                now,
            )?;
            Ok(VerdictResponse { case_state: state })
        })
    }

    fn stats(&self, query: &StatsQuery) -> Result<StatsResponse, StoreError> {
        let from = query.from.map(to_ms).unwrap_or(i64::MIN);
        let to = query.to.map(to_ms).unwrap_or(i64::MAX);
        let rows: Vec<(String, String, Option<i64>, Option<String>)> = self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT reviewer, outcome, handling_secs, verdict FROM decisions \
                 WHERE recorded_at >= ?1 AND recorded_at < ?2 ORDER BY reviewer",
            )?;
            let rows = stmt.query_map(params![from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        let mut by_reviewer: std::collections::BTreeMap<String, (ReviewerStats, Vec<i64>)> =
            Default::default();
        for (reviewer, outcome, handling, verdict) in rows {
            let entry = match by_reviewer.entry(reviewer) {
                std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => {
                    let id = parse_id(v.key(), "user id")?;
                    v.insert((
                        ReviewerStats {
                            reviewer: id,
                            decisions: 0,
                            approved: 0,
                            rejected: 0,
                            resubmission_requested: 0,
                            escalated: 0,
                            median_handling_secs: None,
                            verdicts: 0,
                            overturned: 0,
                            overturn_rate: None,
                        },
                        Vec::new(),
                    ))
                }
            };
            let (stats, times) = entry;
            stats.decisions += 1;
            match OutcomeCode::from_code(&outcome) {
                Some(OutcomeCode::Approve) => stats.approved += 1,
                Some(OutcomeCode::Reject) => stats.rejected += 1,
                Some(OutcomeCode::RequestResubmission) => stats.resubmission_requested += 1,
                Some(OutcomeCode::Escalate) => stats.escalated += 1,
                None => return Err(StoreError::Corrupt("outcome")),
            }
            if let Some(h) = handling {
                times.push(h);
            }
            if let Some(v) = verdict {
                stats.verdicts += 1;
                if v == "overturn" {
                    stats.overturned += 1;
                }
            }
        }
        let reviewers = by_reviewer
            .into_values()
            .map(|(mut stats, mut times)| {
                times.sort_unstable();
                stats.median_handling_secs = median(&times);
                stats.overturn_rate =
                    (stats.verdicts > 0).then(|| stats.overturned as f64 / stats.verdicts as f64);
                stats
            })
            .collect();
        Ok(StatsResponse { reviewers })
    }

    fn purge(&self, decided_before: Millis, now: Millis) -> Result<PurgeOutcome, StoreError> {
        self.write(|tx| {
            let ids: Vec<String> = {
                let mut stmt = tx.prepare(
                    "SELECT id FROM cases WHERE state = 'decided' AND decided_at < ?1 ORDER BY id",
                )?;
                let rows = stmt.query_map([decided_before], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut outcome = PurgeOutcome::default();
            let mut audit = Vec::new();
            for id in ids {
                let next = transition(CaseState::Decided, CaseEvent::Purge)?;
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
                    let json = seal_decision(&self.key, &idem, &decision)?;
                    tx.execute(
                        "UPDATE decisions SET decision = ?2, verdict_note = NULL WHERE id = ?1",
                        params![decision_id, json],
                    )?;
                }
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
    /// One decision inside the batch's transaction. Conflicts and rule breaks are results,
    /// not errors, so one bad item never undoes the others.
    fn apply_one(
        &self,
        tx: &Transaction<'_>,
        user: &UserId,
        item: &DecisionItem,
        four_eyes: bool,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError> {
        let decision = &item.decision;
        let decision_sealed = seal_decision(&self.key, item.idempotency_key.as_str(), decision)?;

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
            return Ok(if same {
                DecisionStatus::Duplicate {
                    decision_id: id,
                    case_state: state_from_code(&case_state)?,
                    recorded_at: from_ms(recorded_at),
                }
            } else {
                DecisionStatus::Conflict { reason: ConflictReason::KeyReused }
            });
        }
        let row = tx
            .query_row(
                "SELECT state, payload, lease_holder, lease_granted_at, lease_expires_at FROM cases WHERE id = ?1",
                [decision.case_id.as_str()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<Vec<u8>>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                    ))
                },
            )
            .optional()?;
        let conflict = |reason| Ok(DecisionStatus::Conflict { reason });
        let Some((state, payload, holder, granted_at, expires_at)) = row else {
            return conflict(ConflictReason::UnknownCase);
        };
        let state = state_from_code(&state)?;
        match state {
            CaseState::Purged => return conflict(ConflictReason::CasePurged),
            CaseState::Decided | CaseState::AwaitingConfirmation => {
                return conflict(ConflictReason::AlreadyDecided);
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
        let next = transition(
            state,
            CaseEvent::Decide { needs_confirmation: four_eyes && !escalated, escalated },
        )?;
        let handling_secs = granted_at.map(|g| ((to_ms(decision.decided_at) - g) / 1000).max(0));
        tx.execute(
            "INSERT INTO decisions (idempotency_key, case_id, reviewer, outcome, decision, decided_at, recorded_at, handling_secs, case_state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                item.idempotency_key.as_str(),
                decision.case_id.as_str(),
                user.as_str(),
                outcome.code(),
                decision_sealed,
                to_ms(decision.decided_at),
                now,
                handling_secs,
                next.code()
            ],
        )?;
        let decision_id = tx.last_insert_rowid();
        let decided_at =
            matches!(next, CaseState::Decided | CaseState::AwaitingConfirmation).then_some(now);
        tx.execute(
            "UPDATE cases SET state = ?2, lease_holder = NULL, lease_granted_at = NULL, lease_expires_at = NULL, decided_at = ?3 WHERE id = ?1",
            params![decision.case_id.as_str(), next.code(), decided_at],
        )?;
        append_tx(
            tx,
            &[AuditEntry {
                actor: Some(user.clone()),
                case_id: Some(decision.case_id.clone()),
                kind: AuditRecordKind::DecisionRecorded {
                    decision_id,
                    outcome: outcome.code().to_owned(),
                },
            }],
            now,
        )?;
        Ok(DecisionStatus::Accepted { decision_id, case_state: next, recorded_at: from_ms(now) })
    }
}

fn median(sorted: &[i64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2] as f64),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}
