//! Domain types of KYC Desk: case kinds, documents, applicant fields, third-party verification
//! results, consent, decisions with reason codes, the case state machines, and the document
//! checks (GB 11643, Luhn, GB 32100, ICAO 9303, ...).
//!
//! This crate does no IO and knows nothing of storage, HTTP or the UI. Nothing in it logs, and
//! no error it returns carries personal data: errors name rules and fields, never values.

#![deny(unsafe_code)]

pub mod case;
pub mod checks;
pub mod consent;
pub mod decision;
pub mod ids;
pub mod reason;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod state;
pub mod verification;

pub use case::{
    Applicant, Case, CaseKind, Document, DocumentFields, DocumentKind, Priority, Subject,
};
pub use consent::Consent;
pub use decision::{Decision, DecisionError, MAX_APPLICANT_TEXT_CHARS, Outcome};
pub use ids::{CaseId, IdError, MediaId, UserId};
pub use reason::{Finality, ReasonCode};
pub use state::{CaseEvent, CaseState, LocalEvent, LocalState, TransitionError};
pub use verification::{Verification, VerificationResult};
