//! The vault's directory and files are private to the user (0700 / 0600), whatever the umask,
//! from the moment they exist; a vault made before that is tightened when opened.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use kyc_vault::Vault;

use crate::support::*;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file in the vault directory is 0600 and the directory 0700.
fn assert_private(dir: &Path) {
    assert_eq!(mode(dir), 0o700, "directory");
    let mut files = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        assert_eq!(mode(&entry.path()), 0o600, "{:?}", entry.file_name());
        files += 1;
    }
    assert!(files >= 2, "the database and its lock file at least");
}

#[test]
fn vault_directory_and_files_are_private_from_creation() {
    let t = new_vault();
    // Writes make SQLite create its -wal and -shm files: they must be private too.
    let s = sample(1);
    put(&t.vault, &s);
    assert!(t.dir.join("vault.db-wal").exists());
    assert_private(&t.dir);
}

#[test]
fn opening_an_older_vault_with_open_permissions_makes_it_private() {
    let t = new_vault();
    let dir = t.dir.clone();
    drop(t.vault);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    for entry in fs::read_dir(&dir).unwrap() {
        fs::set_permissions(entry.unwrap().path(), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let vault = Vault::open(&dir).unwrap();
    vault.unlock(&password()).unwrap();
    assert_private(&dir);
}
