//! Feeding a case into the hub.
//!
//! Media travel inside the JSON as base64. Why not multipart or separate uploads: intake is a
//! server-to-server call made rarely compared with downloads; one request per case keeps
//! creation atomic (a case never exists with half its media), needs no upload-session state,
//! and the hub's intake body limit ([`crate::limits::MAX_INTAKE_BODY_BYTES`] by default) bounds
//! memory. Downloads, the hot path, are raw bytes with ranges.

use kyc_model::{Case, CaseId, MediaId};
use serde::{Deserialize, Serialize};

use crate::lease::MediaManifest;

/// Content types the hub accepts for media: what the workstation can safely decode or play.
pub const ALLOWED_CONTENT_TYPES: &[&str] =
    &["image/jpeg", "image/png", "image/webp", "video/mp4", "video/webm"];

/// The schema of a media content type: one of [`ALLOWED_CONTENT_TYPES`].
pub fn content_type_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ALLOWED_CONTENT_TYPES.iter().copied()))
        .build()
}

/// The schema of `data_base64`: standard padded base64 of 1 byte up to the video limit (the
/// image limit, which depends on the content type, is a rule the hub answers with 413).
pub fn media_data_schema() -> utoipa::openapi::schema::Object {
    let max = crate::limits::base64_len(crate::limits::MAX_VIDEO_BYTES);
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(
            "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$",
        ))
        .min_length(Some(4))
        .max_length(Some(max as usize))
        .description(Some(format!(
            "standard base64 with padding; images at most {} bytes, videos at most {} bytes \
             (decoded)",
            crate::limits::MAX_IMAGE_BYTES,
            crate::limits::MAX_VIDEO_BYTES
        )))
        .build()
}

/// `POST /api/v1/intake/cases`: a case and the bytes of every media object it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeCase {
    /// The case payload, validated against `kyc_model` (see `kyc_model::Case`).
    pub case: Case,
    /// One entry per media id the case's documents list, no more, no fewer.
    pub media: Vec<IntakeMedia>,
}

/// One media object of an intake.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeMedia {
    /// The id the case's documents use for it.
    pub id: MediaId,
    /// One of [`ALLOWED_CONTENT_TYPES`].
    #[schema(schema_with = content_type_schema)]
    pub content_type: String,
    /// The bytes, standard base64 with padding, within [`crate::limits`].
    #[schema(schema_with = media_data_schema)]
    pub data_base64: String,
}

impl std::fmt::Debug for IntakeMedia {
    // Media bytes are personal data (faces, documents): never in Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeMedia")
            .field("id", &self.id)
            .field("content_type", &self.content_type)
            .field("data_base64_len", &self.data_base64.len())
            .finish()
    }
}

/// The stored case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeResponse {
    /// The case id.
    pub case_id: CaseId,
    /// What was stored, with digests.
    pub media: Vec<MediaManifest>,
}
