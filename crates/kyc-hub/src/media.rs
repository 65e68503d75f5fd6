//! Media files on the hub's disk: sealed with the hub key, under random names.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::crypto::{CryptoError, HubKey, random_hex};

/// Why a media file could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Filesystem failure.
    #[error("media file io: {0}")]
    Io(#[from] std::io::Error),
    /// The file failed authentication.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The media directory and the key that seals it.
#[derive(Debug)]
pub struct MediaFiles {
    dir: PathBuf,
    key: Arc<HubKey>,
}

impl MediaFiles {
    /// Opens (creating, mode 0700) `data_dir/media`.
    pub fn open(data_dir: &Path, key: Arc<HubKey>) -> Result<Self, MediaError> {
        let dir = data_dir.join("media");
        match fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Self { dir, key })
    }

    /// Seals and writes bytes under a fresh random name (not derived from any id, so a
    /// directory listing reveals nothing), durably, and returns the name.
    pub fn write(&self, plaintext: &[u8]) -> Result<String, MediaError> {
        let name = random_hex(16);
        let sealed = self.key.seal(&name, plaintext)?;
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(self.dir.join(&name))?;
        file.write_all(&sealed)?;
        file.sync_all()?;
        Ok(name)
    }

    /// Reads and opens a file.
    pub fn read(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, MediaError> {
        let sealed = fs::read(self.dir.join(name))?;
        Ok(self.key.open(name, &sealed)?)
    }

    /// Deletes a file; a missing file is not an error (a purge may be repeated).
    pub fn delete(&self, name: &str) -> Result<(), MediaError> {
        match fs::remove_file(self.dir.join(name)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
