//! The applicant's consent record. The source instructions promise that consent is solicited
//! for sensitive personal data; a case without a consent record can never be approved.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Which version of the real-name authentication instructions the applicant accepted, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Version label of the instructions accepted (for example `"2021-12-30"`).
    pub instructions_version: String,
    /// When the applicant accepted them.
    #[serde(with = "time::serde::rfc3339")]
    pub accepted_at: OffsetDateTime,
    /// Whether the applicant explicitly consented to processing sensitive personal data
    /// (identity documents, biometrics) and to sharing it with verification authorities.
    pub sensitive_data: bool,
}

impl Consent {
    /// Whether this record is enough to approve a case.
    pub fn permits_approval(&self) -> bool {
        self.sensitive_data && !self.instructions_version.trim().is_empty()
    }
}
