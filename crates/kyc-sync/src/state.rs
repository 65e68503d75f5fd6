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
//! marker in it. It is written atomically (temporary file, fsync, rename, fsync of the
//! directory), so a crash leaves the old or the new version.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use kyc_model::{CaseId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::SyncError;

/// File name of the state file inside the workstation's data directory.
pub const STATE_FILE: &str = "kyc-sync-state.json";

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

    /// Reads it; a missing file is the empty state. A damaged file is treated as empty too:
    /// losing the journal only delays the hub's release of a few leases to their expiry.
    pub fn load(&self) -> Result<SyncState, SyncError> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_default()),
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
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec(state).expect("the state always serializes");
        let mut file = File::create(&tmp).map_err(SyncError::StateFile)?;
        file.write_all(&bytes).map_err(SyncError::StateFile)?;
        file.sync_all().map_err(SyncError::StateFile)?;
        drop(file);
        fs::rename(&tmp, &self.path).map_err(SyncError::StateFile)?;
        sync_dir(dir)
    }

    /// Loads, changes and stores.
    pub fn update(&self, change: impl FnOnce(&mut SyncState)) -> Result<SyncState, SyncError> {
        let mut state = self.load()?;
        change(&mut state);
        self.store(&state)?;
        Ok(state)
    }
}

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
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
    }

    #[test]
    fn a_damaged_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path());
        fs::write(file.path(), b"{not json").unwrap();
        assert_eq!(file.load().unwrap(), SyncState::default());
    }
}
