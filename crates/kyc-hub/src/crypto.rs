//! The hub key, media sealing, digests and session tokens. Password credentials are in
//! [`crate::auth::Credential`].

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
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
    pub fn load_or_create(dir: &Path) -> Result<Self, CryptoError> {
        let path = dir.join(KEY_FILE);
        let mut key = Zeroizing::new([0u8; 32]);
        match OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
            Ok(mut file) => {
                rand::rng().fill_bytes(&mut key[..]);
                file.write_all(&key[..]).map_err(CryptoError::KeyFile)?;
                file.sync_all().map_err(CryptoError::KeyFile)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let mut bytes = Zeroizing::new(Vec::new());
                fs::File::open(&path)
                    .and_then(|mut f| f.read_to_end(&mut bytes))
                    .map_err(CryptoError::KeyFile)?;
                if bytes.len() != 32 {
                    return Err(CryptoError::KeyLength);
                }
                key.copy_from_slice(&bytes);
            }
            Err(e) => return Err(CryptoError::KeyFile(e)),
        }
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

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
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
        let mode = fs::metadata(dir.path().join(KEY_FILE)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.permissions().mode() & 0o777, 0o600);
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
