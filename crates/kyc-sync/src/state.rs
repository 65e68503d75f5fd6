//! The small sync state file kept beside the vault directory: `kyc-sync-state.json`.
//!
//! It holds what must survive a crash or a wipe of the vault and is not personal data:
//! - the pull journal: opaque ids of cases leased by a pull that has not yet stored them, so a
//!   pull cut by a crash or a network failure gives them back (releases the leases) on the
//!   next run instead of leaving them blocked on the hub until their leases expire;
//! - the discard notice: after [`crate::Workstation::logout_discarding`] wiped the vault with
//!   decisions unpushed, the account id and the opaque ids of the cases whose decisions were
//!   discarded, so that a later login of the same account tells the hub's audit chain.
//!
//! - the account signed in last (its opaque id), for a discard made offline after a restart.
//!
//! Only opaque random ids (account, cases), counts and a time: the privacy scans find no
//! marker in it. It is written atomically (a temporary file under a unique name, fsync,
//! rename, fsync of the directory), so a crash leaves the old or the new version and two
//! writers never share a temporary file. Every read-modify-write ([`StateFile::update`]) holds
//! an exclusive lock on `kyc-sync-state.lock` (other processes) and a mutex (other threads of
//! this one), so no update is lost. A file that does not parse is
//! [`SyncError::StateDamaged`], never silently empty: it holds discard notices the hub's audit
//! trail must still receive.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use kyc_model::{CaseId, UserId};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::SyncError;

/// File name of the state file inside the workstation's data directory.
pub const STATE_FILE: &str = "kyc-sync-state.json";
/// File name of the empty file whose OS lock guards read-modify-writes of the state file.
pub const STATE_LOCK_FILE: &str = "kyc-sync-state.lock";

/// Serializes updates within this process (the OS lock serializes processes; taking it twice
/// from one process through two handles would also wait, but a mutex is cheaper and covers
/// platforms whose file locks are per process).
static IN_PROCESS: Mutex<()> = Mutex::new(());

/// Decisions discarded at a logout, waiting to be reported to the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscardNotice {
    /// The account that discarded them (the hub accepts the report only from it).
    pub user: UserId,
    /// Cases whose unpushed decisions were discarded.
    pub cases: Vec<CaseId>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Contents of the state file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The account signed in last on this workstation, so that an offline discard after a
    /// restart of the app (no session possible) can still be attributed.
    #[serde(default)]
    pub account: Option<UserId>,
    /// Cases leased by a pull and not yet stored in the vault.
    #[serde(default)]
    pub pulling: Vec<CaseId>,
    /// Discards not yet reported.
    #[serde(default)]
    pub discards: Vec<DiscardNotice>,
}

/// The state file of one data directory.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The state file in `dir` (the directory is created on first write).
    pub fn new(dir: &Path) -> StateFile {
        StateFile { path: dir.join(STATE_FILE) }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads it; a missing file is the empty state. A file that does not parse is
    /// [`SyncError::StateDamaged`] and is left as it is for the user to report (its discard
    /// notices are owed to the hub's audit trail); nothing overwrites it until it is repaired
    /// or removed.
    pub fn load(&self) -> Result<SyncState, SyncError> {
        match fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| SyncError::StateDamaged),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SyncState::default()),
            Err(e) => Err(SyncError::StateFile(e)),
        }
    }

    /// Replaces it atomically and durably; an empty state deletes the file.
    pub fn store(&self, state: &SyncState) -> Result<(), SyncError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        if state == &SyncState::default() {
            return match fs::remove_file(&self.path) {
                Ok(()) => sync_dir(dir),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(SyncError::StateFile(e)),
            };
        }
        fs::create_dir_all(dir).map_err(SyncError::StateFile)?;
        let tmp = self.unique_temporary();
        let bytes = serde_json::to_vec(state).expect("the state always serializes");
        let written = (|| {
            let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &self.path)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(SyncError::StateFile(e));
        }
        sync_dir(dir)
    }

    /// Moves a damaged state file aside to `kyc-sync-state.damaged.json` (replacing an older
    /// one) so work can go on with an empty state, once the app has reported the damage; the
    /// moved file keeps whatever it held for support. Returns the new path.
    pub fn set_aside_damaged(&self) -> Result<PathBuf, SyncError> {
        let _guard = IN_PROCESS.lock().unwrap_or_else(PoisonError::into_inner);
        let _lock = self.lock_exclusive()?;
        let aside = self.path.with_extension("damaged.json");
        fs::rename(&self.path, &aside).map_err(SyncError::StateFile)?;
        sync_dir(self.path.parent().unwrap_or(Path::new(".")))?;
        Ok(aside)
    }

    /// `kyc-sync-state.json.<random>.tmp` beside the file: never shared by two writers.
    fn unique_temporary(&self) -> PathBuf {
        let mut tag = [0u8; 8];
        rand::rng().fill_bytes(&mut tag);
        let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        self.path.with_extension(format!("json.{tag}.tmp"))
    }

    /// Loads, changes and stores, holding the state lock throughout so that concurrent updates
    /// (threads or processes) apply one after the other and none is lost.
    pub fn update(&self, change: impl FnOnce(&mut SyncState)) -> Result<SyncState, SyncError> {
        let _guard = IN_PROCESS.lock().unwrap_or_else(PoisonError::into_inner);
        let _lock = self.lock_exclusive()?;
        let mut state = self.load()?;
        change(&mut state);
        self.store(&state)?;
        if state == SyncState::default() {
            remove_lock_file(&self.lock_path());
        }
        Ok(state)
    }

    fn lock_path(&self) -> PathBuf {
        self.path.parent().unwrap_or(Path::new(".")).join(STATE_LOCK_FILE)
    }

    /// Takes the OS lock on the lock file (released when the handle drops). The lock file is
    /// removed with an emptied state (a logout leaves no file), so after locking, the handle
    /// must still be the file at the path; a handle to a removed file is retried.
    fn lock_exclusive(&self) -> Result<File, SyncError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(SyncError::StateFile)?;
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(self.lock_path())
                .map_err(SyncError::StateFile)?;
            file.lock().map_err(SyncError::StateFile)?;
            if lock_is_current(&file, &self.lock_path()) {
                return Ok(file);
            }
        }
    }
}

