//! The vault handle: lock state, connections, and every operation.

use std::fs::{self, File};
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};

use kyc_model::{Case, CaseId, CaseKind, LocalEvent, LocalState, MediaId, Priority};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use kyc_keys::{KdfSpec, MasterKey, RecoveryKey, Salt, WrapKey};

use crate::crypto::{self, Ad, ChunkAd, DataKey, KdfParams, MAX_MESSAGES_PER_KEY, Password};
use crate::error::VaultError;
use crate::media::{
    CHUNK_LEN, ContentType, MediaInfo, MediaInput, MediaSource, Variant, chunk_len, media_row,
    n_chunks,
};
use crate::outbox::{
    AuditEvent, IdempotencyKey, OutboxEntry, OutboxPayload, OutboxStatus, PushOutcome,
};
// Private files and directories (0700/0600 on Unix) through the workspace's one platform seam.
use crate::schema::{self, DB_COMPANIONS, DB_FILE, LOCK_FILE};
use kyc_platform::private_fs as private;

/// Failed offline unlocks after which the vault stops trying passwords until an online
/// sign-in recovers it (it never wipes itself: unpushed decisions must survive typos).
pub const DEFAULT_MAX_UNLOCK_ATTEMPTS: u32 = 10;

/// Idle reader connections kept open for reuse.
const MAX_IDLE_READERS: usize = 4;

/// A case as the queue lists it: plain columns only (no personal data), so listing works
/// while the vault is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    /// Opaque id.
    pub id: CaseId,
    /// Kind of case.
    pub kind: CaseKind,
    /// Priority.
    pub priority: Priority,
    /// Local state.
    pub state: LocalState,
    /// When the lease ends (whole seconds).
    pub lease_expires_at: OffsetDateTime,
    /// Number of media objects (distinct media ids).
    pub n_media: u32,
    /// Total plaintext bytes of all its media variants.
    pub bytes: u64,
}

/// What a wipe removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WipeReport {
    /// Names of the files deleted (fixed names such as `vault.db-wal`, never personal data).
    pub files_removed: Vec<String>,
    /// Whether the (then empty) directory was removed too.
    pub dir_removed: bool,
    /// Files in the directory the vault did not create, left in place.
    pub foreign_files: Vec<PathBuf>,
}

/// What [`Vault::wipe_case_data`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseDataWipe {
    /// Cases deleted with everything they held.
    pub cases_removed: u32,
    /// Cases whose decision waits to be pushed: their payload and media are gone, their row
    /// (plain state, kind, lease) and the decision in the outbox stay until the hub answers.
    pub decisions_kept: u32,
}

enum KeyState {
    Locked,
    Unlocked(Box<DataKey>),
    Wiped,
}

/// The encrypted local case cache.
///
/// `Send + Sync`: share it with `Arc`. One writer connection behind a mutex serializes writes;
/// reads use a pool of reader connections and run in parallel with writes (WAL). Every
/// operation holds a read guard on the key state for its whole duration, so [`Vault::lock`] and
/// [`Vault::wipe`] wait for operations in flight and operations started later see `Locked` or
/// `Wiped`.
pub struct Vault {
    dir: PathBuf,
    db: PathBuf,
    state: RwLock<KeyState>,
    writer: Mutex<Option<Connection>>,
    readers: Mutex<Vec<Connection>>,
    /// Holds the OS lock that keeps other processes out; `None` once wiped.
    lock_file: Mutex<Option<File>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({}, unlocked: {})", self.dir.display(), self.is_unlocked())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not turn every later call into a panic: the data behind these
    // mutexes (connections) stays valid, SQLite rolls back any open transaction.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

fn from_unix(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn priority_code(p: Priority) -> &'static str {
    match p {
        Priority::Normal => "normal",
        Priority::High => "high",
    }
}

fn priority_from_code(code: &str) -> Option<Priority> {
    [Priority::Normal, Priority::High].into_iter().find(|p| priority_code(*p) == code)
}

fn bad_plain(table: &'static str, row: &str) -> VaultError {
    // A plain column holds a value this build never writes: the file was edited.
    VaultError::Integrity { table, row: row.to_owned() }
}

fn acquire_lock_file(dir: &Path) -> Result<File, VaultError> {
    let file = private::open_file(&dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(VaultError::InUse),
        Err(fs::TryLockError::Error(e)) => Err(VaultError::Io(e)),
    }
}

impl Vault {
    /// Whether `dir` holds a vault.
    pub fn exists(dir: &Path) -> bool {
        dir.join(DB_FILE).is_file()
    }

    /// The database file's path, for diagnostics and tests.
    pub fn database_path(dir: &Path) -> PathBuf {
        dir.join(DB_FILE)
    }

    /// Creates a vault in `dir` (created if missing) with a fresh random data key wrapped under
    /// `password` (a fresh salt, these Argon2id parameters) and under a fresh recovery key that
    /// nobody else holds. Returns it unlocked. Derives the key on this thread (slow with
    /// production parameters). Workstations create vaults with [`Vault::create_with_keys`].
    pub fn create(dir: &Path, password: &Password, params: KdfParams) -> Result<Vault, VaultError> {
        let spec = KdfSpec::generate(params);
        let master = kyc_keys::derive(password, &spec).map_err(|_| VaultError::KdfParams)?;
        Vault::create_with_keys(dir, &spec, &master.vault_wrap_key(), &RecoveryKey::generate())
    }

