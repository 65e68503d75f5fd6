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
    /// The request breaks a rule; `rule` says which. 422: the body or query does not match
    /// the schema (wrong type, unknown or missing field); 400: malformed JSON, a bad id in the
    /// path, or a rule the schema cannot express (check digits, media matching documents);
    /// 415: the body is not `application/json`; 405: the method does not exist on the path.
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
    /// The client is older than the hub accepts (`Health::min_client_version`): update the
    /// app. (426)
    UpdateRequired,
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
            ErrorCode::UpdateRequired => "update_required",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of every error response. `message` is for people and names rules, fields and
/// ids, never values, personal data or internals. Clients act on `code` (and `rule`), and log
/// those, not `message`.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, thiserror::Error,
)]
#[serde(deny_unknown_fields)]
#[error("the hub answered {code}")]
pub struct ApiError {
    /// What went wrong.
    pub code: ErrorCode,
    /// A short explanation naming fields and rules, never values.
    pub message: String,
    /// For `invalid`: the stable code of the rule broken (`wrong_type`, `missing_field`,
    /// `id_syntax`, `batch_size`, `case_rule`, ...), absent when there is none to name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z][a-z0-9_]{0,63}$")]
    pub rule: Option<String>,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), rule: None }
    }

    /// What a client may log: the code, and the rule when there is one. Never the message,
    /// which is meant for people and comes from another process.
    pub fn log_code(&self) -> String {
        match &self.rule {
            Some(rule) => format!("{}/{rule}", self.code),
            None => self.code.as_str().to_owned(),
        }
    }
}
