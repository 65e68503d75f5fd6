//! The hub key, media sealing, digests and session tokens. Password credentials are in
//! [`crate::auth::Credential`].

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Name of the key file inside the data directory.
pub const KEY_FILE: &str = "hub.key";

/// Format byte at the start of every sealed media file, so the format can change later.
const MEDIA_FORMAT_V1: u8 = 1;

/// Why a cryptographic operation failed. Carries no key material and no plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Reading or writing the key file failed.
    #[error("hub key file: {0}")]
    KeyFile(#[source] std::io::Error),
    /// The key file exists but is not 32 bytes.
    #[error("hub key file has the wrong length")]
    KeyLength,
    /// A sealed object failed authentication (tampered, truncated, or another key).
    #[error("sealed data failed authentication")]
    Integrity,
    /// Deriving a password's key failed (parameters out of range).
    #[error("password key derivation failed")]
    PasswordHash,
}

/// The hub's 256-bit media key, created at first start.
pub struct HubKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for HubKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HubKey(***)")
    }
}

impl HubKey {
    /// Loads `dir/hub.key`, creating it (mode 0600, 32 random bytes) if absent.
    ///
    /// Creation never exposes a partial key: the bytes go to a temporary file under a unique
    /// name, which is fsynced and then hard-linked to `hub.key` (link fails when the name
    /// exists: a no-replace rename), and the directory is fsynced. A crash leaves either no key
    /// or a whole one, never a zero-length one; of two processes starting at once, exactly one
    /// link succeeds and the other reads the winner's key. A key file of the wrong length
    /// (written by something else) is [`CryptoError::KeyLength`], never replaced.
    pub fn load_or_create(dir: &Path) -> Result<Self, CryptoError> {
        let path = dir.join(KEY_FILE);
        let key = match read_key(&path) {
            Ok(key) => key,
            Err(CryptoError::KeyFile(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                create_key(dir, &path)?
            }
            Err(e) => return Err(e),
        };
        let cipher = Aes256Gcm::new_from_slice(&key[..]).map_err(|_| CryptoError::KeyLength)?;
        Ok(Self { cipher })
    }

    /// Seals media bytes for the file `file_name`: `version || nonce || ciphertext+tag`. The
    /// file name is bound as associated data, so swapping two files fails authentication.
    pub fn seal(&self, file_name: &str, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.seal_aad(&media_aad(file_name), plaintext)
    }

    /// Opens what [`HubKey::seal`] produced for the same file name.
    pub fn open(&self, file_name: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.open_aad(&media_aad(file_name), sealed)
    }

    /// Seals a database value, bound to its column and row (a value copied to another row
    /// fails to open).
    pub fn seal_value(
        &self,
        column: &str,
        row: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.seal_aad(&value_aad(column, row), plaintext)
    }

    /// Opens what [`HubKey::seal_value`] produced for the same column and row.
    pub fn open_value(
        &self,
        column: &str,
        row: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.open_aad(&value_aad(column, row), sealed)
    }

    /// Seals with explicit associated data: `version || nonce || ciphertext+tag`.
    pub(crate) fn seal_aad(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut nonce_bytes = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce_bytes);
        let nonce = Nonce::from(nonce_bytes);
        let ciphertext = self
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad })
            .map_err(|_| CryptoError::Integrity)?;
        let mut out = Vec::with_capacity(1 + 12 + ciphertext.len());
        out.push(MEDIA_FORMAT_V1);
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Opens what [`HubKey::seal_aad`] produced with the same associated data.
    pub(crate) fn open_aad(
        &self,
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed.len() < 1 + 12 + 16 || sealed[0] != MEDIA_FORMAT_V1 {
            return Err(CryptoError::Integrity);
        }
        let mut nonce_bytes = [0u8; 12];
        nonce_bytes.copy_from_slice(&sealed[1..13]);
        let nonce = Nonce::from(nonce_bytes);
        self.cipher
            .decrypt(&nonce, Payload { msg: &sealed[13..], aad })
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Integrity)
    }
}