    /// Creates a vault in `dir` (created if missing) with a fresh random data key wrapped
    /// under `wrap_key` (derived from the password with `spec`, which is stored beside it for
    /// offline unlock) and under `recovery` (the key the hub holds for this vault). Returns it
    /// unlocked.
    pub fn create_with_keys(
        dir: &Path,
        spec: &KdfSpec,
        wrap_key: &WrapKey,
        recovery: &RecoveryKey,
    ) -> Result<Vault, VaultError> {
        private::create_dir(dir)?;
        let lock_file = acquire_lock_file(dir)?;
        if Vault::exists(dir) {
            return Err(VaultError::AlreadyExists);
        }
        let db = dir.join(DB_FILE);
        let result = (|| {
            // Created 0600 before SQLite sees it: its -wal and -shm files take this mode.
            drop(private::open_file(&db)?);
            let (key, raw) = DataKey::generate();
            let wrapped = crypto::wrap(&raw, wrap_key, *spec);
            let recovery_wrapped = crypto::wrap_recovery(&raw, recovery);
            let recovery_sealed = key.seal(&crypto::recovery_key_ad(), recovery.as_bytes());
            let vault_id = new_vault_id();
            let mut conn = schema::create_db(&db)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx)?;
            tx.execute(
                "INSERT INTO keyring (id, kdf_memory_kib, kdf_iterations, kdf_parallelism, salt,
                 wrapped_key, key_scheme, vault_id, recovery_wrapped_key, recovery_key)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    spec.memory_kib,
                    spec.iterations,
                    spec.parallelism,
                    &spec.salt.0[..],
                    wrapped.sealed,
                    wrapped.scheme,
                    vault_id,
                    recovery_wrapped,
                    recovery_sealed
                ],
            )?;
            tx.execute(
                "INSERT INTO unlock_guard (id, failed_attempts, max_attempts) VALUES (1, 0, ?1)",
                [DEFAULT_MAX_UNLOCK_ATTEMPTS],
            )?;
            tx.execute("INSERT INTO key_usage (id, messages_sealed) VALUES (1, 2)", [])?;
            tx.commit()?;
            Ok((conn, key))
        })();
        match result {
            Ok((conn, key)) => Ok(Vault {
                dir: dir.to_owned(),
                db,
                state: RwLock::new(KeyState::Unlocked(Box::new(key))),
                writer: Mutex::new(Some(conn)),
                readers: Mutex::new(Vec::new()),
                lock_file: Mutex::new(Some(lock_file)),
            }),
            Err(e) => {
                // Leave nothing half-made behind.
                let _ = remove_vault_files(dir, lock_file);
                Err(e)
            }
        }
    }

    /// Opens the vault in `dir`, locked. Takes an exclusive OS lock on the directory's lock
    /// file: a second process gets [`VaultError::InUse`]. Migrates an older schema forward; a
    /// newer one is [`VaultError::NewerVersion`] and the file is left untouched.
    pub fn open(dir: &Path) -> Result<Vault, VaultError> {
        if !Vault::exists(dir) {
            return Err(VaultError::NotFound);
        }
        let lock_file = acquire_lock_file(dir)?;
        let mut files = vec![DB_FILE.to_owned(), LOCK_FILE.to_owned()];
        files.extend(DB_COMPANIONS.iter().map(|suffix| format!("{DB_FILE}{suffix}")));
        private::tighten(dir, &files)?;
        let db = dir.join(DB_FILE);
        let mut conn = schema::open_writer(&db)?;
        if schema::version(&conn)? != schema::SCHEMA_VERSION {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx)?;
            tx.commit()?;
        }
        Ok(Vault {
            dir: dir.to_owned(),
            db,
            state: RwLock::new(KeyState::Locked),
            writer: Mutex::new(Some(conn)),
            readers: Mutex::new(Vec::new()),
            lock_file: Mutex::new(Some(lock_file)),
        })
    }

    /// Whether the data key is in memory.
    pub fn is_unlocked(&self) -> bool {
        matches!(*self.read_state(), KeyState::Unlocked(_))
    }

    /// Drops the data key from memory (zeroized). Waits for operations in flight.
    pub fn lock(&self) {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if matches!(*state, KeyState::Unlocked(_)) {
            *state = KeyState::Locked;
        }
    }

    fn read_state(&self) -> RwLockReadGuard<'_, KeyState> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in one write transaction on the writer connection; commits if it succeeds.
    /// Caller holds the state guard.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let mut writer = lock(&self.writer);
        let conn = writer.as_mut().ok_or(VaultError::Wiped)?;
        // IMMEDIATE takes the write lock up front, so the transaction never has to upgrade
        // a read lock (the classic source of SQLITE_BUSY that busy_timeout cannot resolve).
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one read transaction (one consistent snapshot) on a pooled reader.
    fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let conn = match lock(&self.readers).pop() {
            Some(conn) => conn,
            None => schema::open_reader(&self.db)?,
        };
        let result = (|| {
            let tx = conn.unchecked_transaction()?;
            let value = f(&tx)?;
            tx.finish()?;
            Ok(value)
        })();
        let mut readers = lock(&self.readers);
        if readers.len() < MAX_IDLE_READERS {
            readers.push(conn);
        }
        result
    }

    // ----- unlocking -----

    /// Failed unlock attempts since the last success.
    pub fn failed_unlocks(&self) -> Result<u32, VaultError> {
        let state = self.read_state();
        if matches!(*state, KeyState::Wiped) {
            return Err(VaultError::Wiped);
        }
        self.read(|tx| {
            Ok(tx.query_row("SELECT failed_attempts FROM unlock_guard WHERE id = 1", [], |r| {
                r.get(0)
            })?)
        })
    }

    /// The key-derivation spec stored beside the wrapped key (plain: salt and cost), to derive
    /// the wrap key from a password offline. Works while locked.
    pub fn kdf_spec(&self) -> Result<KdfSpec, VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.read(|tx| Ok(read_keyring(tx)?.spec))
    }

    /// This vault's opaque random id (plain), under which the hub holds its recovery key.
    pub fn vault_id(&self) -> Result<String, VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.read(|tx| {
            let id: Option<String> =
                tx.query_row("SELECT vault_id FROM keyring WHERE id = 1", [], |r| r.get(0))?;
            id.ok_or_else(|| bad_plain("keyring", "1"))
        })
    }

    /// Unwraps the data key with `password`, deriving the key with the stored spec on this
    /// thread (slow: call it from a blocking task). The attempt is counted durably (fsync)
    /// before the slow key derivation starts, so killing the process mid-attempt still counts
    /// it; a success resets the count. Once the count has reached the limit, nothing is tried
    /// and nothing is wiped: [`VaultError::OnlineSignInRequired`] until [`Vault::recover`]
    /// (after an online sign-in) resets it. If the vault is already unlocked this returns `Ok`
    /// at once without checking `password` (callers show the unlock screen only when locked).
    pub fn unlock(&self, password: &Password) -> Result<(), VaultError> {
        self.unlock_counted(|wrapped| {
            let master =
                kyc_keys::derive(password, &wrapped.spec).map_err(|_| VaultError::KdfParams)?;
            Ok(crypto::kek_for(&master, wrapped.scheme))
        })
    }

    /// Like [`Vault::unlock`] with a wrap key already derived with [`Vault::kdf_spec`] (a
    /// sign-in derived it once for the hub and the vault). Counted like a password.
    pub fn unlock_with_key(&self, master: &MasterKey) -> Result<(), VaultError> {
        self.unlock_counted(|wrapped| Ok(crypto::kek_for(master, wrapped.scheme)))
    }

    fn unlock_counted(
        &self,
        kek: impl FnOnce(&crypto::WrappedKey) -> Result<WrapKey, VaultError>,
    ) -> Result<(), VaultError> {
        let (wrapped, failed_before, max) = {
            let state = self.read_state();
            match *state {
                KeyState::Wiped => return Err(VaultError::Wiped),
                KeyState::Unlocked(_) => return Ok(()),
                KeyState::Locked => {}
            }
            self.write(|tx| {
                let (failed, max): (u32, u32) = tx.query_row(
                    "SELECT failed_attempts, max_attempts FROM unlock_guard WHERE id = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                if failed >= max {
                    // Nothing is counted or tried (the transaction rolls back).
                    return Err(VaultError::OnlineSignInRequired);
                }
                tx.execute(
                    "UPDATE unlock_guard SET failed_attempts = failed_attempts + 1 WHERE id = 1",
                    [],
                )?;
                Ok((read_keyring(tx)?, failed, max))
            })?
        };
        // The slow part runs without holding any lock: other threads keep reading plain
        // columns, and lock() or wipe() are not delayed by it.
        let kek = kek(&wrapped)?;
        match crypto::unwrap(&wrapped, &kek) {
            Some(key) => self.install_key(key, |tx| {
                tx.execute("UPDATE unlock_guard SET failed_attempts = 0 WHERE id = 1", [])?;
                Ok(())
            }),
            None => {
                let failed = failed_before + 1;
                if failed >= max {
                    Err(VaultError::OnlineSignInRequired)
                } else {
                    Err(VaultError::WrongPassword { attempts_left: max - failed })
                }
            }
        }
    }

    /// Puts `key` in memory and runs `persist` in a write transaction (unless wiped meanwhile).
    fn install_key(
        &self,
        key: DataKey,
        persist: impl FnOnce(&Transaction<'_>) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        {
            let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
            if matches!(*state, KeyState::Wiped) {
                return Err(VaultError::Wiped);
            }
            *state = KeyState::Unlocked(Box::new(key));
        }
        let state = self.read_state();
        if matches!(*state, KeyState::Wiped) {
            return Err(VaultError::Wiped);
        }
        self.write(persist)
    }

    /// Opens the vault with its recovery key (released by the hub to the signed-in account
    /// after it accepted the password) and re-keys it: the data key is wrapped again under
    /// `wrap_key` (derived with `spec`, the account's current one) and under a fresh recovery
    /// key `next_recovery` (deposit it with the hub next), and the failed-unlock count is
    /// reset. Works locked or unlocked, also after the failed-unlock limit. Nothing else in the
    /// vault changes: decisions not yet pushed stay.
    pub fn recover(
        &self,
        recovery: &RecoveryKey,
        spec: &KdfSpec,
        wrap_key: &WrapKey,
        next_recovery: &RecoveryKey,
    ) -> Result<(), VaultError> {
        let sealed = {
            let state = self.read_state();
            not_wiped(&state)?;
            self.read(|tx| {
                let sealed: Option<Vec<u8>> = tx.query_row(
                    "SELECT recovery_wrapped_key FROM keyring WHERE id = 1",
                    [],
                    |r| r.get(0),
                )?;
                Ok(sealed)
            })?
        };
        let key = sealed
            .and_then(|sealed| crypto::unwrap_recovery(&sealed, recovery))
            .ok_or(VaultError::RecoveryKeyRejected)?;
        let raw = Zeroizing::new(*key.raw());
        let wrapped = crypto::wrap(&raw, wrap_key, *spec);
        let recovery_wrapped = crypto::wrap_recovery(&raw, next_recovery);
        let recovery_sealed = key.seal(&crypto::recovery_key_ad(), next_recovery.as_bytes());
        self.install_key(key, |tx| {
            reserve_messages(tx, 1)?;
            write_keyring(tx, spec, &wrapped, Some((&recovery_wrapped[..], &recovery_sealed[..])))?;
            tx.execute("UPDATE unlock_guard SET failed_attempts = 0 WHERE id = 1", [])?;
            Ok(())
        })
    }

    /// Wraps the data key again under a new password's key (the reviewer changed it; the
    /// hub already accepted the new one). Needs the vault unlocked. The recovery key stays.
    pub fn rekey(&self, spec: &KdfSpec, wrap_key: &WrapKey) -> Result<(), VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        let wrapped = crypto::wrap(key.raw(), wrap_key, *spec);
        self.write(|tx| write_keyring(tx, spec, &wrapped, None))
    }

    /// The vault's recovery key, to deposit it with the hub (again: depositing is idempotent).
    /// Needs the vault unlocked. A vault made before recovery keys existed gets one now.
    pub fn recovery_key(&self) -> Result<RecoveryKey, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        let ad = crypto::recovery_key_ad();
        self.write(|tx| {
            let sealed: Option<Vec<u8>> =
                tx.query_row("SELECT recovery_key FROM keyring WHERE id = 1", [], |r| r.get(0))?;
            if let Some(sealed) = sealed {
                let opened = key
                    .open(&ad, &sealed)
                    .ok()
                    .and_then(|raw| <[u8; 32]>::try_from(raw.as_slice()).ok())
                    .ok_or_else(|| VaultError::Integrity { table: "keyring", row: "1".into() })?;
                return Ok(RecoveryKey::from_bytes(opened));
            }
            let recovery = RecoveryKey::generate();
            reserve_messages(tx, 1)?;
            tx.execute(
                "UPDATE keyring SET recovery_wrapped_key = ?1, recovery_key = ?2 WHERE id = 1",
                params![
                    crypto::wrap_recovery(key.raw(), &recovery),
                    key.seal(&ad, recovery.as_bytes())
                ],
            )?;
            Ok(recovery)
        })
    }

    /// Sets after how many failed unlocks offline unlock stops (default 10, minimum 1).
    pub fn set_max_unlock_attempts(&self, max: u32) -> Result<(), VaultError> {
        let state = self.read_state();
        if matches!(*state, KeyState::Wiped) {
            return Err(VaultError::Wiped);
        }
        self.write(|tx| {
            tx.execute("UPDATE unlock_guard SET max_attempts = ?1 WHERE id = 1", [max.max(1)])?;
            Ok(())
        })
    }

    // ----- cases and media -----

    /// Stores a case with all its media in one transaction: afterwards the case is either
    /// fully present (state `Ready`) or absent. Every media id the case's documents refer to
    /// must be supplied in at least one variant, and nothing else.
    ///
    /// Media are sealed on a helper thread while this thread writes the previous chunks, so
    /// sealing costs little beyond SQLite's own write time when a second core is free.
    pub fn put_case(
        &self,
        case: &Case,
        lease_expires_at: OffsetDateTime,
        media: Vec<MediaInput>,
    ) -> Result<(), VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        let referenced: std::collections::BTreeSet<&MediaId> = case.media_ids().collect();
        let mut seen = std::collections::BTreeSet::new();
        for input in &media {
            if !referenced.contains(&input.id) || !seen.insert((&input.id, input.variant)) {
                return Err(VaultError::UnexpectedMedia {
                    id: input.id.clone(),
                    variant: input.variant,
                });
            }
        }
        if let Some(missing) = referenced.iter().find(|id| !seen.iter().any(|(m, _)| m == *id)) {
            return Err(VaultError::MissingMedia((*missing).clone()));
        }
        let payload = Zeroizing::new(serde_json::to_vec(case).expect("a case always serializes"));
        let n_messages: u64 = 1 + media.iter().map(|m| n_chunks(m.source.len())).sum::<u64>();
        let total_bytes: u64 = media.iter().map(|m| m.source.len()).sum();
        self.write(|tx| {
            reserve_messages(tx, n_messages)?;
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)",
                [case.id.as_str()],
                |r| r.get(0),
            )?;
            if exists {
                return Err(VaultError::CaseExists(case.id.clone()));
            }
            let ad = Ad { table: "cases", column: "payload", row: case.id.as_str(), chunk: None };
            let sealed = key.seal(&ad.encode(), &payload);
            tx.execute(
                "INSERT INTO cases (id, kind, priority, state, lease_expires_at, pulled_at,
                 n_media, bytes, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    case.id.as_str(),
                    case.kind.code(),
                    priority_code(case.priority),
                    LocalState::Ready.code(),
                    unix(lease_expires_at),
                    unix(OffsetDateTime::now_utc()),
                    referenced.len() as u32,
                    total_bytes as i64,
                    sealed
                ],
            )?;
            let mut sources = Vec::with_capacity(media.len());
            for input in media {
                let len = input.source.len();
                tx.execute(
                    "INSERT INTO media (id, variant, case_id, content_type, len, n_chunks)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        input.id.as_str(),
                        input.variant.code(),
                        case.id.as_str(),
                        input.content_type.mime(),
                        len as i64,
                        n_chunks(len) as i64
                    ],
                )?;
                sources.push((input.id, input.variant, input.source));
            }
            insert_chunks_pipelined(tx, key, sources)
        })
    }

    /// Extends or shortens a case's lease (the hub renewed it).
    pub fn set_lease(
        &self,
        id: &CaseId,
        lease_expires_at: OffsetDateTime,
    ) -> Result<(), VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE cases SET lease_expires_at = ?2 WHERE id = ?1",
                params![id.as_str(), unix(lease_expires_at)],
            )?;
            if n == 0 { Err(VaultError::CaseNotFound(id.clone())) } else { Ok(()) }
        })
    }

    /// The queue: every case, most urgent first, then by lease expiry. Reads plain columns
    /// only (see the threat model in ARCHITECTURE.md: ids, kinds, states, sizes and times are not personal data),
    /// so it works while locked: the lock screen can say how many decisions wait to be pushed.
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>, VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT id, kind, priority, state, lease_expires_at, n_media, bytes FROM cases
                 ORDER BY priority = 'high' DESC, lease_expires_at, id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, u32>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, kind, priority, local, lease, n_media, bytes) = row?;
                let bad = || bad_plain("cases", &id);
                out.push(CaseSummary {
                    id: CaseId::parse(&id).map_err(|_| bad())?,
                    kind: CaseKind::ALL.into_iter().find(|k| k.code() == kind).ok_or_else(bad)?,
                    priority: priority_from_code(&priority).ok_or_else(bad)?,
                    state: LocalState::from_code(&local).ok_or_else(bad)?,
                    lease_expires_at: from_unix(lease),
                    n_media,
                    bytes: bytes as u64,
                });
            }
            Ok(out)
        })
    }

    /// The whole case payload.
    pub fn case(&self, id: &CaseId) -> Result<Case, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.read(|tx| read_case(tx, key, id))
    }

    fn media_row(
        tx: &Transaction<'_>,
        id: &MediaId,
        variant: Variant,
    ) -> Result<(MediaInfo, u64), VaultError> {
        let row: Option<(String, i64, i64)> = tx
            .prepare_cached(
                "SELECT content_type, len, n_chunks FROM media WHERE id = ?1 AND variant = ?2",
            )?
            .query_row(params![id.as_str(), variant.code()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (mime, len, n) =
            row.ok_or_else(|| VaultError::MediaNotFound { id: id.clone(), variant })?;
        let bad = || bad_plain("media", &media_row(id, variant));
        let content_type = ContentType::from_mime(&mime).ok_or_else(bad)?;
        let len = u64::try_from(len).map_err(|_| bad())?;
        if u64::try_from(n).ok() != Some(n_chunks(len)) {
            return Err(bad());
        }
        Ok((MediaInfo { len, content_type }, n_chunks(len)))
    }

    /// Length and type of a media object.
    pub fn media_info(&self, id: &MediaId, variant: Variant) -> Result<MediaInfo, VaultError> {
        let state = self.read_state();
        key_of(&state)?;
        self.read(|tx| Ok(Self::media_row(tx, id, variant)?.0))
    }

    /// A whole media object. For large videos prefer [`Vault::read_media_range`].
    pub fn read_media(&self, id: &MediaId, variant: Variant) -> Result<Vec<u8>, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.read(|tx| {
            let (info, _) = Self::media_row(tx, id, variant)?;
            read_range(tx, key, id, variant, info.len, 0..info.len)
        })
    }

    /// Bytes `range` of a media object (as for an HTTP `Range` request). Opens only the chunks
    /// the range overlaps. An empty range is valid anywhere up to the length.
    pub fn read_media_range(
        &self,
        id: &MediaId,
        variant: Variant,
        range: Range<u64>,
    ) -> Result<Vec<u8>, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.read(|tx| {
            let (info, _) = Self::media_row(tx, id, variant)?;
            if range.start > range.end || range.end > info.len {
                return Err(VaultError::RangeOutOfBounds {
                    start: range.start,
                    end: range.end,
                    len: info.len,
                });
            }
            read_range(tx, key, id, variant, info.len, range)
        })
    }

    // ----- decisions, audit, outbox -----

    /// Records a decision: checks it against the case, moves the case `Ready → Decided` and
    /// appends an outbox entry with a fresh idempotency key, in one transaction committed with
    /// `synchronous=FULL`. When this returns `Ok`, the decision survives a crash or power loss.
    pub fn record_decision(
        &self,
        decision: &kyc_model::Decision,
    ) -> Result<OutboxEntry, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.write(|tx| {
            let case = read_case(tx, key, &decision.case_id)?;
            decision.validate(&case)?;
            let local = read_state(tx, &decision.case_id)?;
            let next = local.next(LocalEvent::Decide)?;
            set_state(tx, &decision.case_id, next)?;
            append_outbox(
                tx,
                key,
                Some(&decision.case_id),
                OutboxPayload::Decision(decision.clone()),
            )
        })
    }

    /// Queues a local audit event for the hub.
    pub fn queue_audit_event(&self, event: &AuditEvent) -> Result<OutboxEntry, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.write(|tx| {
            append_outbox(tx, key, event.case_id.as_ref(), OutboxPayload::Audit(event.clone()))
        })
    }

    /// Entries still to push (pending or sent without a final answer), in push order.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, VaultError> {
        self.outbox_where("status IN ('pending', 'sent')")
    }

    /// Entries the hub answered with conflict or invalid, kept until their case is dismissed.
    pub fn settled_outbox(&self) -> Result<Vec<OutboxEntry>, VaultError> {
        self.outbox_where("status IN ('conflict', 'invalid')")
    }

    fn outbox_where(&self, filter: &str) -> Result<Vec<OutboxEntry>, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.read(|tx| {
            let sql = format!(
                "SELECT seq, key, case_id, created_at, status, payload, outcome_detail FROM outbox
                 WHERE {filter} ORDER BY seq"
            );
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                    r.get::<_, Option<Vec<u8>>>(6)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, k, case_id, created_at, status, payload, detail) = row?;
                let bad = || bad_plain("outbox", &k);
                let opened = open_cell(key, "outbox", "payload", &k, &payload)?;
                let payload: OutboxPayload = serde_json::from_slice(&opened)
                    .map_err(|_| VaultError::Decode { table: "outbox", row: k.clone() })?;
                let detail = match detail {
                    None => None,
                    Some(sealed) => {
                        let opened = open_cell(key, "outbox", "outcome_detail", &k, &sealed)?;
                        Some(String::from_utf8(opened.to_vec()).map_err(|_| bad())?)
                    }
                };
                out.push(OutboxEntry {
                    seq,
                    case_id: match case_id {
                        Some(c) => Some(CaseId::parse(&c).map_err(|_| bad())?),
                        None => None,
                    },
                    created_at: from_unix(created_at),
                    status: OutboxStatus::from_code(&status).ok_or_else(bad)?,
                    detail,
                    payload,
                    key: IdempotencyKey::from_stored(k),
                });
            }
            Ok(out)
        })
    }

    /// Notes that an entry was sent (its answer may still be lost; a retry reuses the key).
    pub fn mark_sent(&self, key: &IdempotencyKey) -> Result<(), VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?2
                 WHERE key = ?1 AND status IN ('pending', 'sent')",
                params![key.as_str(), unix(OffsetDateTime::now_utc())],
            )?;
            if n == 0 { Err(VaultError::OutboxEntryNotFound) } else { Ok(()) }
        })
    }

    /// Records the hub's final answer. `Accepted`/`Duplicate` remove the entry, and for a
    /// decision purge its case at once (payload and media deleted, freed pages zeroed).
    /// `Conflict`/`Invalid` move the case to `Conflict`/`Failed` and keep the entry, with the
    /// hub's reason sealed, until the reviewer dismisses the case.
    pub fn mark_outcome(
        &self,
        key: &IdempotencyKey,
        outcome: PushOutcome,
    ) -> Result<(), VaultError> {
        let state = self.read_state();
        let data_key = key_of(&state)?;
        self.write(|tx| {
            let row: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT kind, case_id FROM outbox WHERE key = ?1 AND status IN ('pending', 'sent')",
                    [key.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (kind, case_id) = row.ok_or(VaultError::OutboxEntryNotFound)?;
            let case_id = match case_id {
                Some(c) if kind == "decision" => {
                    Some(CaseId::parse(&c).map_err(|_| bad_plain("outbox", key.as_str()))?)
                }
                _ => None,
            };
            let (event, status, detail) = match &outcome {
                PushOutcome::Accepted | PushOutcome::Duplicate => {
                    (LocalEvent::Accepted, None, None)
                }
                PushOutcome::Conflict { reason } => {
                    (LocalEvent::Conflict, Some(OutboxStatus::Conflict), Some(reason))
                }
                PushOutcome::Invalid { rule } => {
                    (LocalEvent::Fail, Some(OutboxStatus::Invalid), Some(rule))
                }
            };
            match status {
                None => {
                    tx.execute("DELETE FROM outbox WHERE key = ?1", [key.as_str()])?;
                }
                Some(status) => {
                    reserve_messages(tx, 1)?;
                    let ad = Ad {
                        table: "outbox",
                        column: "outcome_detail",
                        row: key.as_str(),
                        chunk: None,
                    };
                    let sealed = data_key.seal(&ad.encode(), detail.map_or("", |d| d).as_bytes());
                    tx.execute(
                        "UPDATE outbox SET status = ?2, outcome_detail = ?3 WHERE key = ?1",
                        params![key.as_str(), status.code(), sealed],
                    )?;
                }
            }
            // The entry is settled first, so that purging the case does not see it pending.
            if let Some(case_id) = &case_id
                && let Some(local) = read_state_opt(tx, case_id)?
            {
                let next = local.next(event)?;
                set_state(tx, case_id, next)?;
                if next.is_terminal() {
                    delete_case_rows(tx, case_id)?;
                }
            }
            Ok(())
        })
    }

    /// The reviewer acknowledges a conflict or failure, or releases an undecided case: the
    /// case goes to `Dismissed` and is purged with its settled outbox entries.
    pub fn dismiss_case(&self, id: &CaseId) -> Result<(), VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.write(|tx| {
            let local = read_state(tx, id)?;
            local.next(LocalEvent::Dismiss)?;
            delete_case_rows(tx, id)
        })
    }

    /// Deletes a case's payload and media now (freed pages are zeroed by `secure_delete`).
    /// Refused while the case has a decision not yet settled with the hub.
    pub fn purge_case(&self, id: &CaseId) -> Result<(), VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.write(|tx| {
            read_state(tx, id)?;
            delete_case_rows(tx, id)
        })
    }

    // ----- sync records -----

    /// Stores a small record of the sync engine (e.g. the last contact with the hub) under a
    /// fixed name, sealed like every other cell, replacing an earlier one.
    pub fn put_sync_record(&self, name: &'static str, value: &[u8]) -> Result<(), VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.write(|tx| {
            reserve_messages(tx, 1)?;
            let ad = Ad { table: "sync_record", column: "sealed", row: name, chunk: None };
            let sealed = key.seal(&ad.encode(), value);
            tx.execute(
                "INSERT INTO sync_record (name, sealed) VALUES (?1, ?2)
                 ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed",
                params![name, sealed],
            )?;
            Ok(())
        })
    }

    /// The record stored under `name`, if any (needs the key: records are sealed).
    pub fn sync_record(
        &self,
        name: &'static str,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        let state = self.read_state();
        let key = key_of(&state)?;
        self.read(|tx| {
            let sealed: Option<Vec<u8>> = tx
                .query_row("SELECT sealed FROM sync_record WHERE name = ?1", [name], |r| r.get(0))
                .optional()?;
            sealed.map(|s| open_cell(key, "sync_record", "sealed", name, &s)).transpose()
        })
    }

    /// Deletes the case data — every payload (the applicant's fields) and every media object
    /// — in one transaction, keeping the reviewer's work: decisions and audit events not yet
    /// pushed stay in the outbox, and the case rows of those decisions stay with their plain
    /// columns so the queue still shows them waiting to push. Such a case no longer opens
    /// ([`VaultError::CaseNotFound`]). Used when the vault has been away from its hub longer
    /// than the policy allows.
    pub fn wipe_case_data(&self) -> Result<CaseDataWipe, VaultError> {
        let state = self.read_state();
        not_wiped(&state)?;
        self.write(|tx| {
            let ids: Vec<(String, bool)> = {
                let mut stmt = tx.prepare(
                    "SELECT id, EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = cases.id
                         AND o.kind = 'decision' AND o.status IN ('pending', 'sent'))
                     FROM cases",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut report = CaseDataWipe::default();
            for (id, pending) in ids {
                let id = CaseId::parse(&id).map_err(|_| bad_plain("cases", &id))?;
                if pending {
                    delete_media_rows(tx, &id)?;
                    tx.execute("UPDATE cases SET payload = X'' WHERE id = ?1", [id.as_str()])?;
                    report.decisions_kept += 1;
                } else {
                    delete_case_rows(tx, &id)?;
                    report.cases_removed += 1;
                }
            }
            Ok(report)
        })
    }

    // ----- wiping -----

    /// Wipes the vault: destroys the wrapped data key first (overwritten in place, checkpointed
    /// and fsynced: crypto-shredding, so remnants elsewhere on disk stay unreadable), closes
    /// every connection, then deletes the database, its `-wal`, `-shm` and `-journal` files
    /// and the lock file, and removes the directory if nothing else is in it. Other handles to
    /// this vault get [`VaultError::Wiped`] from then on. Calling it again does nothing.
    pub fn wipe(&self) -> Result<WipeReport, VaultError> {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        // From here on every operation sees Wiped; the data key is dropped (zeroized) now.
        *state = KeyState::Wiped;
        let Some(lock_file) = lock(&self.lock_file).take() else {
            return Ok(WipeReport::default());
        };
        if let Some(conn) = lock(&self.writer).take() {
            // Best effort: if the file is damaged the files are deleted all the same.
            let _ = shred_key(&conn);
            let _ = conn.close();
        }
        for conn in lock(&self.readers).drain(..) {
            let _ = conn.close();
        }
        remove_vault_files(&self.dir, lock_file)
    }

    /// Wipes the vault in `dir` without unlocking or opening it normally (forgotten password,
    /// damaged file, remote revoke at start-up). [`VaultError::InUse`] if another process has
    /// it open. A directory without a vault gives an empty report.
    pub fn wipe_dir(dir: &Path) -> Result<WipeReport, VaultError> {
        if !dir.exists() {
            return Ok(WipeReport::default());
        }
        let lock_file = acquire_lock_file(dir)?;
        if Vault::exists(dir)
            && let Ok(conn) = schema::open_writer(&dir.join(DB_FILE))
        {
            let _ = shred_key(&conn);
            let _ = conn.close();
        }
        remove_vault_files(dir, lock_file)
    }
}

