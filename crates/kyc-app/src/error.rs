//! The one error type that crosses IPC: `{ code, message }`, with a closed set of codes the UI
//! acts on. Messages are for people and never carry personal data.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, as the UI branches on it. Add a code only when the UI acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input failed validation; the message names the field and the rule.
    Invalid,
    /// The hub address is not allowed (plain `http://` to a host that is not loopback).
    InsecureHub,
    /// The hub could not be reached.
    HubUnreachable,
    /// The user name or password was not accepted.
    Unauthorized,
    /// The feature is not available in this build yet.
    Unavailable,
    /// Anything else; details are in the app's log, never in the message.
    Internal,
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

impl AppError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError { code, message: message.into() }
    }
}
