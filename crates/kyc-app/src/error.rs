//! The one error type that crosses IPC: `{ code, message }`, with a closed set of codes the UI
//! acts on, and the one place where the crates' errors become it. Messages are for people and
//! never carry personal data: they name fields and rules, never values.

use kyc_sync::SyncError;
use kyc_vault::VaultError;
use serde::Serialize;
use ts_rs::TS;

/// What went wrong, as the UI branches on it. Add a code only when the UI acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input failed validation or a rule (approve without consent, reason too short); the
    /// message names the field and the rule.
    Invalid,
    /// The hub or the vault did not accept the password.
    WrongPassword,
    /// The vault is locked: unlock first.
    Locked,
    /// Not possible offline (pull, first sign-in), and the hub is unreachable.
    Offline,
    /// The hub could not be reached or failed.
    HubUnreachable,
    /// The hub address is not allowed (plain `http://` to a host that is not loopback), or the
    /// hub asks for weaker password protection than the desk accepts.
    InsecureHub,
    /// The account was revoked; the vault has been wiped.
    Revoked,
    /// Another process has this account's vault open.
    InUse,
    /// Sign-out asked while decisions wait to be pushed; confirm discarding or stay.
    PendingDecisions,
    /// The hub refused a decision (lease lost, decided elsewhere), or the step is not
    /// allowed in the case's state (undo too late, deciding twice).
    Conflict,
    /// Stored data failed its integrity check.
    Integrity,
    /// No such case, field or media object.
    NotFound,
    /// The hub no longer accepts the session, or offline unlock is not allowed: sign in
    /// online again.
    OnlineSignInRequired,
    /// The account's role cannot use this (a supervisor pulling cases).
    Forbidden,
    /// The vault was wiped meanwhile (sign-out elsewhere, a revoked account).
    Wiped,
    /// The operation was cancelled.
    Cancelled,
    /// The hub asks to slow down.
    RateLimited,
    /// Anything else; details are in the app's log, never in the message.
    Internal,
    /// This app is older than the hub accepts: update it.
    UpdateRequired,
    /// The hub is older than this app needs: the hub must be updated.
    HubOutdated,
}

/// The error every command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What the UI acts on.
    pub code: ErrorCode,
    /// A sentence for the user, without personal data.
    pub message: String,
}

impl ErrorCode {
    /// The code as the UI receives it (`wrong_password`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

impl AppError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError { code, message: message.into() }
    }

    /// `not_found` naming what was looked for (a kind of thing, never a value).
    pub fn not_found(what: &str) -> Self {
        AppError::new(ErrorCode::NotFound, format!("No such {what}."))
    }

    /// `internal`, logged by code only.
    pub fn internal(what: &'static str) -> Self {
        tracing::error!(what, "internal error");
        AppError::new(ErrorCode::Internal, "Something went wrong; see the app's log.")
    }
}

impl From<VaultError> for AppError {
    fn from(e: VaultError) -> Self {
        use ErrorCode as C;
        let (code, message): (ErrorCode, String) = match &e {
            VaultError::Locked => (C::Locked, "The desk is locked; unlock it first.".into()),
            VaultError::WrongPassword { attempts_left } => (
                C::WrongPassword,
                format!(
                    "Wrong password. {attempts_left} attempts left before this desk can only be \
                     opened online."
                ),
            ),
            VaultError::OnlineSignInRequired => (
                C::OnlineSignInRequired,
                "Too many wrong passwords: connect to the hub and sign in to open the local \
                 cases (nothing was deleted)."
                    .into(),
            ),
            VaultError::Wiped => {
                (C::Wiped, "The local cases were wiped; sign in again to pull.".into())
            }
            VaultError::InUse => (
                C::InUse,
                "Another KYC Desk window or process is using this account's cases.".into(),
            ),
            VaultError::NotFound => (C::NotFound, "There are no local cases to unlock.".into()),
            VaultError::CaseNotFound(_) => (C::NotFound, "That case is not on this desk.".into()),
            VaultError::MediaNotFound { .. } => {
                (C::NotFound, "That image or video is not on this desk.".into())
            }
            VaultError::Integrity { .. } | VaultError::Decode { .. } => (
                C::Integrity,
                "Stored case data failed its integrity check; it will not be shown.".into(),
            ),
            VaultError::Transition(t) => (
                C::Conflict,
                format!("Not possible now: {} is not allowed in state {}.", t.event, t.state),
            ),
            VaultError::InvalidDecision(rule) => (C::Invalid, decision_rule_message(rule)),
            VaultError::DecisionPending(_) => {
                (C::PendingDecisions, "The case has a decision waiting to be pushed.".into())
            }
            VaultError::NewerVersion { .. } => (
                C::Internal,
                "The local cases were written by a newer KYC Desk; update the app.".into(),
            ),
            _ => {
                tracing::error!(error = %e, "vault error");
                (C::Internal, "The local case store failed; see the app's log.".into())
            }
        };
        AppError { code, message }
    }
}