fn read_key(path: &Path) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let mut bytes = Zeroizing::new(Vec::new());
    fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(CryptoError::KeyFile)?;
    if bytes.len() != 32 {
        return Err(CryptoError::KeyLength);
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&bytes);
    Ok(key)
}

/// Writes a fresh key durably under a temporary name and links it into place; when another
/// process won the race, reads its key instead.
fn create_key(dir: &Path, path: &Path) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(&mut key[..]);
    let tmp = dir.join(format!("{KEY_FILE}.{}.tmp", random_hex(8)));
    let linked = (|| {
        let mut file =
            kyc_platform::private_fs::open_options().write(true).create_new(true).open(&tmp)?;
        file.write_all(&key[..])?;
        file.sync_all()?;
        drop(file);
        fs::hard_link(&tmp, path)
    })();
    // The temporary name goes in every case; only `hub.key` keeps the bytes.
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            kyc_platform::private_fs::sync_dir(dir).map_err(CryptoError::KeyFile)?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_key(path),
        Err(e) => Err(CryptoError::KeyFile(e)),
    }
}

fn value_aad(column: &str, row: &str) -> Vec<u8> {
    format!("kyc-hub value v1:{column}:{row}").into_bytes()
}

fn media_aad(file_name: &str) -> Vec<u8> {
    let mut aad = b"kyc-hub media v1:".to_vec();
    aad.extend_from_slice(file_name.as_bytes());
    aad
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of bytes (the `hex` crate): how the hub spells digests and file names.
pub fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// `n` random bytes as lowercase hex: file names and other opaque handles.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A fresh session token (256 random bits, URL-safe base64) and the hash the hub stores.
pub fn new_token() -> (Zeroizing<String>, String) {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(&mut bytes[..]);
    let token = Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..]));
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token: its SHA-256. A stolen database cannot be replayed as tokens.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// A random password for generated accounts: 20 characters from an unambiguous alphabet.
pub fn random_password() -> Zeroizing<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    Zeroizing::new(
        (0..20).map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_media_opens_only_under_its_own_name_and_unaltered() {
        let dir = tempfile::tempdir().unwrap();
        let key = HubKey::load_or_create(dir.path()).unwrap();
        let sealed = key.seal("aa", b"portrait bytes").unwrap();
        assert_eq!(&key.open("aa", &sealed).unwrap()[..], b"portrait bytes");
        assert!(matches!(key.open("bb", &sealed), Err(CryptoError::Integrity)));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(matches!(key.open("aa", &tampered), Err(CryptoError::Integrity)));
        // The same key comes back after a restart, and the file is private.
        let again = HubKey::load_or_create(dir.path()).unwrap();
        assert_eq!(&again.open("aa", &sealed).unwrap()[..], b"portrait bytes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE)).unwrap();
            assert_eq!(mode.permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn concurrent_first_starts_agree_on_one_whole_key() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let barrier = std::sync::Barrier::new(4);
            let keys: Vec<HubKey> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..4)
                    .map(|_| {
                        scope.spawn(|| {
                            barrier.wait();
                            HubKey::load_or_create(dir.path()).unwrap()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            // Every process holds the same key: what one sealed, all open.
            let sealed = keys[0].seal("f", b"x").unwrap();
            for k in &keys {
                assert_eq!(&k.open("f", &sealed).unwrap()[..], b"x");
            }
            let names: Vec<String> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(names, [KEY_FILE], "no temporary key file left behind");
            assert_eq!(fs::metadata(dir.path().join(KEY_FILE)).unwrap().len(), 32);
        }
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(KEY_FILE), b"").unwrap();
        assert!(matches!(HubKey::load_or_create(dir.path()), Err(CryptoError::KeyLength)));
        assert_eq!(fs::metadata(dir.path().join(KEY_FILE)).unwrap().len(), 0);
    }

    #[test]
    fn tokens_are_distinct() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(*a, *b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), ha);
    }
}
