//! The HTTP error: an [`ApiError`] body with a status, internals logged and never sent.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kyc_proto::{ApiError, ErrorCode};

use crate::store::StoreError;

/// An error a handler returns.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    body: ApiError,
}

impl AppError {
    /// An error with an explicit status.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, body: ApiError::new(code, message) }
    }

    /// 400 `invalid`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, message)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message)
    }

    /// 500 `internal`; the cause is logged (it must carry no personal data: store and IO
    /// errors name tables and operations, not values).
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error")
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &ApiError {
        &self.body
    }

    /// The same error with a stable rule code (see [`rules`]).
    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.body.rule = Some(rule.to_owned());
        self
    }

    /// 400 `invalid` for a rule JSON Schema cannot express, with its rule code.
    pub fn rule(rule: &'static str, message: impl Into<String>) -> Self {
        Self::invalid(message).with_rule(rule)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::not_found("not found"),
            StoreError::Conflict(why) => AppError::conflict(why),
            StoreError::Forbidden(why) => AppError::forbidden(why),
            StoreError::Invalid(why) => AppError::invalid(why),
            StoreError::Rule { rule, message } => AppError::rule(rule, message),
            e @ (StoreError::Corrupt(_) | StoreError::Backend(_)) => AppError::internal(&e),
        }
    }
}

impl From<JsonRejection> for AppError {
    // Nothing of serde's text is passed on as it is: it can quote the submitted value (`invalid
    // type: string "…"`, `unknown field `…``). The answer names the field path and the rule.
    fn from(r: JsonRejection) -> Self {
        match &r {
            JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                payload_too_large()
            }
            JsonRejection::MissingJsonContentType(_) => AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::Invalid,
                "expected content-type application/json",
            )
            .with_rule(rules::CONTENT_TYPE),
            JsonRejection::JsonDataError(e) => {
                let (rule, message) = crate::rejection::describe_data_error(e);
                // A date the schema allows but the calendar lacks is a rule, not a mismatch.
                let status = if rule == rules::CALENDAR_DATE {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                AppError::new(status, ErrorCode::Invalid, message).with_rule(rule)
            }
            JsonRejection::JsonSyntaxError(e) => AppError::invalid(format!(
                "the body is not well-formed JSON{}",
                crate::rejection::syntax_position(e)
            ))
            .with_rule(rules::MALFORMED_JSON),
            _ => AppError::invalid("the request body could not be read")
                .with_rule(rules::UNREADABLE_BODY),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::invalid("a path parameter is not a valid id").with_rule(rules::ID_SYNTAX)
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        let (rule, message) = crate::rejection::describe_query_error(&r);
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid, message).with_rule(rule)
    }
}

/// Stable rule codes of `invalid` errors (the `rule` of [`ApiError`]). Clients branch and log
/// on these; messages are for people.
pub mod rules {
    /// The body is not JSON.
    pub const MALFORMED_JSON: &str = "malformed_json";
    /// The body could not be read (aborted upload, bad encoding).
    pub const UNREADABLE_BODY: &str = "unreadable_body";
    /// The content type is not `application/json`.
    pub const CONTENT_TYPE: &str = "content_type";
    /// A required field is absent.
    pub const MISSING_FIELD: &str = "missing_field";
    /// A field the schema does not have.
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    /// A field given twice.
    pub const DUPLICATE_FIELD: &str = "duplicate_field";
    /// A value of the wrong JSON type.
    pub const WRONG_TYPE: &str = "wrong_type";
    /// A string outside its enumeration.
    pub const UNKNOWN_VARIANT: &str = "unknown_variant";
    /// A value outside its range or format.
    pub const INVALID_VALUE: &str = "invalid_value";
    /// An array or tuple of the wrong length.
    pub const INVALID_LENGTH: &str = "invalid_length";
    /// A date that does not exist (day 366 of a common year): 400, the schema cannot say it.
    pub const CALENDAR_DATE: &str = "calendar_date";
    /// An id outside `[A-Za-z0-9_-]{1,64}`.
    pub const ID_SYNTAX: &str = "id_syntax";
    /// A batch or list with too few or too many items.
    pub const BATCH_SIZE: &str = "batch_size";
    /// A number outside the documented range.
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// A text too long or too short.
    pub const TEXT_LENGTH: &str = "text_length";
    /// Media data that is not standard base64.
    pub const BASE64: &str = "base64";
    /// A media object over its size limit (see `kyc_proto::limits`).
    pub const MEDIA_TOO_LARGE: &str = "media_too_large";
    /// The case breaks an intake rule the schema cannot state (the message names it).
    pub const CASE_RULE: &str = "case_rule";
    /// An overturn verdict without a note.
    pub const NOTE_REQUIRED: &str = "note_required";
    /// A policy combination that is not allowed.
    pub const POLICY_RULE: &str = "policy_rule";
    /// Account fields breaking their rules (handle syntax, password length).
    pub const ACCOUNT_RULE: &str = "account_rule";
    /// A key-derivation spec cheaper than the hub accepts, or out of range.
    pub const KDF_TOO_WEAK: &str = "kdf_too_weak";
    /// An overturn without the corrected outcome its case kind's policy requires.
    pub const CORRECTION_REQUIRED: &str = "correction_required";
    /// A corrected outcome on an overturn whose policy sends the case back to the queue.
    pub const CORRECTION_NOT_ALLOWED: &str = "correction_not_allowed";
    /// An outcome this caller may not give (a supervisor's escalation, a corrected
    /// escalation).
    pub const OUTCOME_NOT_ALLOWED: &str = "outcome_not_allowed";
    /// A decision rule (consent for an approval, reasons for a rejection, ...), in the
    /// message.
    pub const DECISION_RULE: &str = "decision_rule";
    /// `since_seq` and `since_hash` of an audit verification: both or neither, well formed.
    pub const ANCHOR: &str = "anchor";
    /// Both a password and `reset_password`, or neither in a reset.
    pub const PASSWORD_CHOICE: &str = "password_choice";
}

/// 413 when the body limit layer refuses a body before any extractor runs.
pub(crate) fn payload_too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        "request body too large",
    )
}
