//! Sealing: AES-256-GCM with random 96-bit nonces and associated data binding each ciphertext
//! to where it is stored; wrapping the data key under the password-derived key (kyc-keys) and
//! under the recovery key.
//!
//! Everything cipher-specific is in this module, behind [`DataKey::seal_into`] and
//! [`DataKey::open_into`]: swapping in a faster backend (ring's AES-GCM is ≈ 2.5 × faster on
//! this machine) changes this file only, as long as it produces the same cell layout.

use std::fmt;

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce, Tag};
use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

use kyc_keys::{KdfSpec, MasterKey, RecoveryKey, WrapKey};

/// Version of the sealed-cell format, part of every ciphertext's associated data so a future
/// format can never be confused with this one.
pub(crate) const FORMAT_VERSION: u8 = 1;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;
/// Bytes a sealed cell adds to its plaintext: nonce in front, tag behind.
pub const SEAL_OVERHEAD: usize = NONCE_LEN + TAG_LEN;

/// Most messages one data key may seal. With random 96-bit nonces the chance that two of `q`
/// messages share a nonce is about q²/2⁹⁷; NIST SP 800-38D caps random-nonce GCM at 2³² messages
/// per key (collision chance ≈ 2⁻³³). A ≈ 64 KiB chunk is one message, so the cap is 256 TiB of
/// media per vault: a workstation never gets near it, and if it did the vault refuses to seal
/// ([`crate::VaultError::KeyExhausted`]) instead of weakening.
pub const MAX_MESSAGES_PER_KEY: u64 = 1 << 32;

/// A password: the workspace's one secret wrapper ([`kyc_keys::Secret`]), zeroized when dropped
/// and never printed.
pub type Password = kyc_keys::Secret;

/// Argon2id cost parameters ([`kyc_keys::KdfParams`]), stored in the vault beside the salt so a
/// vault created with other parameters still unlocks.
pub type KdfParams = kyc_keys::KdfParams;

/// Where a ciphertext lives. Its encoding is the associated data: a cell moved to another
/// table, column, row, chunk position or format version no longer authenticates.
pub(crate) struct Ad<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub row: &'a str,
    pub chunk: Option<ChunkAd>,
}

/// A media chunk's place in its object (STREAM-style): index, whether it is the last one,
/// and the object's total length. Reordering, dropping, truncating or appending chunks, or
/// editing the plain length column, all fail authentication.
pub(crate) struct ChunkAd {
    pub index: u64,
    pub is_last: bool,
    pub total_len: u64,
}