/// The sentence for a decision rule of `kyc_model` (names the rule, never a value).
pub fn decision_rule_message(rule: &kyc_model::DecisionError) -> String {
    use kyc_model::DecisionError as D;
    match rule {
        D::ConsentMissing => {
            "Approval is not possible: the case has no consent record that permits it.".into()
        }
        other => format!("The decision is not valid: {other}."),
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        use ErrorCode as C;
        let (code, message): (ErrorCode, String) = match e {
            SyncError::Vault(v) => return v.into(),
            SyncError::BadUrl => (C::Invalid, "The hub address is not a valid URL.".into()),
            SyncError::InsecureUrl => (
                C::InsecureHub,
                "Plain http:// is only allowed to this computer; use https://.".into(),
            ),
            SyncError::Unauthorized => (
                C::OnlineSignInRequired,
                "The hub no longer accepts this session; sign in again.".into(),
            ),
            SyncError::AccountRevoked => {
                (C::Revoked, "This account has been revoked; the local cases were wiped.".into())
            }
            SyncError::Forbidden => {
                (C::Forbidden, "The hub does not allow this for your role.".into())
            }
            SyncError::LeaseLost => (
                C::Conflict,
                "The lease on this case was lost; it may be decided elsewhere.".into(),
            ),
            SyncError::Invalid { .. } => {
                (C::Invalid, "The hub refused the request as invalid.".into())
            }
            SyncError::RateLimited => {
                (C::RateLimited, "The hub asks to slow down; try again in a minute.".into())
            }
            SyncError::Unavailable { .. } => {
                (C::HubUnreachable, "The hub cannot be reached; work continues offline.".into())
            }
            SyncError::Integrity { .. } => {
                (C::Integrity, "A downloaded file failed its integrity check.".into())
            }
            SyncError::PendingDecisions { count, audit_events } => (
                C::PendingDecisions,
                format!(
                    "{count} decisions and {audit_events} audit events are not pushed yet: stay \
                     signed in, or type DISCARD to sign out without them."
                ),
            ),
            SyncError::ConfirmationMismatch => {
                (C::Invalid, "The confirmation text does not match; nothing was discarded.".into())
            }
            SyncError::Cancelled => (C::Cancelled, "Cancelled.".into()),
            SyncError::RecoveryUnavailable => (
                C::Internal,
                "The hub accepted the password but holds no key to open the local cases; ask an \
                 administrator."
                    .into(),
            ),
            SyncError::UpdateRequired => (
                C::UpdateRequired,
                "This version of KYC Desk is older than the hub accepts; install the update."
                    .into(),
            ),
            SyncError::HubOutdated { .. } => (
                C::HubOutdated,
                "The hub runs an older version than this app needs; ask an administrator to \
                 update it."
                    .into(),
            ),
            SyncError::UnacceptableKdf => (
                C::InsecureHub,
                "The hub asks for weaker password protection than this desk accepts.".into(),
            ),
            other => {
                tracing::error!(error = %other, "sync error");
                (C::Internal, "Talking to the hub failed; see the app's log.".into())
            }
        };
        AppError { code, message }
    }
}

#[cfg(test)]
mod tests {
    use kyc_model::{CaseId, DecisionError, TransitionError};

    use super::*;

    #[test]
    fn crate_errors_map_to_the_codes_the_ui_acts_on() {
        let case = CaseId::parse("case-1").unwrap();
        let vault: Vec<(VaultError, ErrorCode)> = vec![
            (VaultError::Locked, ErrorCode::Locked),
            (VaultError::WrongPassword { attempts_left: 3 }, ErrorCode::WrongPassword),
            (VaultError::Wiped, ErrorCode::Wiped),
            (VaultError::OnlineSignInRequired, ErrorCode::OnlineSignInRequired),
            (VaultError::InUse, ErrorCode::InUse),
            (VaultError::CaseNotFound(case.clone()), ErrorCode::NotFound),
            (VaultError::Integrity { table: "cases", row: "x".into() }, ErrorCode::Integrity),
            (
                VaultError::Transition(TransitionError { state: "decided", event: "decide" }),
                ErrorCode::Conflict,
            ),
            (VaultError::InvalidDecision(DecisionError::ConsentMissing), ErrorCode::Invalid),
            (VaultError::DecisionPending(case), ErrorCode::PendingDecisions),
        ];
        for (e, code) in vault {
            let text = e.to_string();
            let app = AppError::from(e);
            assert_eq!(app.code, code, "{text}");
            assert!(!app.message.is_empty());
        }
        let sync: Vec<(SyncError, ErrorCode)> = vec![
            (SyncError::BadUrl, ErrorCode::Invalid),
            (SyncError::InsecureUrl, ErrorCode::InsecureHub),
            (SyncError::Unauthorized, ErrorCode::OnlineSignInRequired),
            (SyncError::AccountRevoked, ErrorCode::Revoked),
            (SyncError::Forbidden, ErrorCode::Forbidden),
            (SyncError::LeaseLost, ErrorCode::Conflict),
            (SyncError::Unavailable { reason: "connect".into() }, ErrorCode::HubUnreachable),
            (
                SyncError::PendingDecisions { count: 2, audit_events: 1 },
                ErrorCode::PendingDecisions,
            ),
            (SyncError::Cancelled, ErrorCode::Cancelled),
            (SyncError::UnacceptableKdf, ErrorCode::InsecureHub),
            (SyncError::UpdateRequired, ErrorCode::UpdateRequired),
            (SyncError::HubOutdated { api_version: 0 }, ErrorCode::HubOutdated),
            (SyncError::Vault(VaultError::OnlineSignInRequired), ErrorCode::OnlineSignInRequired),
            (SyncError::Vault(VaultError::Locked), ErrorCode::Locked),
        ];
        for (e, code) in sync {
            let text = e.to_string();
            assert_eq!(AppError::from(e).code, code, "{text}");
        }
    }

    #[test]
    fn hub_rule_text_never_reaches_the_message() {
        // The hub's message could quote input (issue 9 item 5): the app shows its own words.
        let e = SyncError::Invalid { rule: "value 110101199003070012 refused".into() };
        assert!(!AppError::from(e).message.contains("110101"));
    }

    #[test]
    fn approve_without_consent_explains_the_rule() {
        let app = AppError::from(VaultError::InvalidDecision(DecisionError::ConsentMissing));
        assert_eq!(app.code, ErrorCode::Invalid);
        assert!(app.message.contains("consent"));
    }
}
