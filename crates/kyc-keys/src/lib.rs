//! Keys derived from a reviewer's password, as password managers do: one Argon2id per sign-in,
//! on the client, and two independent keys split from its output with HKDF-SHA256.
//!
//! - [`derive`] turns a password and a [`KdfSpec`] (algorithm, cost, salt — handed out by the
//!   hub at prelogin and stored in the vault) into a [`MasterKey`].
//! - [`MasterKey::hub_auth_key`] is what the client sends to the hub instead of the password;
//!   the hub keeps only a salted hash of it ([`AuthKey::verifier`]). Knowing it does not help
//!   to find the vault key.
//! - [`MasterKey::vault_wrap_key`] wraps the vault's data key; it never leaves the workstation.
//! - [`RecoveryKey`]: a random 256-bit key that also wraps the vault's data key and is held by
//!   the hub, released only to an authenticated session of the same account (after an
//!   administrator reset the password, or after too many failed offline unlocks).
//! - [`Secret`]: the one wrapper for passwords, tokens and keys in transit in the whole
//!   workspace: zeroized on drop, never printed.
//!
//! A copy of the hub's database therefore costs an attacker one full Argon2id per password
//! guess, exactly as a copy of the vault does. This crate depends on no other crate of ours.

#![warn(missing_docs)]
#![deny(unsafe_code)]

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of every key and salt here, in bytes.
pub const KEY_LEN: usize = 32;

/// Why a key could not be derived or decoded. Never carries key material or input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The Argon2id parameters are out of the range this build accepts.
    #[error("key-derivation parameters out of range")]
    Params,
    /// A key or salt is not 32 bytes of URL-safe base64.
    #[error("a key or salt is not 32 bytes of url-safe base64")]
    Encoding,
}

// ----- the secret wrapper -----

/// A password, a session token or an encoded key. Its `Debug` prints `Secret(***)`, its memory
/// is zeroed on drop, and it serializes as a plain string (it is meant to be sent).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "utoipa", schema(value_type = String, format = Password))]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret text, to derive from it or send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

// ----- parameters -----

/// Argon2id cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes (threads with argon2's `parallel` feature).
    pub parallelism: u32,
}

impl KdfParams {
    /// Production default: 256 MiB, 3 passes, 2 lanes (≈ 0.7 s on the two-core development
    /// machine). Also the floor a client accepts from a hub unless configured otherwise.
    pub const DEFAULT: KdfParams =
        KdfParams { memory_kib: 256 * 1024, iterations: 3, parallelism: 2 };

    /// Most memory a client agrees to spend (4 GiB): a hostile hub must not be able to make
    /// sign-in exhaust the workstation.
    pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    /// Most passes a client agrees to run.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Most lanes.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Parameters that derive in well under a millisecond. They protect nothing: for tests
    /// only, and named so nobody mistakes them for anything else.
    pub fn insecure_for_tests() -> KdfParams {
        KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 }
    }

    /// Whether these cost at least as much as `floor` (memory and passes; lanes do not add
    /// cost to an attacker) and stay within this build's upper bounds.
    pub fn acceptable(&self, floor: &KdfParams) -> bool {
        self.memory_kib >= floor.memory_kib
            && self.iterations >= floor.iterations
            && self.memory_kib <= Self::MAX_MEMORY_KIB
            && self.iterations <= Self::MAX_ITERATIONS
            && (1..=Self::MAX_PARALLELISM).contains(&self.parallelism)
    }

    fn argon2(self) -> Result<argon2::Argon2<'static>, KeyError> {
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(KEY_LEN))
                .map_err(|_| KeyError::Params)?;
        Ok(argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> KdfParams {
        KdfParams::DEFAULT
    }
}

/// The only key-derivation function so far; named on the wire so another can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KdfAlgorithm {
    /// Argon2id, version 0x13, 32-byte output.
    Argon2id,
}

/// A 32-byte salt, URL-safe base64 on the wire. Not secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salt(pub [u8; KEY_LEN]);

impl Salt {
    /// A fresh random salt.
    pub fn random() -> Salt {
        let mut bytes = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Salt(bytes)
    }

    /// URL-safe base64 without padding.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Parses [`Salt::encode`]'s output.
    pub fn decode(text: &str) -> Result<Salt, KeyError> {
        decode32(text).map(|b| Salt(*b))
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt({})", self.encode())
    }
}

impl Serialize for Salt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Salt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Salt, D::Error> {
        let text = String::deserialize(d)?;
        Salt::decode(&text).map_err(|_| serde::de::Error::custom("salt: 32 bytes of base64url"))
    }
}

fn decode32(text: &str) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyError> {
    if text.len() != 43 {
        return Err(KeyError::Encoding);
    }
    let bytes = Zeroizing::new(URL_SAFE_NO_PAD.decode(text).map_err(|_| KeyError::Encoding)?);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    if bytes.len() != KEY_LEN {
        return Err(KeyError::Encoding);
    }
    out.copy_from_slice(&bytes);
    Ok(out)
}