fn key_of<'a>(state: &'a RwLockReadGuard<'_, KeyState>) -> Result<&'a DataKey, VaultError> {
    match &**state {
        KeyState::Unlocked(key) => Ok(key),
        KeyState::Locked => Err(VaultError::Locked),
        KeyState::Wiped => Err(VaultError::Wiped),
    }
}

fn not_wiped(state: &RwLockReadGuard<'_, KeyState>) -> Result<(), VaultError> {
    match **state {
        KeyState::Wiped => Err(VaultError::Wiped),
        _ => Ok(()),
    }
}

fn new_vault_id() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_keyring(tx: &Transaction<'_>) -> Result<crypto::WrappedKey, VaultError> {
    let row = tx
        .query_row(
            "SELECT kdf_memory_kib, kdf_iterations, kdf_parallelism, salt, wrapped_key, key_scheme
             FROM keyring WHERE id = 1",
            [],
            |r| {
                let params = KdfParams {
                    memory_kib: r.get(0)?,
                    iterations: r.get(1)?,
                    parallelism: r.get(2)?,
                };
                Ok((params, r.get::<_, Vec<u8>>(3)?, r.get::<_, Vec<u8>>(4)?, r.get::<_, u32>(5)?))
            },
        )
        .optional()?;
    let Some((params, salt, sealed, scheme)) = row else {
        return Err(bad_plain("keyring", "1"));
    };
    let salt: [u8; 32] = salt.try_into().map_err(|_| bad_plain("keyring", "1"))?;
    if !matches!(scheme, 1 | crypto::KEY_SCHEME) {
        return Err(bad_plain("keyring", "1"));
    }
    Ok(crypto::WrappedKey { spec: KdfSpec::with_salt(params, Salt(salt)), scheme, sealed })
}

