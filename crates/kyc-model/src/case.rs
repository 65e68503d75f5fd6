//! A case: one applicant's identity-verification submission, as a reviewer sees it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::consent::Consent;
use crate::ids::{CaseId, MediaId};
use crate::verification::VerificationResult;

/// The kinds of real-name authentication the source instructions describe (DESIGN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Individual, mainland ID card plus a face video.
    IndividualIdCard,
    /// Individual, bank card plus the phone number used to open the account and a face image.
    IndividualBankCard,
    /// Individual, another identity document: passport, foreign driving licence or Home Visit
    /// Permit for Hong Kong / Macao residents.
    IndividualOtherDocument,
    /// Enterprise, business licence plus the legal representative's ID card, or a letter of
    /// authorisation plus the authorised person's ID card.
    EnterpriseCertificate,
    /// Enterprise, corporate bank account verification.
    EnterpriseAccount,
}

impl CaseKind {
    /// Every kind, in a stable order.
    pub const ALL: [CaseKind; 5] = [
        CaseKind::IndividualIdCard,
        CaseKind::IndividualBankCard,
        CaseKind::IndividualOtherDocument,
        CaseKind::EnterpriseCertificate,
        CaseKind::EnterpriseAccount,
    ];

    /// Stable snake_case code, as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            CaseKind::IndividualIdCard => "individual_id_card",
            CaseKind::IndividualBankCard => "individual_bank_card",
            CaseKind::IndividualOtherDocument => "individual_other_document",
            CaseKind::EnterpriseCertificate => "enterprise_certificate",
            CaseKind::EnterpriseAccount => "enterprise_account",
        }
    }

    /// Whether the applicant is a person (as opposed to an enterprise).
    pub fn is_individual(self) -> bool {
        matches!(
            self,
            CaseKind::IndividualIdCard
                | CaseKind::IndividualBankCard
                | CaseKind::IndividualOtherDocument
        )
    }
}

/// How urgently a case should be reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Ordinary.
    Normal,
    /// Ahead of ordinary cases.
    High,
}

/// The kinds of evidence a case can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Mainland resident ID card, portrait side (name, number, address, photo).
    IdCardFront,
    /// Mainland resident ID card, emblem side (issuing authority, validity period).
    IdCardBack,
    /// Bank card.
    BankCard,
    /// Passport data page (with its machine-readable zone).
    Passport,
    /// Driving licence issued outside mainland China.
    ForeignDrivingLicence,
    /// Mainland Travel Permit for Hong Kong and Macao Residents (Home Visit Permit).
    HomeVisitPermit,
    /// Business licence with the unified social credit code.
    BusinessLicence,
    /// Letter of authorisation from an enterprise to an authorised person.
    AuthorisationLetter,
    /// A still image of the applicant's face.
    FacePhoto,
    /// A short video of the applicant's face (liveness).
    FaceVideo,
}

impl DocumentKind {
    /// Whether the evidence is a video rather than a still image.
    pub fn is_video(self) -> bool {
        self == DocumentKind::FaceVideo
    }
}

/// Whose document it is. Enterprise cases carry documents of several people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// The applicant (a person, or the enterprise itself).
    Applicant,
    /// The enterprise's legal representative.
    LegalRepresentative,
    /// The person the enterprise authorised by letter.
    AuthorisedPerson,
}

/// The values read off a document (by the upstream system's OCR or typed by the applicant).
/// All optional: which fields a document has depends on its kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentFields {
    /// Name of the person (or company, for a business licence) as printed.
    pub name: Option<String>,
    /// Document or identity number as printed (ID number, passport number, permit number,
    /// card number, USCC).
    pub number: Option<String>,
    /// Date the document expires; `None` for documents without expiry (or "long-term").
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::WireDate>))]
    pub expires_on: Option<Date>,
    /// Machine-readable zone lines, for passports (TD3) and ID-style documents (TD1).
    pub mrz: Option<Vec<String>>,
    /// Legal representative named on a business licence.
    pub legal_representative: Option<String>,
    /// Person named as authorised on a letter of authorisation.
    pub authorised_person: Option<String>,
}

/// One piece of evidence: its kind, whose it is, what it says, and its media.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What the document is.
    pub kind: DocumentKind,
    /// Whose document it is.
    pub subject: Subject,
    /// Values read off it.
    #[serde(default)]
    pub fields: DocumentFields,
    /// Its images or video, in display order.
    pub media: Vec<MediaId>,
}

/// The applicant's own declared data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Applicant {
    /// A natural person.
    Individual {
        /// Full name.
        name: String,
        /// Mainland ID number (GB 11643), when the case uses one.
        id_number: Option<String>,
        /// Bank card number, for bank-card cases.
        bank_card_number: Option<String>,
        /// Mobile phone number used to open the bank account, for bank-card cases.
        phone: Option<String>,
        /// Number of the other identity document, for other-document cases.
        document_number: Option<String>,
    },
    /// An enterprise.
    Enterprise {
        /// Registered company name.
        company_name: String,
        /// Unified social credit code (GB 32100), when the case uses the corporate certificate.
        uscc: Option<String>,
        /// Legal representative's name.
        legal_representative_name: Option<String>,
        /// Legal representative's mainland ID number.
        legal_representative_id_number: Option<String>,
        /// Authorised person's name, when acting by letter of authorisation.
        authorised_person_name: Option<String>,
        /// Authorised person's mainland ID number.
        authorised_person_id_number: Option<String>,
        /// Corporate bank account number, for corporate-account cases.
        account_number: Option<String>,
        /// Bank holding the corporate account.
        bank_name: Option<String>,
    },
}

/// A whole case as the workstation holds it (payload only: media bytes travel separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Opaque id.
    pub id: CaseId,
    /// Which kind of authentication.
    pub kind: CaseKind,
    /// Review priority.
    pub priority: Priority,
    /// The day the applicant submitted; checks of age and expiry are made against it.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::WireDate))]
    pub submitted_on: Date,
    /// The applicant's declared data.
    pub applicant: Applicant,
    /// The evidence (at least one document).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub documents: Vec<Document>,
    /// Results from third-party verification authorities.
    pub verifications: Vec<VerificationResult>,
    /// The applicant's consent record; a case without one can never be approved.
    pub consent: Option<Consent>,
}

impl Case {
    /// Documents of one kind, in order.
    pub fn documents_of(&self, kind: DocumentKind) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }

    /// Every media id the case refers to, in document order.
    pub fn media_ids(&self) -> impl Iterator<Item = &MediaId> {
        self.documents.iter().flat_map(|d| d.media.iter())
    }
}
