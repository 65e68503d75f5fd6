//! Private file creation: the one seam where the vault's files get their permissions.
//!
//! On Unix the directory is 0700 and every file 0600 from the moment it exists (the database
//! file is created here before SQLite opens it, and SQLite gives its `-wal`, `-shm` and
//! `-journal` files the database file's mode), whatever the umask. A vault made by an older
//! build is tightened when it is opened.
//!
//! On Windows files inherit the ACL of their directory: the app must place the vault under the
//! per-user profile (`%LOCALAPPDATA%`, Tauri's `app_local_data_dir`), whose ACL grants only the
//! user, SYSTEM and administrators. That branch has never been compiled on these machines
//! (Linux only).

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `dir` (and missing parents) private to the user; an existing `dir` is made private.
pub(crate) fn create_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// Opens `path` read-write, creating it private to the user if missing (never truncating).
pub(crate) fn open_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Makes the directory and the named files in it private (files that do not exist are
/// skipped): for vaults created before files were made private.
pub(crate) fn tighten(dir: &Path, names: &[String]) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        for name in names {
            match fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, names);
    Ok(())
}
