//! Files and directories only the user (the hub's service account, the reviewer) may read.
//!
//! - **Unix** (Linux, macOS): directories are mode 0700 and files 0600 from the moment they
//!   exist, whatever the umask. SQLite gives a database's `-wal`, `-shm` and `-journal` files
//!   the database file's mode, so creating the database file here first covers them too.
//! - **Other platforms** (Windows): there are no mode bits; a new file or directory inherits
//!   the access list of the directory it is created in. Callers must therefore place their
//!   data under the per-user profile (`%LOCALAPPDATA%`: Tauri's `app_local_data_dir`, or the
//!   hub service account's profile), whose access list grants only the user, SYSTEM and
//!   administrators. These branches have never been compiled: only the Linux target is
//!   installed where the project is built.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::path::Path;

/// A `DirBuilder` whose new directories only the owner may enter (0700 on Unix).
pub fn dir_builder() -> DirBuilder {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        let mut builder = DirBuilder::new();
        builder.mode(0o700);
        builder
    }
    #[cfg(not(unix))]
    {
        DirBuilder::new()
    }
}

/// `OpenOptions` whose newly created files only the owner may read or write (0600 on Unix).
/// The mode applies when the file is created; an existing file keeps its own.
pub fn open_options() -> OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut options = OpenOptions::new();
        options.mode(0o600);
        options
    }
    #[cfg(not(unix))]
    {
        OpenOptions::new()
    }
}

/// Creates `dir` and missing parents private to the user; an existing `dir` is made private.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    dir_builder().recursive(true).create(dir)?;
    tighten(dir, &[])
}

/// Opens `path` read-write, creating it private to the user if missing (never truncating).
pub fn open_file(path: &Path) -> io::Result<File> {
    open_options().read(true).write(true).create(true).truncate(false).open(path)
}

/// Makes `dir` and the named files in it private, skipping names that do not exist: for data
/// written before files were made private. Does nothing where there are no mode bits.
pub fn tighten(dir: &Path, names: &[String]) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::fs::{Permissions, set_permissions};
        use std::os::unix::fs::PermissionsExt;
        set_permissions(dir, Permissions::from_mode(0o700))?;
        for name in names {
            match set_permissions(dir.join(name), Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, names);
    Ok(())
}

/// Makes the entries just created, renamed or removed in `dir` durable (fsync of the
/// directory). Windows cannot open a directory as a file, and NTFS journals its metadata
/// itself: nothing to do there.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_dirs_and_files_are_owner_only_whatever_the_umask_allows() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("a").join("b");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&parent.path().join("a")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        drop(open_file(&dir.join("f")).unwrap());
        assert_eq!(mode(&dir.join("f")), 0o600);
        open_options().write(true).create_new(true).open(dir.join("g")).unwrap();
        assert_eq!(mode(&dir.join("g")), 0o600);
        sync_dir(&dir).unwrap();
    }

    #[test]
    fn existing_dirs_and_files_are_tightened_and_missing_names_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("old.db");
        fs::write(&file, b"x").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        tighten(dir.path(), &["old.db".to_owned(), "absent".to_owned()]).unwrap();
        assert_eq!(mode(dir.path()), 0o700);
        assert_eq!(mode(&file), 0o600);
        // An existing directory given to create_dir is made private too.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        create_dir(dir.path()).unwrap();
        assert_eq!(mode(dir.path()), 0o700);
        // Opening an existing file keeps its content.
        drop(open_file(&file).unwrap());
        assert_eq!(fs::read(&file).unwrap(), b"x");
    }
}