/// Replaces the wrapped key (and, when given, the recovery wraps) in the keyring row.
fn write_keyring(
    tx: &Transaction<'_>,
    spec: &KdfSpec,
    wrapped: &crypto::WrappedKey,
    recovery: Option<(&[u8], &[u8])>,
) -> Result<(), VaultError> {
    tx.execute(
        "UPDATE keyring SET kdf_memory_kib = ?1, kdf_iterations = ?2, kdf_parallelism = ?3,
         salt = ?4, wrapped_key = ?5, key_scheme = ?6 WHERE id = 1",
        params![
            spec.memory_kib,
            spec.iterations,
            spec.parallelism,
            &spec.salt.0[..],
            wrapped.sealed,
            wrapped.scheme
        ],
    )?;
    if let Some((recovery_wrapped, recovery_sealed)) = recovery {
        tx.execute(
            "UPDATE keyring SET recovery_wrapped_key = ?1, recovery_key = ?2 WHERE id = 1",
            params![recovery_wrapped, recovery_sealed],
        )?;
    }
    Ok(())
}

/// Counts `n` messages against the data key's limit, in the transaction that persists them.
/// Ciphertexts of a rolled-back transaction are never stored, so only persisted messages need
/// counting for the nonce-collision bound.
fn reserve_messages(tx: &Transaction<'_>, n: u64) -> Result<(), VaultError> {
    let changed = tx.execute(
        "UPDATE key_usage SET messages_sealed = messages_sealed + ?1
         WHERE id = 1 AND messages_sealed + ?1 <= ?2",
        params![n as i64, MAX_MESSAGES_PER_KEY as i64],
    )?;
    if changed == 0 { Err(VaultError::KeyExhausted) } else { Ok(()) }
}

