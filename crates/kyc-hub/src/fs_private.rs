//! Files and directories only the hub's own account may read: the one place that knows how
//! each platform says so. Everything the hub writes under its data directory (the database,
//! `hub.key`, sealed media) is created through these two builders.
//!
//! - Unix (Linux, macOS): directories are created mode 0700 and files mode 0600, whatever the
//!   umask.
//! - Other platforms (Windows): no mode bits exist; a new file or directory inherits the access
//!   list of the directory it is created in. The data directory must therefore lie in a place
//!   only the hub's account can read (its profile directory, e.g. under `%LOCALAPPDATA%`), and
//!   ARCHITECTURE says so. This branch has never been compiled: only the Linux target is
//!   installed where the project is built.

use std::fs::{DirBuilder, OpenOptions};

/// A `DirBuilder` whose directories only the owner may enter (0700 on Unix).
pub(crate) fn dir_builder() -> DirBuilder {
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
/// Permissions apply when the file is created; an existing file keeps its own.
pub(crate) fn open_options() -> OpenOptions {
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

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn private_dirs_and_files_are_owner_only_whatever_the_umask_allows() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("a").join("b");
        dir_builder().recursive(true).create(&dir).unwrap();
        let file = dir.join("f");
        open_options().write(true).create_new(true).open(&file).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&parent.path().join("a")), 0o700);
        assert_eq!(mode(&file), 0o600);
    }
}
