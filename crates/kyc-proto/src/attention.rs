//! Poison cases: a workstation reports a case whose media it cannot use; the hub re-checks the
//! stored bytes itself and, only when its own check fails too, takes the case out of the queue
//! for an administrator ("needs attention"). A report the hub cannot confirm changes nothing,
//! so a reviewer cannot park cases at will.

use kyc_model::{CaseId, CaseKind, CaseState, MediaId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Why a workstation found a media object unusable, as a closed set of codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaProblemCode {
    /// The downloaded bytes do not match the digest of the lease.
    DigestMismatch,
    /// The download's size or digest header disagrees with the lease.
    SizeMismatch,
    /// The declared content type is not one the workstation shows, or the bytes are another
    /// format than declared.
    ContentTypeMismatch,
    /// The bytes are none of the supported formats.
    UnsupportedFormat,
    /// The object has no bytes.
    Empty,
    /// Larger than the media limits allow.
    TooLarge,
    /// The image declares more pixels than allowed (a decompression bomb).
    TooManyPixels,
    /// Decoding would need more memory than allowed.
    AllocationLimit,
    /// Truncated or malformed.
    Corrupt,
    /// A video codec that does not play in every webview the workstation runs on.
    UnsupportedCodec,
}

impl MediaProblemCode {
    /// Stable code, as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            MediaProblemCode::DigestMismatch => "digest_mismatch",
            MediaProblemCode::SizeMismatch => "size_mismatch",
            MediaProblemCode::ContentTypeMismatch => "content_type_mismatch",
            MediaProblemCode::UnsupportedFormat => "unsupported_format",
            MediaProblemCode::Empty => "empty",
            MediaProblemCode::TooLarge => "too_large",
            MediaProblemCode::TooManyPixels => "too_many_pixels",
            MediaProblemCode::AllocationLimit => "allocation_limit",
            MediaProblemCode::Corrupt => "corrupt",
            MediaProblemCode::UnsupportedCodec => "unsupported_codec",
        }
    }
}

/// `POST /api/v1/cases/{case_id}/media-problem` (reviewer holding the lease).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaProblemReport {
    /// The media object of the case that could not be used.
    #[schema(value_type = String, pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub media_id: MediaId,
    /// What the workstation found.
    pub reason: MediaProblemCode,
}

/// What the hub's own check of the stored bytes concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaProblemOutcome {
    /// The stored media fail the hub's check too: the case left the queue ("needs attention")
    /// and the reporter's lease ended.
    Confirmed,
    /// The stored media pass the hub's check: nothing changed (the reporter still holds the
    /// lease and may release it).
    Refuted,
}

/// The answer to a [`MediaProblemReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaProblemResponse {
    /// Confirmed or refuted.
    pub outcome: MediaProblemOutcome,
    /// The case's state now (`needs_attention` when confirmed, `leased` when refuted).
    #[schema(value_type = String)]
    pub case_state: CaseState,
    /// The rule the hub's check found broken (a media rule code such as `media_corrupt`),
    /// when confirmed.
    pub rule: Option<String>,
}

/// A case out of the queue, waiting for an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedsAttentionCase {
    /// The case.
    #[schema(value_type = String)]
    pub case_id: CaseId,
    /// Its kind.
    #[schema(value_type = String)]
    pub kind: CaseKind,
    /// The media object found unusable.
    #[schema(value_type = String)]
    pub media_id: MediaId,
    /// What the workstation reported.
    pub reported: MediaProblemCode,
    /// The rule the hub's own check found broken.
    pub rule: String,
    /// The reviewer whose report was confirmed.
    #[schema(value_type = String)]
    pub reported_by: UserId,
    /// When the hub confirmed it.
    #[serde(with = "time::serde::rfc3339")]
    pub confirmed_at: OffsetDateTime,
}

/// `GET /api/v1/admin/needs-attention` (admin): oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedsAttentionList {
    /// The cases.
    pub cases: Vec<NeedsAttentionCase>,
}

/// What an administrator does with a case that needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttentionAction {
    /// Back into the reviewers' queue (`open`), e.g. after the media were replaced upstream.
    ReturnToQueue,
    /// Closed as unusable (`closed_unusable`): never leased again; retention purges it like a
    /// decided case.
    CloseUnusable,
}

impl AttentionAction {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AttentionAction::ReturnToQueue => "return_to_queue",
            AttentionAction::CloseUnusable => "close_unusable",
        }
    }
}

/// `POST /api/v1/admin/needs-attention/{case_id}` (admin): resolves a case that needs
/// attention; audited. 409 when the case does not need attention (any more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttentionResolution {
    /// What to do.
    pub action: AttentionAction,
}

/// The answer to an [`AttentionResolution`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttentionResolved {
    /// The case's state now (`open` or `closed_unusable`).
    #[schema(value_type = String)]
    pub case_state: CaseState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_codes_are_snake_case_on_the_wire() {
        for code in [
            MediaProblemCode::DigestMismatch,
            MediaProblemCode::SizeMismatch,
            MediaProblemCode::ContentTypeMismatch,
            MediaProblemCode::UnsupportedFormat,
            MediaProblemCode::Empty,
            MediaProblemCode::TooLarge,
            MediaProblemCode::TooManyPixels,
            MediaProblemCode::AllocationLimit,
            MediaProblemCode::Corrupt,
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.code()));
        }
    }
}
