//! Results a case carries from third-party verification authorities.

use serde::{Deserialize, Serialize};

/// One authority's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerificationResult {
    /// Name of the authority that answered (an organisation, not a person).
    pub authority: String,
    /// What it answered.
    pub result: Verification,
}

/// The kinds of third-party verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Verification {
    /// The ID authority's check that the name and ID number belong together.
    IdNameNumber {
        /// Whether they matched.
        matched: bool,
    },
    /// Face comparison between the document portrait and the face photo or video.
    FaceSimilarity {
        /// Similarity score, 0 to 100.
        #[cfg_attr(feature = "openapi", schema(maximum = 255))]
        score: u8,
        /// Score at or above which the authority considers it the same person.
        #[cfg_attr(feature = "openapi", schema(maximum = 255))]
        threshold: u8,
    },
    /// Bank four-element verification: name, ID number, card number and phone number.
    BankFourElements {
        /// Whether all four matched.
        matched: bool,
    },
    /// Corporate account verification (for example a small deposit confirmed by the company).
    CorporateAccount {
        /// Whether the account was verified.
        verified: bool,
        /// Whether the account holder's name equals the company name.
        holder_name_matches: bool,
    },
}

impl Verification {
    /// Whether the authority's answer is favourable.
    pub fn passed(&self) -> bool {
        match *self {
            Verification::IdNameNumber { matched } => matched,
            Verification::FaceSimilarity { score, threshold } => score >= threshold,
            Verification::BankFourElements { matched } => matched,
            Verification::CorporateAccount { verified, holder_name_matches } => {
                verified && holder_name_matches
            }
        }
    }
}
