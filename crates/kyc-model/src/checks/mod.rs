//! Automated document checks a reviewer sees beside the evidence.
//!
//! Every check is total: it returns a [`CheckResult`] for any input (empty, huge, non-ASCII)
//! and never panics. A result carries a stable explanation key and parameters; the sentence
//! is rendered by [`CheckResult::explain`] in the reader's language. Parameters may hold values
//! derived from the case (a birth date, an age, the names read from an MRZ) because the
//! reviewer reads them in the case view, but never a whole ID, card or phone number: results
//! are not secrets, yet they should not spread identifiers further than the evidence itself.
//!
//! [`run_checks`] runs every check that is relevant to a case's kind.

#![warn(missing_docs)]

mod case_checks;
mod id_number;
mod messages;
mod mrz;
pub mod normalise;
mod numbers;
mod uscc;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::{DocumentKind, Subject};

pub use case_checks::{
    check_authorisation, check_consent, check_documents_present, check_expiry, check_names,
    check_numbers, check_verifications, run_checks,
};
pub use id_number::{
    IdNumber, IdNumberError, PROVINCE_CODES, Sex, age_on, check_age, check_age_from_birth_date,
    check_id_number, id_check_char, parse_id_number,
};
pub use messages::{CATALOGUE, Message, document_code, keys, message, subject_code, term};
pub use mrz::{Mrz, MrzError, MrzFormat, check_mrz, mrz_char_value, mrz_check_digit, parse_mrz};
pub use numbers::{
    PermitForm, check_bank_card, check_permit_number, check_phone, luhn_check_digit, luhn_valid,
    parse_permit_number, parse_phone,
};
pub use uscc::{USCC_ALPHABET, check_uscc, uscc_check_char};

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The rule holds (possibly with a warning key, such as "expires soon").
    Pass,
    /// The rule is broken.
    Fail,
    /// The rule does not apply or its input is absent.
    NotApplicable,
}

/// Which check produced a result. Codes are stable (snake_case on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// Every document the case kind needs is present.
    Documents,
    /// Mainland ID number, GB 11643-1999.
    IdNumber,
    /// Age at the case date against the policy minimum.
    Age,
    /// Bank card number: digits, length, Luhn.
    BankCard,
    /// Mainland mobile number format.
    Phone,
    /// Unified social credit code, GB 32100-2015.
    Uscc,
    /// Machine-readable zone, ICAO 9303 (TD3, TD1).
    Mrz,
    /// Home Visit Permit number format.
    PermitNumber,
    /// Document expiry against the case date.
    Expiry,
    /// A person's (or company's) name is the same on every source.
    NameConsistency,
    /// A number is the same on every source.
    NumberConsistency,
    /// The legal representative named on the licence, the application and the ID card agree.
    LegalRepresentative,
    /// Letter of authorisation present and naming the authorised person.
    Authorisation,
    /// A third-party verification authority's answer.
    Verification,
    /// A consent record that permits approval.
    Consent,
}

impl CheckId {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            CheckId::Documents => "documents",
            CheckId::IdNumber => "id_number",
            CheckId::Age => "age",
            CheckId::BankCard => "bank_card",
            CheckId::Phone => "phone",
            CheckId::Uscc => "uscc",
            CheckId::Mrz => "mrz",
            CheckId::PermitNumber => "permit_number",
            CheckId::Expiry => "expiry",
            CheckId::NameConsistency => "name_consistency",
            CheckId::NumberConsistency => "number_consistency",
            CheckId::LegalRepresentative => "legal_representative",
            CheckId::Authorisation => "authorisation",
            CheckId::Verification => "verification",
            CheckId::Consent => "consent",
        }
    }
}

/// The reader's language for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

/// One check's result: what was checked, the outcome, and what to tell the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Which check.
    pub check: CheckId,
    /// Its outcome.
    pub status: CheckStatus,
    /// Explanation key in the [`CATALOGUE`], e.g. `"id_number.check_digit"`.
    pub key: &'static str,
    /// Values the explanation uses.
    pub params: BTreeMap<&'static str, String>,
    /// Whose data was checked, when the case concerns several people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// Which document was checked, when the check is about one document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentKind>,
}

impl CheckResult {
    /// A result without parameters.
    pub fn new(check: CheckId, status: CheckStatus, key: &'static str) -> Self {
        CheckResult { check, status, key, params: BTreeMap::new(), subject: None, document: None }
    }

    /// Adds a parameter.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.params.insert(name, value.into());
        self
    }

    /// Sets whose data was checked.
    pub fn subject(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Sets which document was checked.
    pub fn document(mut self, document: DocumentKind) -> Self {
        self.document = Some(document);
        self
    }

    /// The plain sentence a reviewer reads, in English or Simplified Chinese, prefixed with
    /// the person and document it concerns when that is not simply the applicant.
    pub fn explain(&self, lang: Lang) -> String {
        messages::render(self, lang)
    }

    /// Whether this is a failure.
    pub fn is_fail(&self) -> bool {
        self.status == CheckStatus::Fail
    }
}

/// Thresholds the checks apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPolicy {
    /// Minimum age in full years at the case date.
    pub min_age: u8,
    /// A document that expires within this many days after the case date passes with the
    /// warning key `expiry.expires_soon`.
    pub expiry_warning_days: u16,
}

impl Default for CheckPolicy {
    fn default() -> Self {
        CheckPolicy { min_age: 18, expiry_warning_days: 30 }
    }
}
