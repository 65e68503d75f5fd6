//! The encrypted local case cache of KYC Desk (DESIGN §3).
//!
//! A SQLite file (rusqlite, bundled) in which every piece of personal data — case payloads,
//! media, decisions, audit details, the hub's answers — is sealed with AES-256-GCM before it is
//! written. Associated data binds each ciphertext to its table, column, row and format version;
//! media are sealed in ≈ 64 KiB chunks whose order, count and end are authenticated. The data key
//! is random, stored only wrapped twice: under a key derived from the reviewer's password
//! (`kyc-keys`: Argon2id, then HKDF), and under a random recovery key the hub holds for the
//! account (after a password reset, or after too many failed offline unlocks, an online
//! sign-in opens the vault with it and re-keys it).
//!
//! [`Vault`] is the one entry point: create or open, unlock and lock, store and read cases and
//! media, record decisions and audit events in the outbox, keep the sync engine's small sealed
//! records, purge, wipe the case data alone (keeping unpushed work), and wipe. The crate knows
//! nothing of HTTP, Tauri or the UI. The threat model in the repository's ARCHITECTURE.md
//! lists what a copy of the vault files reveals.

#![warn(missing_docs)]
#![deny(unsafe_code)]

mod crypto;
mod error;
mod media;
mod outbox;
mod schema;
mod vault;

pub use crypto::{KdfParams, MAX_MESSAGES_PER_KEY, Password, SEAL_OVERHEAD};
pub use error::VaultError;
pub use kyc_keys::{KdfSpec, MasterKey, RecoveryKey, WrapKey};
pub use media::{CHUNK_LEN, ContentType, MediaInfo, MediaInput, MediaSource, Variant};
pub use outbox::{
    AuditAction, AuditEvent, IdempotencyKey, OutboxEntry, OutboxPayload, OutboxStatus, PushOutcome,
};
pub use vault::{CaseDataWipe, CaseSummary, DEFAULT_MAX_UNLOCK_ATTEMPTS, Vault, WipeReport};