fn open_cell(
    key: &DataKey,
    table: &'static str,
    column: &'static str,
    row: &str,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let ad = Ad { table, column, row, chunk: None };
    key.open(&ad.encode(), sealed).map_err(|_| VaultError::Integrity { table, row: row.to_owned() })
}

fn read_case(tx: &Transaction<'_>, key: &DataKey, id: &CaseId) -> Result<Case, VaultError> {
    let sealed: Option<Vec<u8>> = tx
        .prepare_cached("SELECT payload FROM cases WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    // An empty payload: the case data was wiped, its pending decision kept (`wipe_case_data`).
    let sealed =
        sealed.filter(|s| !s.is_empty()).ok_or_else(|| VaultError::CaseNotFound(id.clone()))?;
    let opened = open_cell(key, "cases", "payload", id.as_str(), &sealed)?;
    let case: Case = serde_json::from_slice(&opened)
        .map_err(|_| VaultError::Decode { table: "cases", row: id.to_string() })?;
    if case.id != *id {
        return Err(VaultError::Integrity { table: "cases", row: id.to_string() });
    }
    Ok(case)
}

fn read_state_opt(tx: &Transaction<'_>, id: &CaseId) -> Result<Option<LocalState>, VaultError> {
    let code: Option<String> = tx
        .query_row("SELECT state FROM cases WHERE id = ?1", [id.as_str()], |r| r.get(0))
        .optional()?;
    match code {
        None => Ok(None),
        Some(code) => {
            LocalState::from_code(&code).map(Some).ok_or_else(|| bad_plain("cases", id.as_str()))
        }
    }
}

fn read_state(tx: &Transaction<'_>, id: &CaseId) -> Result<LocalState, VaultError> {
    read_state_opt(tx, id)?.ok_or_else(|| VaultError::CaseNotFound(id.clone()))
}

fn set_state(tx: &Transaction<'_>, id: &CaseId, state: LocalState) -> Result<(), VaultError> {
    tx.execute("UPDATE cases SET state = ?2 WHERE id = ?1", params![id.as_str(), state.code()])?;
    Ok(())
}

fn append_outbox(
    tx: &Transaction<'_>,
    key: &DataKey,
    case_id: Option<&CaseId>,
    payload: OutboxPayload,
) -> Result<OutboxEntry, VaultError> {
    reserve_messages(tx, 1)?;
    let idem = IdempotencyKey::random();
    let now = OffsetDateTime::now_utc();
    let plain = Zeroizing::new(serde_json::to_vec(&payload).expect("outbox payloads serialize"));
    let ad = Ad { table: "outbox", column: "payload", row: idem.as_str(), chunk: None };
    let sealed = key.seal(&ad.encode(), &plain);
    tx.execute(
        "INSERT INTO outbox (key, kind, case_id, created_at, status, payload)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
        params![idem.as_str(), payload.kind(), case_id.map(|c| c.as_str()), unix(now), sealed],
    )?;
    Ok(OutboxEntry {
        seq: tx.last_insert_rowid(),
        key: idem,
        case_id: case_id.cloned(),
        created_at: from_unix(unix(now)),
        status: OutboxStatus::Pending,
        detail: None,
        payload,
    })
}

/// Deletes a case row, its media and chunks, and its settled decision entries. Refuses when a
/// decision entry is still unsettled.
fn delete_case_rows(tx: &Transaction<'_>, id: &CaseId) -> Result<(), VaultError> {
    let pending: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE case_id = ?1 AND kind = 'decision'
                        AND status IN ('pending', 'sent'))",
        [id.as_str()],
        |r| r.get(0),
    )?;
    if pending {
        return Err(VaultError::DecisionPending(id.clone()));
    }
    delete_media_rows(tx, id)?;
    tx.execute("DELETE FROM outbox WHERE case_id = ?1 AND kind = 'decision'", [id.as_str()])?;
    tx.execute("DELETE FROM cases WHERE id = ?1", [id.as_str()])?;
    Ok(())
}

