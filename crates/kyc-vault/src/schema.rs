//! The database file: connection settings, the schema and its forward migrations.
//!
//! Plain columns hold only random opaque ids, state enums, sizes, counters and timestamps;
//! every column named `payload`, `sealed`, `wrapped_key`, `recovery_wrapped_key`,
//! `recovery_key` or `outcome_detail` holds a sealed
//! cell (`nonce ‖ ciphertext ‖ tag`). The threat model in ARCHITECTURE.md lists what each column reveals.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::VaultError;

/// Newest schema this build writes.
pub(crate) const SCHEMA_VERSION: u32 = 3;

/// `MIGRATIONS[i]` upgrades a database from version `i` to `i + 1`. Version 0 is an empty file.
/// Each runs in the same transaction as the version update, so a crash leaves either version.
const MIGRATIONS: &[&str] = &[
    // 0 → 1
    "CREATE TABLE schema_version (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         version INTEGER NOT NULL);
     INSERT INTO schema_version (id, version) VALUES (1, 0);
     -- The wrapped data key. Alone in its table (and so alone on its page): crypto-shredding
     -- overwrites exactly this page, and counters updated on every unlock never copy it.
     CREATE TABLE keyring (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         kdf_memory_kib INTEGER NOT NULL,
         kdf_iterations INTEGER NOT NULL,
         kdf_parallelism INTEGER NOT NULL,
         salt BLOB NOT NULL,
         wrapped_key BLOB NOT NULL);
     CREATE TABLE unlock_guard (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         failed_attempts INTEGER NOT NULL,
         max_attempts INTEGER NOT NULL);
     CREATE TABLE key_usage (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         messages_sealed INTEGER NOT NULL);
     CREATE TABLE cases (
         id TEXT PRIMARY KEY,
         kind TEXT NOT NULL,
         priority TEXT NOT NULL,
         state TEXT NOT NULL,
         lease_expires_at INTEGER NOT NULL,
         pulled_at INTEGER NOT NULL,
         n_media INTEGER NOT NULL,
         bytes INTEGER NOT NULL,
         payload BLOB NOT NULL);
     CREATE TABLE media (
         id TEXT NOT NULL,
         variant TEXT NOT NULL,
         case_id TEXT NOT NULL,
         content_type TEXT NOT NULL,
         len INTEGER NOT NULL,
         n_chunks INTEGER NOT NULL,
         PRIMARY KEY (id, variant));
     CREATE INDEX media_by_case ON media (case_id);
     -- One row per chunk (64 KiB less 256 B, one page each): a range read is an index seek to the first chunk it needs.
     CREATE TABLE media_chunks (
         media_id TEXT NOT NULL,
         variant TEXT NOT NULL,
         idx INTEGER NOT NULL,
         sealed BLOB NOT NULL,
         PRIMARY KEY (media_id, variant, idx));
     CREATE TABLE outbox (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         key TEXT NOT NULL UNIQUE,
         kind TEXT NOT NULL,
         case_id TEXT,
         created_at INTEGER NOT NULL,
         status TEXT NOT NULL,
         sent_at INTEGER,
         payload BLOB NOT NULL,
         outcome_detail BLOB);
     CREATE INDEX outbox_by_case ON outbox (case_id);",
    // 1 → 2: keys derived with kyc-keys, and the recovery key held by the hub.
    // key_scheme 1: wrapped under Argon2id's output directly (files written before kyc-keys);
    // key_scheme 2: wrapped under HKDF(Argon2id output, "vault wrap"), with the hub's salt.
    // recovery_wrapped_key: the data key wrapped under the random recovery key R;
    // recovery_key: R sealed under the data key (to deposit it again with the hub).
    "ALTER TABLE keyring ADD COLUMN key_scheme INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE keyring ADD COLUMN vault_id TEXT;
     ALTER TABLE keyring ADD COLUMN recovery_wrapped_key BLOB;
     ALTER TABLE keyring ADD COLUMN recovery_key BLOB;
     UPDATE keyring SET vault_id = lower(hex(randomblob(16))) WHERE vault_id IS NULL;",
    // 2 → 3: small records of the sync engine (last contact with the hub, the hub's client
    // policy), each one sealed cell named by a fixed ASCII name.
    "CREATE TABLE sync_record (
         name TEXT PRIMARY KEY,
         sealed BLOB NOT NULL);",
];

/// File names inside the vault directory. Everything the vault creates is named here, so a
/// wipe can remove exactly these.
pub(crate) const DB_FILE: &str = "vault.db";
pub(crate) const LOCK_FILE: &str = "vault.lock";
/// SQLite's companions of the database file.
pub(crate) const DB_COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

fn configure(conn: &Connection, writer: bool) -> rusqlite::Result<()> {
    // Readers and the writer wait for each other instead of failing: WAL readers only ever
    // wait briefly (checkpoints, recovery), and there is one writer connection per process.
    conn.busy_timeout(Duration::from_secs(30))?;
    // Freed pages (purged cases) are overwritten with zeros, not left in the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Sorts and temporary tables stay in memory: no stray temp files outside the directory.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    if writer {
        // A commit returns only after the WAL is on stable storage: a decision acknowledged
        // to the reviewer survives power loss.
        conn.pragma_update(None, "synchronous", "FULL")?;
    } else {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    Ok(())
}

/// Opens the writer connection of an existing database.
pub(crate) fn open_writer(db: &Path) -> Result<Connection, VaultError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags)?;
    configure(&conn, true)?;
    Ok(conn)
}

/// Creates the database file with its page size and journal mode, which must be set before
/// the first table exists.
pub(crate) fn create_db(db: &Path) -> Result<Connection, VaultError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags)?;
    // 64 KiB pages: a sealed 64 KiB chunk spans few pages, and big blobs write at about twice
    // the speed of the default 4 KiB pages.
    conn.pragma_update(None, "page_size", 65536)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    configure(&conn, true)?;
    Ok(conn)
}

/// Opens a reader connection.
pub(crate) fn open_reader(db: &Path) -> Result<Connection, VaultError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags)?;
    configure(&conn, false)?;
    Ok(conn)
}

/// The schema version of the file (0 for a file without tables).
pub(crate) fn version(conn: &Connection) -> Result<u32, VaultError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    let v: Option<u32> = conn
        .query_row("SELECT version FROM schema_version WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    Ok(v.unwrap_or(0))
}

/// Brings the file to [`SCHEMA_VERSION`], inside the caller's transaction. A newer file is
/// refused untouched.
pub(crate) fn migrate(conn: &Connection) -> Result<(), VaultError> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(VaultError::NewerVersion { found, supported: SCHEMA_VERSION });
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        conn.execute_batch(sql)?;
        conn.execute("UPDATE schema_version SET version = ?1 WHERE id = 1", [from as u32 + 1])?;
    }
    Ok(())
}
