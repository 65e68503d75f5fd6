//! A reviewer's decision on a case, and the rules a decision must satisfy before it is recorded.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Case, DocumentKind};
use crate::ids::CaseId;
use crate::reason::ReasonCode;

/// Longest note a reviewer may attach, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Longest text a reviewer may write for the applicant, in characters: a message an upstream
/// system shows on a phone screen, not a letter.
pub const MAX_APPLICANT_TEXT_CHARS: usize = 500;

/// What the reviewer decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Outcome {
    /// The applicant is verified.
    Approve,
    /// The applicant is not verified, for these reasons.
    Reject {
        /// At least one reason.
        reasons: Vec<ReasonCode>,
    },
    /// The applicant must submit these documents again.
    RequestResubmission {
        /// At least one document kind.
        documents: Vec<DocumentKind>,
        /// Why (may be empty when the note says it).
        reasons: Vec<ReasonCode>,
    },
    /// A senior reviewer must decide.
    Escalate,
}

impl Outcome {
    /// Stable code of the outcome's type.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Approve => "approve",
            Outcome::Reject { .. } => "reject",
            Outcome::RequestResubmission { .. } => "request_resubmission",
            Outcome::Escalate => "escalate",
        }
    }
}

/// A decision as recorded by the workstation and sent to the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The case decided.
    pub case_id: CaseId,
    /// What was decided.
    pub outcome: Outcome,
    /// Free-text note (personal data: sealed at rest, never logged).
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
    /// Free text the reviewer writes for the applicant, for a rejection or a resubmission
    /// request only: unlike `note` it leaves the hub, in the applicant message the
    /// organisation shows (personal data all the same: sealed at rest, purged with the case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub applicant_text: Option<String>,
    /// When the reviewer decided (the workstation's clock: shown, never used for statistics).
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    /// Milliseconds the case was open on the workstation with the app unlocked, measured with
    /// a monotonic clock: the product's one definition of handling time. The hub clamps it to
    /// the time between its lease grant and its receipt of the decision. Absent from clients
    /// that do not measure it (no handling time is then recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_ms: Option<u64>,
}

/// A rule a decision breaks. Names the rule only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum DecisionError {
    /// The case has no consent record that permits approval.
    #[error("a case without the applicant's consent cannot be approved")]
    ConsentMissing,
    /// A rejection must name at least one reason.
    #[error("a rejection needs at least one reason")]
    NoReason,
    /// A resubmission request must name at least one document.
    #[error("a resubmission request needs at least one document")]
    NoDocument,
    /// The same reason or document is listed twice.
    #[error("a reason or document is listed twice")]
    Duplicate,
    /// `Other` needs a note saying what the reason is.
    #[error("the reason 'other' needs a note")]
    OtherNeedsNote,
    /// The note is longer than [`MAX_NOTE_CHARS`].
    #[error("the note is longer than {MAX_NOTE_CHARS} characters")]
    NoteTooLong,
    /// The applicant text is longer than [`MAX_APPLICANT_TEXT_CHARS`].
    #[error("the applicant text is longer than {MAX_APPLICANT_TEXT_CHARS} characters")]
    ApplicantTextTooLong,
    /// Applicant text on an approval or an escalation, which send the applicant no message.
    #[error("only a rejection or a resubmission request carries an applicant text")]
    ApplicantTextNotAllowed,
    /// The applicant text holds control characters (other than line breaks).
    #[error("the applicant text holds control characters")]
    ApplicantTextControl,
    /// The decision names another case.
    #[error("the decision is for another case")]
    WrongCase,
}

fn has_duplicates<T: Ord + Copy>(items: &[T]) -> bool {
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.windows(2).any(|w| w[0] == w[1])
}

impl Decision {
    /// Checks the decision against the case it is for.
    pub fn validate(&self, case: &Case) -> Result<(), DecisionError> {
        if self.case_id != case.id {
            return Err(DecisionError::WrongCase);
        }
        let note_given = self.note.as_deref().is_some_and(|n| !n.trim().is_empty());
        if self.note.as_deref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(DecisionError::NoteTooLong);
        }
        if let Some(text) = self.applicant_text.as_deref() {
            if text.chars().count() > MAX_APPLICANT_TEXT_CHARS {
                return Err(DecisionError::ApplicantTextTooLong);
            }
            if text.chars().any(|c| c.is_control() && c != '\n') {
                return Err(DecisionError::ApplicantTextControl);
            }
            if matches!(self.outcome, Outcome::Approve | Outcome::Escalate) {
                return Err(DecisionError::ApplicantTextNotAllowed);
            }
        }
        let reasons: &[ReasonCode] = match &self.outcome {
            Outcome::Approve => {
                if !case.consent.as_ref().is_some_and(|c| c.permits_approval()) {
                    return Err(DecisionError::ConsentMissing);
                }
                &[]
            }
            Outcome::Reject { reasons } => {
                if reasons.is_empty() {
                    return Err(DecisionError::NoReason);
                }
                reasons
            }
            Outcome::RequestResubmission { documents, reasons } => {
                if documents.is_empty() {
                    return Err(DecisionError::NoDocument);
                }
                if has_duplicates(documents) {
                    return Err(DecisionError::Duplicate);
                }
                reasons
            }
            Outcome::Escalate => &[],
        };
        if has_duplicates(reasons) {
            return Err(DecisionError::Duplicate);
        }
        if reasons.contains(&ReasonCode::Other) && !note_given {
            return Err(DecisionError::OtherNeedsNote);
        }
        Ok(())
    }
}