fn delete_media_rows(tx: &Transaction<'_>, id: &CaseId) -> Result<(), VaultError> {
    tx.execute(
        "DELETE FROM media_chunks WHERE (media_id, variant) IN
             (SELECT id, variant FROM media WHERE case_id = ?1)",
        [id.as_str()],
    )?;
    tx.execute("DELETE FROM media WHERE case_id = ?1", [id.as_str()])?;
    Ok(())
}

struct SealedChunk {
    source_idx: usize,
    index: u64,
    sealed: Vec<u8>,
}

/// Seals media chunks on a helper thread and inserts them on this one, with a short bounded
/// queue between them so memory stays at a few chunks whatever the media size.
fn insert_chunks_pipelined(
    tx: &Transaction<'_>,
    key: &DataKey,
    sources: Vec<(MediaId, Variant, MediaSource)>,
) -> Result<(), VaultError> {
    let rows: Vec<(String, &'static str, String)> = sources
        .iter()
        .map(|(id, variant, _)| (id.as_str().to_owned(), variant.code(), media_row(id, *variant)))
        .collect();
    let meta: Vec<(MediaId, String, u64)> = sources
        .iter()
        .map(|(id, variant, source)| (id.clone(), media_row(id, *variant), source.len()))
        .collect();
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Result<SealedChunk, VaultError>>(8);
        let meta = &meta;
        scope.spawn(move || {
            for (source_idx, (_, _, source)) in sources.into_iter().enumerate() {
                let (id, row, len) = &meta[source_idx];
                let seal_chunk = |index: u64, plaintext: &[u8]| {
                    let ad = Ad {
                        table: "media_chunks",
                        column: "sealed",
                        row,
                        chunk: Some(ChunkAd {
                            index,
                            is_last: index + 1 == n_chunks(*len),
                            total_len: *len,
                        }),
                    };
                    let sealed = key.seal(&ad.encode(), plaintext);
                    sender.send(Ok(SealedChunk { source_idx, index, sealed })).is_ok()
                };
                match source {
                    MediaSource::Bytes(bytes) => {
                        let mut start = 0usize;
                        for index in 0..n_chunks(*len) {
                            let end = start + chunk_len(*len, index) as usize;
                            if !seal_chunk(index, &bytes[start..end]) {
                                return;
                            }
                            start = end;
                        }
                    }
                    MediaSource::Reader { mut reader, .. } => {
                        let mut buf = Zeroizing::new(vec![0u8; CHUNK_LEN as usize]);
                        for index in 0..n_chunks(*len) {
                            let n = chunk_len(*len, index) as usize;
                            if reader.read_exact(&mut buf[..n]).is_err() {
                                let _ = sender.send(Err(VaultError::MediaLength(id.clone())));
                                return;
                            }
                            if !seal_chunk(index, &buf[..n]) {
                                return;
                            }
                        }
                        let mut extra = [0u8; 1];
                        if !matches!(reader.read(&mut extra), Ok(0)) {
                            let _ = sender.send(Err(VaultError::MediaLength(id.clone())));
                            return;
                        }
                    }
                }
            }
        });
        let mut stmt = tx.prepare_cached(
            "INSERT INTO media_chunks (media_id, variant, idx, sealed) VALUES (?1, ?2, ?3, ?4)",
        )?;
        // Returning early drops the receiver, which stops the sealer at its next send.
        for item in receiver {
            let chunk = item?;
            let (id, variant, _) = &rows[chunk.source_idx];
            stmt.execute(params![id, variant, chunk.index as i64, chunk.sealed])?;
        }
        Ok(())
    })
}

