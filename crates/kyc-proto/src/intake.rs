//! Feeding a case into the hub.
//!
//! Media travel inside the JSON as base64. Why not multipart or separate uploads: intake is a
//! server-to-server call made rarely compared with downloads; one request per case keeps
//! creation atomic (a case never exists with half its media), needs no upload-session state,
//! and the hub's intake body limit (default 64 MiB) bounds memory. Downloads, the hot path,
//! are raw bytes with ranges.

use kyc_model::{Case, CaseId, MediaId};
use serde::{Deserialize, Serialize};

use crate::lease::MediaManifest;

/// Content types the hub accepts for media: what the workstation can safely decode or play.
pub const ALLOWED_CONTENT_TYPES: &[&str] =
    &["image/jpeg", "image/png", "image/webp", "video/mp4", "video/webm"];

/// `POST /api/v1/intake/cases`: a case and the bytes of every media object it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeCase {
    /// The case payload, validated against `kyc_model` (see `kyc_model::Case`).
    #[schema(value_type = Object)]
    pub case: Case,
    /// One entry per media id the case's documents list, no more, no fewer.
    pub media: Vec<IntakeMedia>,
}

/// One media object of an intake.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeMedia {
    /// The id the case's documents use for it.
    #[schema(value_type = String)]
    pub id: MediaId,
    /// One of [`ALLOWED_CONTENT_TYPES`].
    pub content_type: String,
    /// The bytes, standard base64 with padding.
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
    #[schema(value_type = String)]
    pub case_id: CaseId,
    /// What was stored, with digests.
    pub media: Vec<MediaManifest>,
}
