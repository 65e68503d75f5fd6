//! The error body every failing call returns.

use serde::{Deserialize, Serialize};

/// What went wrong, as a closed set of codes clients branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No token, an unknown token, or an expired session: sign in again. (401)
    Unauthorized,
    /// Signed in, but the role or lease does not allow this. (403)
    Forbidden,
    /// The account was disabled: the client must wipe its local data. (401)
    AccountRevoked,
    /// No such object, or not visible to the caller. (404)
    NotFound,
    /// The request clashes with the current state (duplicate id, lease lost, ...). (409)
    Conflict,
    /// Malformed JSON, an unknown field, a bad id or a value breaking a rule. (400/422)
    Invalid,
    /// Too many attempts; retry later. (429)
    RateLimited,
    /// The body is larger than this endpoint accepts. (413)
    PayloadTooLarge,
    /// The requested byte range cannot be served. (416)
    RangeNotSatisfiable,
    /// The hub cannot serve the request right now. (503)
    Unavailable,
    /// The hub failed; details are in its log, not here. (500)
    Internal,
}

impl ErrorCode {
    /// Stable snake_case code, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::AccountRevoked => "account_revoked",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Invalid => "invalid",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RangeNotSatisfiable => "range_not_satisfiable",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of every error response. `message` is for people and names rules, fields and
/// ids, never personal data or internals.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, thiserror::Error,
)]
#[serde(deny_unknown_fields)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// What went wrong.
    pub code: ErrorCode,
    /// A short explanation.
    pub message: String,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}