fn read_range(
    tx: &Transaction<'_>,
    key: &DataKey,
    id: &MediaId,
    variant: Variant,
    len: u64,
    range: Range<u64>,
) -> Result<Vec<u8>, VaultError> {
    if range.start == range.end {
        return Ok(Vec::new());
    }
    let row = media_row(id, variant);
    let n = n_chunks(len);
    let first = range.start / CHUNK_LEN;
    let last = (range.end - 1) / CHUNK_LEN;
    let mut out = vec![0u8; (range.end - range.start) as usize];
    let mut stmt = tx.prepare_cached(
        "SELECT idx, sealed FROM media_chunks WHERE media_id = ?1 AND variant = ?2
         AND idx BETWEEN ?3 AND ?4 ORDER BY idx",
    )?;
    let mut rows = stmt.query(params![id.as_str(), variant.code(), first as i64, last as i64])?;
    let integrity =
        |index: u64| VaultError::Integrity { table: "media_chunks", row: format!("{row}#{index}") };
    // A chunk only partly inside the range is opened into this scratch buffer first.
    let mut scratch = Zeroizing::new(Vec::new());
    let mut expected = first;
    while let Some(r) = rows.next()? {
        let index: i64 = r.get(0)?;
        if index as u64 != expected {
            // A chunk is missing (dropped row): the sequence has a gap.
            return Err(integrity(expected));
        }
        let index = expected;
        let sealed = r.get_ref(1)?.as_blob().map_err(|_| integrity(index))?;
        let ad = Ad {
            table: "media_chunks",
            column: "sealed",
            row: &row,
            chunk: Some(ChunkAd { index, is_last: index + 1 == n, total_len: len }),
        }
        .encode();
        let chunk_start = index * CHUNK_LEN;
        let plain_len = chunk_len(len, index);
        let want_start = range.start.max(chunk_start);
        let want_end = range.end.min(chunk_start + plain_len);
        let out_slice =
            &mut out[(want_start - range.start) as usize..(want_end - range.start) as usize];
        if want_start == chunk_start && want_end == chunk_start + plain_len {
            // Whole chunk wanted: decrypt straight from SQLite's buffer into the output.
            key.open_into(&ad, sealed, out_slice).map_err(|_| integrity(index))?;
        } else {
            scratch.resize(plain_len as usize, 0);
            key.open_into(&ad, sealed, &mut scratch).map_err(|_| integrity(index))?;
            out_slice.copy_from_slice(
                &scratch[(want_start - chunk_start) as usize..(want_end - chunk_start) as usize],
            );
        }
        expected += 1;
    }
    if expected != last + 1 {
        // Chunks missing at the end (truncation).
        return Err(integrity(expected));
    }
    Ok(out)
}