/// How to derive an account's master key: what the hub answers at prelogin and what the vault
/// stores beside its wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KdfSpec {
    /// The function.
    pub algorithm: KdfAlgorithm,
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// Per-account salt (32 bytes, URL-safe base64), new at every password change.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub salt: Salt,
}

impl KdfSpec {
    /// A spec with these parameters and a fresh random salt (a new password).
    pub fn generate(params: KdfParams) -> KdfSpec {
        KdfSpec::with_salt(params, Salt::random())
    }

    /// A spec with these parameters and salt.
    pub fn with_salt(params: KdfParams, salt: Salt) -> KdfSpec {
        KdfSpec {
            algorithm: KdfAlgorithm::Argon2id,
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            parallelism: params.parallelism,
            salt,
        }
    }

    /// The spec a hub answers for a username it does not know: the default parameters and a
    /// salt that is a keyed hash of the name, so asking twice gives the same answer and the
    /// answer looks like a real account's (accounts cannot be enumerated by prelogin).
    pub fn decoy(hub_secret: &[u8], username: &str, params: KdfParams) -> KdfSpec {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(hub_secret).expect("HMAC takes any key length");
        mac.update(b"kyc-keys decoy salt v1\0");
        mac.update(username.as_bytes());
        let salt: [u8; KEY_LEN] = mac.finalize().into_bytes().into();
        KdfSpec::with_salt(params, Salt(salt))
    }

    /// The cost parameters.
    pub fn params(&self) -> KdfParams {
        KdfParams {
            memory_kib: self.memory_kib,
            iterations: self.iterations,
            parallelism: self.parallelism,
        }
    }
}

// ----- keys -----

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(Zeroizing<[u8; KEY_LEN]>);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }

        impl $name {
            /// The raw key bytes (to key a cipher).
            pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
                &self.0
            }

            /// Wraps raw key bytes (read back from storage).
            pub fn from_bytes(bytes: [u8; KEY_LEN]) -> $name {
                $name(Zeroizing::new(bytes))
            }
        }
    };
}

key_type!(
    /// Argon2id's output for a password and spec. Kept in memory only while a session needs
    /// to derive the other keys; never sent, never stored.
    MasterKey
);
key_type!(
    /// What the client proves its password with: HKDF(master, "hub auth"). Sent to the hub at
    /// login and password change (over TLS); the hub stores only [`AuthKey::verifier`].
    AuthKey
);
key_type!(
    /// Wraps the vault's data key: HKDF(master, "vault wrap"). Never leaves the workstation.
    WrapKey
);
key_type!(
    /// A random key that also wraps the vault's data key, held by the hub for the account so
    /// the vault survives a forgotten or administrator-reset password.
    RecoveryKey
);

const HUB_AUTH_INFO: &[u8] = b"kyc-keys v1 hub auth key";
const VAULT_WRAP_INFO: &[u8] = b"kyc-keys v1 vault wrap key";

impl MasterKey {
    fn expand(&self, info: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
        // The master key is already uniformly random (Argon2id output): HKDF-Expand with a
        // distinct info string per use is enough; the extract step adds nothing.
        let hk = hkdf::Hkdf::<Sha256>::from_prk(&self.0[..]).expect("a 32-byte PRK");
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        hk.expand(info, &mut out[..]).expect("32 bytes is a valid HKDF length");
        out
    }

    /// The key the hub checks.
    pub fn hub_auth_key(&self) -> AuthKey {
        AuthKey(self.expand(HUB_AUTH_INFO))
    }

    /// The key that wraps the vault's data key.
    pub fn vault_wrap_key(&self) -> WrapKey {
        WrapKey(self.expand(VAULT_WRAP_INFO))
    }
}

/// Derives the master key: one Argon2id over the password with the spec's salt and cost.
/// Slow by design (≈ 0.7 s and 256 MiB with the defaults): call it off the async runtime.
pub fn derive(password: &Secret, spec: &KdfSpec) -> Result<MasterKey, KeyError> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    spec.params()
        .argon2()?
        .hash_password_into(password.expose().as_bytes(), &spec.salt.0, &mut out[..])
        .map_err(|_| KeyError::Params)?;
    Ok(MasterKey(out))
}

fn encode_secret(bytes: &[u8; KEY_LEN]) -> Secret {
    Secret(URL_SAFE_NO_PAD.encode(bytes))
}

impl AuthKey {
    /// The form sent over HTTP: URL-safe base64.
    pub fn to_secret(&self) -> Secret {
        encode_secret(&self.0)
    }

    /// Parses what [`AuthKey::to_secret`] produced.
    pub fn from_secret(secret: &Secret) -> Result<AuthKey, KeyError> {
        decode32(secret.expose()).map(AuthKey)
    }