impl Ad<'_> {
    pub(crate) fn encode(&self) -> Vec<u8> {
        // Length-prefixed fields: no two distinct locations encode to the same bytes.
        let mut out = Vec::with_capacity(64 + self.row.len());
        out.extend_from_slice(b"kyc-vault");
        out.push(FORMAT_VERSION);
        for field in [self.table, self.column, self.row] {
            out.extend_from_slice(&(field.len() as u32).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        match &self.chunk {
            None => out.push(0),
            Some(c) => {
                out.push(1);
                out.extend_from_slice(&c.index.to_be_bytes());
                out.push(u8::from(c.is_last));
                out.extend_from_slice(&c.total_len.to_be_bytes());
            }
        }
        out
    }
}

/// The vault's 256-bit data key, expanded for AES. Zeroized on drop (aes-gcm's `zeroize`
/// feature), never printed.
pub(crate) struct DataKey {
    cipher: Aes256Gcm,
    /// The raw key, kept to wrap it again (password change, recovery).
    raw: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// Authentication failed. Callers turn it into [`crate::VaultError::Integrity`] naming the row.
#[derive(Debug)]
pub(crate) struct OpenFailed;

impl DataKey {
    fn from_bytes(bytes: &[u8; 32]) -> DataKey {
        let mut key = Key::<Aes256Gcm>::from(*bytes);
        let cipher = Aes256Gcm::new(&key);
        key.zeroize();
        DataKey { cipher, raw: Zeroizing::new(*bytes) }
    }

    /// The raw key bytes, to wrap them.
    pub(crate) fn raw(&self) -> &[u8; 32] {
        &self.raw
    }

    /// A fresh random key and its raw bytes (for wrapping).
    pub(crate) fn generate() -> (DataKey, Zeroizing<[u8; 32]>) {
        let mut raw = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(raw.as_mut());
        (DataKey::from_bytes(&raw), raw)
    }

    /// Appends `nonce ‖ ciphertext ‖ tag` to `out`.
    pub(crate) fn seal_into(&self, ad: &[u8], plaintext: &[u8], out: &mut Vec<u8>) {
        let mut nonce = [0u8; NONCE_LEN];
        // ThreadRng is a CSPRNG (ChaCha, reseeded from the OS): random nonces without a
        // system call per chunk.
        rand::rng().fill_bytes(&mut nonce);
        let start = out.len();
        out.extend_from_slice(&nonce);
        out.resize(start + NONCE_LEN + plaintext.len(), 0);
        let body = &mut out[start + NONCE_LEN..];
        let buf = InOutBuf::new(plaintext, body).expect("equal lengths");
        let tag = self
            .cipher
            .encrypt_inout_detached(&Nonce::<U12>::from(nonce), ad, buf)
            .expect("plaintext and associated data are far below GCM's limits");
        out.extend_from_slice(&tag);
    }

    /// Seals into a new buffer.
    pub(crate) fn seal(&self, ad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD);
        self.seal_into(ad, plaintext, &mut out);
        out
    }

    /// Opens `sealed` into `out`, which must be exactly the plaintext length.
    pub(crate) fn open_into(
        &self,
        ad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<(), OpenFailed> {
        if sealed.len() != out.len() + SEAL_OVERHEAD {
            return Err(OpenFailed);
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
        let nonce = Nonce::<U12>::try_from(nonce).map_err(|_| OpenFailed)?;
        let tag = Tag::<U16>::try_from(tag).map_err(|_| OpenFailed)?;
        let buf = InOutBuf::new(body, out).map_err(|_| OpenFailed)?;
        self.cipher.decrypt_inout_detached(&nonce, ad, buf, &tag).map_err(|_| {
            // Unauthenticated plaintext must not be used; clear it.
            OpenFailed
        })
    }

    /// Opens into a new zeroizing buffer.
    pub(crate) fn open(&self, ad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
        let len = sealed.len().checked_sub(SEAL_OVERHEAD).ok_or(OpenFailed)?;
        let mut out = Zeroizing::new(vec![0u8; len]);
        if let Err(e) = self.open_into(ad, sealed, &mut out) {
            out.zeroize();
            return Err(e);
        }
        Ok(out)
    }
}

/// The data key wrapped under the password-derived key: what the keyring row stores.
pub(crate) struct WrappedKey {
    pub spec: KdfSpec,
    /// 1: the key-encryption key is Argon2id's output itself (vaults made before kyc-keys);
    /// 2: it is [`kyc_keys::MasterKey::vault_wrap_key`].
    pub scheme: u32,
    pub sealed: Vec<u8>,
}

/// The key scheme every new wrap uses.
pub(crate) const KEY_SCHEME: u32 = 2;

fn wrap_ad(spec: &KdfSpec) -> Vec<u8> {
    // Parameters and salt are bound too: editing them yields a different key anyway, but
    // binding makes the failure certain rather than a consequence.
    let mut ad = Ad { table: "keyring", column: "wrapped_key", row: "1", chunk: None }.encode();
    for v in [spec.memory_kib, spec.iterations, spec.parallelism] {
        ad.extend_from_slice(&v.to_be_bytes());
    }
    ad.extend_from_slice(&spec.salt.0);
    ad
}

fn recovery_ad() -> Vec<u8> {
    Ad { table: "keyring", column: "recovery_wrapped_key", row: "1", chunk: None }.encode()
}

/// The associated data of the recovery key sealed under the data key.
pub(crate) fn recovery_key_ad() -> Vec<u8> {
    Ad { table: "keyring", column: "recovery_key", row: "1", chunk: None }.encode()
}

/// Wraps `raw` under the vault wrap key derived with `spec`.
pub(crate) fn wrap(raw: &[u8; 32], kek: &WrapKey, spec: KdfSpec) -> WrappedKey {
    let sealed = DataKey::from_bytes(kek.as_bytes()).seal(&wrap_ad(&spec), raw);
    WrappedKey { spec, scheme: KEY_SCHEME, sealed }
}

/// Wraps `raw` under the recovery key.
pub(crate) fn wrap_recovery(raw: &[u8; 32], recovery: &RecoveryKey) -> Vec<u8> {
    DataKey::from_bytes(recovery.as_bytes()).seal(&recovery_ad(), raw)
}

fn open_raw(kek: &[u8; 32], ad: &[u8], sealed: &[u8]) -> Option<DataKey> {
    match DataKey::from_bytes(kek).open(ad, sealed) {
        Ok(raw) if raw.len() == 32 => {
            let mut bytes = Zeroizing::new([0u8; 32]);
            bytes.copy_from_slice(&raw);
            Some(DataKey::from_bytes(&bytes))
        }
        _ => None,
    }
}

/// The key-encryption key of a wrapped key for a master key, by the wrap's scheme.
pub(crate) fn kek_for(master: &MasterKey, scheme: u32) -> WrapKey {
    if scheme == 1 { WrapKey::from_bytes(*master.as_bytes()) } else { master.vault_wrap_key() }
}

/// Unwraps the data key. `None` means the key is wrong (or the keyring row was altered: the
/// two cannot be told apart).
pub(crate) fn unwrap(wrapped: &WrappedKey, kek: &WrapKey) -> Option<DataKey> {
    open_raw(kek.as_bytes(), &wrap_ad(&wrapped.spec), &wrapped.sealed)
}

/// Unwraps the data key with the recovery key.
pub(crate) fn unwrap_recovery(sealed: &[u8], recovery: &RecoveryKey) -> Option<DataKey> {
    open_raw(recovery.as_bytes(), &recovery_ad(), sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad(row: &str) -> Vec<u8> {
        Ad { table: "cases", column: "payload", row, chunk: None }.encode()
    }

    #[test]
    fn seal_open_round_trip_and_binding() {
        let (key, _) = DataKey::generate();
        let sealed = key.seal(&ad("c_a"), b"hello");
        assert_eq!(sealed.len(), 5 + SEAL_OVERHEAD);
        assert_eq!(&key.open(&ad("c_a"), &sealed).unwrap()[..], b"hello");
        assert!(key.open(&ad("c_b"), &sealed).is_err());
        let (other, _) = DataKey::generate();
        assert!(other.open(&ad("c_a"), &sealed).is_err());
        assert!(key.open(&ad("c_a"), &sealed[..10]).is_err());
    }

    #[test]
    fn nonces_differ_between_seals_of_the_same_plaintext() {
        let (key, _) = DataKey::generate();
        assert_ne!(key.seal(&ad("x"), b"same"), key.seal(&ad("x"), b"same"));
    }

    #[test]
    fn ad_fields_are_unambiguous() {
        let a = Ad { table: "ab", column: "c", row: "d", chunk: None }.encode();
        let b = Ad { table: "a", column: "bc", row: "d", chunk: None }.encode();
        assert_ne!(a, b);
        let last = |is_last| {
            Ad {
                table: "t",
                column: "c",
                row: "r",
                chunk: Some(ChunkAd { index: 3, is_last, total_len: 9 }),
            }
            .encode()
        };
        assert_ne!(last(true), last(false));
    }

    #[test]
    fn wrap_unwrap_with_right_and_wrong_key() {
        let (_, raw) = DataKey::generate();
        let spec = KdfSpec::generate(KdfParams::insecure_for_tests());
        let master = kyc_keys::derive(&Password::new("correct horse"), &spec).unwrap();
        let wrapped = wrap(&raw, &master.vault_wrap_key(), spec);
        assert!(unwrap(&wrapped, &kek_for(&master, KEY_SCHEME)).is_some());
        let wrong = kyc_keys::derive(&Password::new("correct hors"), &spec).unwrap();
        assert!(unwrap(&wrapped, &kek_for(&wrong, KEY_SCHEME)).is_none());
        assert!(unwrap(&wrapped, &kek_for(&master, 1)).is_none(), "schemes differ");
        let recovery = RecoveryKey::generate();
        let sealed = wrap_recovery(&raw, &recovery);
        assert_eq!(unwrap_recovery(&sealed, &recovery).unwrap().raw(), &*raw);
        assert!(unwrap_recovery(&sealed, &RecoveryKey::generate()).is_none());
        assert!(format!("{:?}", Password::new("correct horse")).find("horse").is_none());
    }
}