/// Crypto-shredding: overwrites the wrapped key and salt with zeros in place, then
/// checkpoints the WAL into the database file and truncates it, so the file holds no copy of
/// the wrapped key, and syncs. Must run with no other connection in a transaction.
fn shred_key(conn: &Connection) -> Result<(), VaultError> {
    conn.execute(
        "UPDATE keyring SET salt = zeroblob(length(salt)), wrapped_key = zeroblob(length(wrapped_key))",
        [],
    )?;
    // Absent in a file of schema 1 (wipe_dir does not migrate): best effort.
    let _ = conn.execute(
        "UPDATE keyring SET recovery_wrapped_key = zeroblob(coalesce(length(recovery_wrapped_key), 0)),
         recovery_key = zeroblob(coalesce(length(recovery_key), 0))",
        [],
    );
    conn.execute("DELETE FROM keyring", [])?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Deletes every file the vault creates, then the directory if empty, and syncs the parent so
/// the deletions are durable. Consumes the lock file handle: the OS lock is released last.
fn remove_vault_files(dir: &Path, lock_file: File) -> Result<WipeReport, VaultError> {
    let mut report = WipeReport::default();
    let mut names: Vec<String> = vec![DB_FILE.to_owned()];
    names.extend(DB_COMPANIONS.iter().map(|suffix| format!("{DB_FILE}{suffix}")));
    // SQLite's super-journals (`vault.db-mj…`) if a multi-database transaction ever left one.
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("{DB_FILE}-")) && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    for name in &names {
        match fs::remove_file(dir.join(name)) {
            Ok(()) => report.files_removed.push(name.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Unix may unlink a locked file (so the lock is held until the very end); Windows may not.
    #[cfg(windows)]
    drop(lock_file);
    match fs::remove_file(dir.join(LOCK_FILE)) {
        Ok(()) => report.files_removed.push(LOCK_FILE.to_owned()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    #[cfg(not(windows))]
    drop(lock_file);
    report.foreign_files = match fs::read_dir(dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    };
    if report.foreign_files.is_empty() && fs::remove_dir(dir).is_ok() {
        report.dir_removed = true;
    }
    #[cfg(unix)]
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        let target = if report.dir_removed { parent } else { dir };
        if let Ok(d) = File::open(target) {
            let _ = d.sync_all();
        }
    }
    Ok(report)
}