    /// What the hub stores: SHA-256 over a domain tag, a per-account salt and the key. The key
    /// is 256 random-looking bits, so a fast hash suffices here: guessing the password from a
    /// verifier costs one Argon2id per guess, which is the point of the design.
    pub fn verifier(&self, salt: &Salt) -> [u8; KEY_LEN] {
        let mut h = Sha256::new();
        h.update(b"kyc-keys v1 auth verifier\0");
        h.update(salt.0);
        h.update(&self.0[..]);
        h.finalize().into()
    }

    /// Whether this key matches a stored verifier, compared in constant time.
    pub fn matches(&self, salt: &Salt, verifier: &[u8; KEY_LEN]) -> bool {
        self.verifier(salt)[..].ct_eq(&verifier[..]).into()
    }
}

impl RecoveryKey {
    /// A fresh random key.
    pub fn generate() -> RecoveryKey {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rng().fill_bytes(&mut bytes[..]);
        RecoveryKey(bytes)
    }

    /// The form sent over HTTP: URL-safe base64.
    pub fn to_secret(&self) -> Secret {
        encode_secret(&self.0)
    }

    /// Parses what [`RecoveryKey::to_secret`] produced.
    pub fn from_secret(secret: &Secret) -> Result<RecoveryKey, KeyError> {
        decode32(secret.expose()).map(RecoveryKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> KdfSpec {
        KdfSpec::generate(KdfParams::insecure_for_tests())
    }

    #[test]
    fn hub_and_vault_keys_are_distinct_and_deterministic() {
        let spec = cheap();
        let a = derive(&Secret::new("correct horse"), &spec).unwrap();
        let b = derive(&Secret::new("correct horse"), &spec).unwrap();
        assert_eq!(a.hub_auth_key().as_bytes(), b.hub_auth_key().as_bytes());
        assert_ne!(a.hub_auth_key().as_bytes(), a.vault_wrap_key().as_bytes());
        let other = derive(&Secret::new("correct hors"), &spec).unwrap();
        assert_ne!(a.hub_auth_key().as_bytes(), other.hub_auth_key().as_bytes());
        let resalted = derive(&Secret::new("correct horse"), &cheap()).unwrap();
        assert_ne!(a.vault_wrap_key().as_bytes(), resalted.vault_wrap_key().as_bytes());
    }

    #[test]
    fn verifier_matches_only_its_key() {
        let spec = cheap();
        let key = derive(&Secret::new("pw"), &spec).unwrap().hub_auth_key();
        let salt = Salt::random();
        let v = key.verifier(&salt);
        assert!(key.matches(&salt, &v));
        assert!(!key.matches(&Salt::random(), &v));
        let wrong = derive(&Secret::new("pw2"), &spec).unwrap().hub_auth_key();
        assert!(!wrong.matches(&salt, &v));
        let sent = key.to_secret();
        assert!(AuthKey::from_secret(&sent).unwrap().matches(&salt, &v));
        assert_eq!(AuthKey::from_secret(&Secret::new("short")).err(), Some(KeyError::Encoding));
    }

    #[test]
    fn decoy_specs_are_stable_per_name_and_look_like_real_ones() {
        let secret = [7u8; 32];
        let p = KdfParams::DEFAULT;
        let a = KdfSpec::decoy(&secret, "nobody", p);
        assert_eq!(a, KdfSpec::decoy(&secret, "nobody", p));
        assert_ne!(a.salt, KdfSpec::decoy(&secret, "somebody", p).salt);
        assert_ne!(a.salt, KdfSpec::decoy(&[8u8; 32], "nobody", p).salt);
        let real = serde_json::to_value(KdfSpec::generate(p)).unwrap();
        let decoy = serde_json::to_value(a).unwrap();
        let keys =
            |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&real), keys(&decoy));
        let back: KdfSpec = serde_json::from_value(decoy).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn weak_or_absurd_params_are_not_acceptable() {
        let floor = KdfParams::DEFAULT;
        assert!(KdfParams::DEFAULT.acceptable(&floor));
        assert!(!KdfParams::insecure_for_tests().acceptable(&floor));
        let huge = KdfParams { memory_kib: u32::MAX, ..KdfParams::DEFAULT };
        assert!(!huge.acceptable(&floor));
        let one_pass = KdfParams { iterations: 1, ..KdfParams::DEFAULT };
        assert!(!one_pass.acceptable(&floor));
    }

    #[test]
    fn secrets_and_keys_never_print() {
        let s = Secret::new("hunter2-password");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let k = derive(&s, &cheap()).unwrap();
        assert_eq!(format!("{k:?}"), "MasterKey(***)");
        assert_eq!(format!("{:?}", RecoveryKey::generate()), "RecoveryKey(***)");
    }
}