/// Whether a locked handle is still the lock file at `path` (not one removed meanwhile).
#[cfg(unix)]
fn lock_is_current(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(held), Ok(now)) => held.dev() == now.dev() && held.ino() == now.ino(),
        _ => false,
    }
}

/// Other platforms never remove the lock file (see [`remove_lock_file`]), so a handle is
/// always current. Never compiled on these machines (Linux only).
#[cfg(not(unix))]
fn lock_is_current(_file: &File, _path: &Path) -> bool {
    true
}

/// Removes the lock file while its lock is held, so an emptied state leaves no file. Waiters
/// holding a handle to the removed file notice and retry ([`lock_is_current`]).
#[cfg(unix)]
fn remove_lock_file(path: &Path) {
    let _ = fs::remove_file(path);
}

/// Windows refuses to delete a file another handle holds open: the empty lock file stays.
/// Never compiled on these machines (Linux only).
#[cfg(not(unix))]
fn remove_lock_file(_path: &Path) {}

fn sync_dir(dir: &Path) -> Result<(), SyncError> {
    // The rename is durable only once the directory entry is.
    File::open(dir).and_then(|d| d.sync_all()).map_err(SyncError::StateFile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_an_empty_state_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path());
        assert_eq!(file.load().unwrap(), SyncState::default());
        let state = SyncState {
            account: Some(UserId::random()),
            pulling: vec![CaseId::random()],
            discards: vec![DiscardNotice {
                user: UserId::random(),
                cases: vec![CaseId::random()],
                at: OffsetDateTime::UNIX_EPOCH,
            }],
        };
        file.store(&state).unwrap();
        assert_eq!(file.load().unwrap(), state);
        file.update(|s| *s = SyncState::default()).unwrap();
        assert!(!file.path().exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary or lock file left");
    }

    #[test]
    fn a_damaged_file_is_a_typed_error_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path());
        fs::write(file.path(), b"{not json").unwrap();
        assert!(matches!(file.load(), Err(SyncError::StateDamaged)));
        let update = file.update(|s| s.pulling.push(CaseId::random()));
        assert!(matches!(update, Err(SyncError::StateDamaged)));
        assert_eq!(fs::read(file.path()).unwrap(), b"{not json", "left for the user to report");
        let aside = file.set_aside_damaged().unwrap();
        assert_eq!(fs::read(aside).unwrap(), b"{not json");
        assert_eq!(file.load().unwrap(), SyncState::default());
    }

    #[test]
    fn concurrent_updates_from_many_threads_and_handles_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<CaseId> = (0..64).map(|_| CaseId::random()).collect();
        std::thread::scope(|scope| {
            for chunk in ids.chunks(8) {
                // A handle per thread, as two parts of an app (or two processes) would hold.
                let file = StateFile::new(dir.path());
                scope.spawn(move || {
                    for id in chunk {
                        file.update(|s| s.pulling.push(id.clone())).unwrap();
                    }
                });
            }
        });
        let state = StateFile::new(dir.path()).load().unwrap();
        let mut got = state.pulling.clone();
        let mut want = ids.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "every update survived");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
