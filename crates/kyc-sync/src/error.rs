//! The crate's one error type. Variants name codes, counts, opaque ids and rules only; never a
//! value from a case, a password or a token, and never the text of a transport error (which
//! could quote a URL with credentials in unusual setups).

use kyc_model::MediaId;
use kyc_proto::{ApiError, ErrorCode};
use kyc_vault::VaultError;

/// What went wrong, as the UI acts on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// This app is older than the hub accepts: it must be updated before it can sign in.
    #[error("this app is older than the hub accepts; update it")]
    UpdateRequired,
    /// The hub serves an older API than this app needs: the hub must be updated.
    #[error("the hub serves API version {api_version}, older than this app needs")]
    HubOutdated {
        /// The version the hub announced.
        api_version: u32,
    },
    /// The hub address is not a valid `http(s)://host[:port]` URL.
    #[error("the hub address is not a valid http(s) URL")]
    BadUrl,
    /// `http://` to a host that is not loopback: refused, personal data travels only over TLS.
    #[error("plain http is only allowed to a loopback hub; use https")]
    InsecureUrl,
    /// The HTTP client could not be built (TLS roots, configuration).
    #[error("the HTTP client could not be set up")]
    ClientSetup,
    /// The hub's TLS certificate was refused (unknown issuer, another host name, expired), so
    /// nothing was sent. Retrying does not help: the hub's certificate or the workstation's
    /// trusted roots (`ClientConfig::extra_roots_pem`) must change.
    #[error("the hub's TLS certificate is not trusted")]
    UntrustedCertificate,
    /// No session, or the hub no longer accepts it: sign in again.
    #[error("not signed in, or the session has ended")]
    Unauthorized,
    /// The hub disabled the account. The local vault has been wiped.
    #[error("the account has been revoked; local data was wiped")]
    AccountRevoked,
    /// The role does not allow this call.
    #[error("the hub refused this for the account's role")]
    Forbidden,
    /// The caller no longer holds the lease on a case.
    #[error("the lease on the case was lost")]
    LeaseLost,
    /// The hub refused the request as breaking a rule.
    #[error("the hub refused the request as invalid: {rule}")]
    Invalid {
        /// The rule broken, as a stable code: the hub's `rule` (`wrong_type`, `batch_size`,
        /// ...), or its error code when it names none. Never the hub's message, which comes
        /// from another process and is not ours to log.
        rule: String,
    },
    /// Too many attempts; try later.
    #[error("the hub asks to slow down; try again later")]
    RateLimited,
    /// The hub cannot be reached or failed (network error, timeout, 5xx): retry later. Work
    /// stays in the vault meanwhile.
    #[error("the hub is unavailable ({reason})")]
    Unavailable {
        /// What failed, in our own words (`timeout`, `connect`, `status 503`, ...).
        reason: String,
    },
    /// A downloaded media object does not match its digest or declared size.
    #[error("media {media} failed its integrity check")]
    Integrity {
        /// The media object.
        media: MediaId,
    },
    /// The hub answered something this client does not understand.
    #[error("unexpected answer from the hub ({what})")]
    Protocol {
        /// What was unexpected.
        what: &'static str,
    },
    /// The hub answered with another error code.
    #[error("the hub answered {code}")]
    Hub {
        /// Its code.
        code: ErrorCode,
    },
    /// Logout was asked while decisions or audit events still wait to be pushed (the hub is
    /// unreachable). Offer: stay signed in (lock instead), or [`crate::Workstation::logout_discarding`].
    #[error("{count} decisions and {audit_events} audit events are not pushed yet")]
    PendingDecisions {
        /// Decisions not yet accepted by the hub.
        count: u32,
        /// Audit events not yet accepted by the hub.
        audit_events: u32,
    },
    /// The typed confirmation for discarding decisions did not match.
    #[error("the confirmation text does not match; nothing was discarded")]
    ConfirmationMismatch,
    /// The hub's prelogin answer asks for a key derivation below this workstation's floor
    /// (or beyond its upper bounds): refused, so a hostile hub cannot weaken the vault.
    #[error("the hub's key-derivation parameters are below this workstation's floor")]
    UnacceptableKdf,
    /// The vault cannot be opened with this password and the hub holds no recovery key for it
    /// (for this account). The vault is left as it is.
    #[error("the vault cannot be recovered: the hub holds no recovery key for it")]
    RecoveryUnavailable,
    /// The pull was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The vault failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The sync state file (pull journal, discard notice) could not be read or written.
    #[error("sync state file: {0}")]
    StateFile(#[source] std::io::Error),
    /// The sync state file exists but does not parse (edited, or damaged on disk). It is left
    /// in place: it may hold discard notices owed to the hub's audit trail. Report it; pulls,
    /// logins and discards that need the file fail until it is repaired or removed.
    #[error("the sync state file is damaged; it was left in place for support")]
    StateDamaged,
}

impl SyncError {
    /// Whether retrying later may succeed (network, timeouts, 5xx, rate limits).
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Unavailable { .. } | SyncError::RateLimited)
    }

    /// Maps an error from the hub by its code and rule; its message is dropped.
    pub(crate) fn from_api(api: &ApiError) -> SyncError {
        let code = api.code;
        match code {
            ErrorCode::Unauthorized => SyncError::Unauthorized,
            ErrorCode::AccountRevoked => SyncError::AccountRevoked,
            ErrorCode::Forbidden => SyncError::Forbidden,
            ErrorCode::Invalid | ErrorCode::PayloadTooLarge => SyncError::Invalid {
                rule: api
                    .rule
                    .clone()
                    .filter(|r| is_rule_code(r))
                    .unwrap_or_else(|| code.as_str().to_owned()),
            },
            ErrorCode::RateLimited => SyncError::RateLimited,
            ErrorCode::UpdateRequired => SyncError::UpdateRequired,
            ErrorCode::Unavailable | ErrorCode::Internal => {
                SyncError::Unavailable { reason: format!("hub answered {code}") }
            }
            other => SyncError::Hub { code: other },
        }
    }
}

/// Whether a hub's `rule` has the documented form (`[a-z][a-z0-9_]{0,63}`): anything else is
/// not a rule code and is not kept.
fn is_rule_code(rule: &str) -> bool {
    (1..=64).contains(&rule.len())
        && rule.starts_with(|c: char| c.is_ascii_lowercase())
        && rule.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
