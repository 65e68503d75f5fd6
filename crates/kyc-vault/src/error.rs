//! The vault's one error type. Every variant names opaque ids, tables, rules and counts only:
//! never a value read from a case (the privacy tests format every variant and scan the text).

use kyc_model::{CaseId, DecisionError, MediaId, TransitionError};

use crate::media::Variant;

/// What went wrong, as a caller acts on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The data key is not in memory: ask for the password and [`crate::Vault::unlock`].
    #[error("the vault is locked")]
    Locked,
    /// The password did not unwrap the data key. The attempt was counted.
    #[error("wrong password ({attempts_left} attempts left before offline unlock stops)")]
    WrongPassword {
        /// Failed attempts that remain before offline unlock is refused.
        attempts_left: u32,
    },
    /// Too many failed offline unlocks: the vault no longer tries passwords (nothing is
    /// wiped). Sign in online: once the hub accepts the password it releases the vault's
    /// recovery key, which opens the vault and resets the count.
    #[error("too many failed unlocks; sign in online to open the vault")]
    OnlineSignInRequired,
    /// The recovery key did not unwrap the data key (another vault's, or a stale one).
    #[error("the recovery key does not open this vault")]
    RecoveryKeyRejected,
    /// The vault has been wiped (by logout, by a revoked account, or by another handle).
    /// Everything in it is gone; log in and pull again.
    #[error("the vault has been wiped")]
    Wiped,
    /// Another process holds the vault directory.
    #[error("another process is using the vault")]
    InUse,
    /// There is no vault in the directory.
    #[error("no vault in this directory")]
    NotFound,
    /// [`crate::Vault::create`] found a vault already there.
    #[error("a vault already exists in this directory")]
    AlreadyExists,
    /// The vault was written by a newer version of the app; nothing was changed.
    #[error("the vault has schema version {found}; this build supports up to {supported}")]
    NewerVersion {
        /// Version found in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// A sealed value failed authentication: it was tampered with, damaged, truncated, or
    /// moved from another row or column. Names the table and the (opaque) row only.
    #[error("sealed data in table {table}, row {row} failed its integrity check")]
    Integrity {
        /// Table of the damaged cell.
        table: &'static str,
        /// Opaque row id (case id, media id with variant and chunk, outbox key).
        row: String,
    },
    /// A value opened correctly but could not be decoded: written by an incompatible build.
    #[error("sealed data in table {table}, row {row} could not be decoded")]
    Decode {
        /// Table of the cell.
        table: &'static str,
        /// Opaque row id.
        row: String,
    },
    /// No case with this id in the vault.
    #[error("case {0} is not in the vault")]
    CaseNotFound(CaseId),
    /// The case is already in the vault.
    #[error("case {0} is already in the vault")]
    CaseExists(CaseId),
    /// No media object with this id and variant.
    #[error("media {id} ({variant}) is not in the vault")]
    MediaNotFound {
        /// The media id.
        id: MediaId,
        /// The variant asked for.
        variant: Variant,
    },
    /// The case refers to a media object that was not supplied (a case is stored whole or not
    /// at all).
    #[error("media {0} is referenced by the case but was not supplied")]
    MissingMedia(MediaId),
    /// A media object was supplied that the case does not refer to, or twice.
    #[error("media {id} ({variant}) is not referenced by the case or is supplied twice")]
    UnexpectedMedia {
        /// The media id.
        id: MediaId,
        /// Its variant.
        variant: Variant,
    },
    /// A media source delivered fewer or more bytes than it declared.
    #[error("media {0} delivered a different number of bytes than declared")]
    MediaLength(MediaId),
    /// The byte range is not inside the media object.
    #[error("range {start}..{end} is outside a media object of {len} bytes")]
    RangeOutOfBounds {
        /// First byte asked for.
        start: u64,
        /// One past the last byte asked for.
        end: u64,
        /// Length of the object.
        len: u64,
    },
    /// The case's local state does not allow this (for example deciding twice).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The decision breaks a rule for this case.
    #[error("the decision is not valid: {0}")]
    InvalidDecision(#[from] DecisionError),
    /// The case has a decision that has not been settled with the hub; purging it would lose it.
    #[error("case {0} has a decision waiting to be pushed")]
    DecisionPending(CaseId),
    /// No unsettled outbox entry has this idempotency key.
    #[error("no unsettled outbox entry with this key")]
    OutboxEntryNotFound,
    /// The data key has sealed as many messages as is safe with random nonces. The vault must
    /// be wiped and the cases pulled again (under a fresh key).
    #[error("the data key has reached its message limit; wipe the vault and pull again")]
    KeyExhausted,
    /// The Argon2id parameters are out of range.
    #[error("invalid key-derivation parameters")]
    KdfParams,
    /// SQLite failed. Statements bind values, so SQLite's messages carry SQL and codes only.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A file operation failed.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}
