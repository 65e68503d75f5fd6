//! Checks over a whole case: which documents are present, expiry, consistency of names and
//! numbers across documents, the letter of authorisation, third-party verification answers,
//! consent — and [`run_checks`], which runs every check relevant to the case's kind.

use time::Date;

use super::id_number::{check_age, check_age_from_birth_date, check_id_number};
use super::messages::{document_code, keys};
use super::mrz::{Mrz, check_mrz, parse_mrz};
use super::normalise::{self, Script, name_key};
use super::numbers::{check_bank_card, check_permit_number, check_phone};
use super::uscc::check_uscc;
use super::{CheckId, CheckPolicy, CheckResult, CheckStatus};
use crate::case::{Applicant, Case, CaseKind, Document, DocumentKind, Subject};
use crate::consent::Consent;
use crate::verification::{Verification, VerificationResult};

fn not_provided(check: CheckId) -> CheckResult {
    CheckResult::new(check, CheckStatus::NotApplicable, keys::NOT_PROVIDED)
}

/// Checks one document's expiry date against the case date. `None` means the document shows
/// no expiry: that is "long-term" where `long_term_allowed` (ID cards of people over 45,
/// business licences with an unlimited operating period) and "not given" otherwise.
pub fn check_expiry(
    expires_on: Option<Date>,
    long_term_allowed: bool,
    case_date: Date,
    warning_days: u16,
) -> CheckResult {
    let Some(expires_on) = expires_on else {
        return if long_term_allowed {
            CheckResult::new(CheckId::Expiry, CheckStatus::Pass, keys::EXPIRY_LONG_TERM)
        } else {
            CheckResult::new(CheckId::Expiry, CheckStatus::NotApplicable, keys::EXPIRY_NOT_GIVEN)
        };
    };
    // A document is valid through its expiry day.
    let days_left = (expires_on - case_date).whole_days();
    let (status, key) = if days_left < 0 {
        (CheckStatus::Fail, keys::EXPIRY_EXPIRED)
    } else if days_left <= i64::from(warning_days) {
        (CheckStatus::Pass, keys::EXPIRY_SOON)
    } else {
        (CheckStatus::Pass, keys::EXPIRY_VALID)
    };
    let result =
        CheckResult::new(CheckId::Expiry, status, key).with("expires_on", expires_on.to_string());
    if days_left < 0 { result } else { result.with("days_left", days_left.to_string()) }
}

/// Fails without a consent record that permits approval ([`Consent::permits_approval`]).
pub fn check_consent(consent: Option<&Consent>) -> CheckResult {
    match consent {
        None => CheckResult::new(CheckId::Consent, CheckStatus::Fail, keys::CONSENT_MISSING),
        Some(c) if !c.permits_approval() => {
            CheckResult::new(CheckId::Consent, CheckStatus::Fail, keys::CONSENT_INSUFFICIENT)
        }
        Some(c) => CheckResult::new(CheckId::Consent, CheckStatus::Pass, keys::CONSENT_OK)
            .with("version", c.instructions_version.trim()),
    }
}

/// Whether the enterprise acts through a letter of authorisation (rather than its legal
/// representative in person): the application names an authorised person, or the case holds
/// a letter or documents of an authorised person.
fn acts_by_letter(case: &Case) -> bool {
    let named = matches!(
        &case.applicant,
        Applicant::Enterprise { authorised_person_name: Some(n), .. } if !n.trim().is_empty()
    );
    named
        || case.documents.iter().any(|d| {
            d.kind == DocumentKind::AuthorisationLetter || d.subject == Subject::AuthorisedPerson
        })
}

fn has(case: &Case, kind: DocumentKind, subject: Subject) -> bool {
    case.documents.iter().any(|d| d.kind == kind && d.subject == subject)
}

/// Checks that the documents the case kind needs are present:
/// ID card: both sides and a face video; bank card: the card and a face photo; other
/// document: a passport, foreign driving licence or Home Visit Permit; enterprise
/// certificate: the business licence and the legal representative's ID card (front), or the
/// letter of authorisation and the authorised person's ID card (front); enterprise account:
/// nothing beyond the account verification.
pub fn check_documents_present(case: &Case) -> CheckResult {
    use DocumentKind as K;
    use Subject as S;
    let mut missing: Vec<&'static str> = Vec::new();
    let mut need = |kind: K, subject: S| {
        if !has(case, kind, subject) {
            missing.push(document_code(kind));
        }
    };
    match case.kind {
        CaseKind::IndividualIdCard => {
            need(K::IdCardFront, S::Applicant);
            need(K::IdCardBack, S::Applicant);
            need(K::FaceVideo, S::Applicant);
        }
        CaseKind::IndividualBankCard => {
            need(K::BankCard, S::Applicant);
            need(K::FacePhoto, S::Applicant);
        }
        CaseKind::IndividualOtherDocument => {
            let any = [K::Passport, K::ForeignDrivingLicence, K::HomeVisitPermit]
                .into_iter()
                .any(|k| has(case, k, S::Applicant));
            if !any {
                missing.push(document_code(K::Passport));
            }
        }
        CaseKind::EnterpriseCertificate => {
            need(K::BusinessLicence, S::Applicant);
            if acts_by_letter(case) {
                need(K::AuthorisationLetter, S::Applicant);
                need(K::IdCardFront, S::AuthorisedPerson);
            } else {
                need(K::IdCardFront, S::LegalRepresentative);
            }
        }
        CaseKind::EnterpriseAccount => {}
    }
    if missing.is_empty() {
        CheckResult::new(CheckId::Documents, CheckStatus::Pass, keys::DOCUMENTS_OK)
    } else {
        CheckResult::new(CheckId::Documents, CheckStatus::Fail, keys::DOCUMENTS_MISSING)
            .with("documents", missing.join(","))
    }
}

/// Compares names from several sources (`(source code, raw name)`), within each script
/// (see [`normalise`]). Not applicable with fewer than two comparable names.
pub fn check_names(check: CheckId, sources: &[(&'static str, &str)]) -> CheckResult {
    let keyed: Vec<(&'static str, Script, String)> = sources
        .iter()
        .filter_map(|(src, raw)| name_key(raw).map(|(script, key)| (*src, script, key)))
        .collect();
    let mut compared: Vec<&'static str> = Vec::new();
    let mut mismatched: Vec<&'static str> = Vec::new();
    for script in [Script::Han, Script::Latin] {
        let group: Vec<&(&'static str, Script, String)> =
            keyed.iter().filter(|(_, s, _)| *s == script).collect();
        if group.len() < 2 {
            continue;
        }
        compared.extend(group.iter().map(|(src, _, _)| *src));
        if group.iter().any(|(_, _, k)| *k != group[0].2) {
            mismatched.extend(group.iter().map(|(src, _, _)| *src));
        }
    }
    if !mismatched.is_empty() {
        CheckResult::new(check, CheckStatus::Fail, keys::NAMES_MISMATCH)
            .with("sources", dedup_join(mismatched))
    } else if compared.is_empty() {
        CheckResult::new(check, CheckStatus::NotApplicable, keys::NAMES_SINGLE)
    } else {
        CheckResult::new(check, CheckStatus::Pass, keys::NAMES_MATCH)
            .with("sources", dedup_join(compared))
    }
}

/// Compares numbers from several sources after [`normalise::number`]. Not applicable with
/// fewer than two non-empty numbers.
pub fn check_numbers(sources: &[(&'static str, &str)]) -> CheckResult {
    let keyed: Vec<(&'static str, String)> = sources
        .iter()
        .map(|(src, raw)| (*src, normalise::number(raw)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    let srcs = || dedup_join(keyed.iter().map(|(s, _)| *s).collect());
    if keyed.len() < 2 {
        CheckResult::new(
            CheckId::NumberConsistency,
            CheckStatus::NotApplicable,
            keys::NUMBERS_SINGLE,
        )
    } else if keyed.iter().any(|(_, n)| *n != keyed[0].1) {
        CheckResult::new(CheckId::NumberConsistency, CheckStatus::Fail, keys::NUMBERS_MISMATCH)
            .with("sources", srcs())
    } else {
        CheckResult::new(CheckId::NumberConsistency, CheckStatus::Pass, keys::NUMBERS_MATCH)
            .with("sources", srcs())
    }
}

fn dedup_join(mut v: Vec<&'static str>) -> String {
    let mut seen = Vec::new();
    v.retain(|s| {
        let new = !seen.contains(s);
        seen.push(*s);
        new
    });
    v.join(",")
}

/// Checks the letter of authorisation when the enterprise acts by letter: present, naming a
/// person, that person being the application's authorised person (and the name on the
/// authorised person's ID card), and that ID card present.
pub fn check_authorisation(case: &Case) -> CheckResult {
    let r = |status, key| CheckResult::new(CheckId::Authorisation, status, key);
    if !matches!(case.applicant, Applicant::Enterprise { .. }) || !acts_by_letter(case) {
        return r(CheckStatus::NotApplicable, keys::AUTHORISATION_NOT_BY_LETTER);
    }
    let Some(letter) = case.documents_of(DocumentKind::AuthorisationLetter).next() else {
        return r(CheckStatus::Fail, keys::AUTHORISATION_LETTER_MISSING);
    };
    let Some(named) = letter.fields.authorised_person.as_deref().and_then(name_key) else {
        return r(CheckStatus::Fail, keys::AUTHORISATION_NO_PERSON);
    };
    let declared = match &case.applicant {
        Applicant::Enterprise { authorised_person_name, .. } => authorised_person_name.as_deref(),
        Applicant::Individual { .. } => None,
    };
    let card = case
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::IdCardFront && d.subject == Subject::AuthorisedPerson);
    let others = [declared, card.and_then(|d| d.fields.name.as_deref())];
    let mismatch = others
        .into_iter()
        .flatten()
        .filter_map(name_key)
        .any(|other| other.0 == named.0 && other.1 != named.1);
    if mismatch {
        return r(CheckStatus::Fail, keys::AUTHORISATION_PERSON_MISMATCH);
    }
    if card.is_none() {
        return r(CheckStatus::Fail, keys::AUTHORISATION_ID_CARD_MISSING);
    }
    r(CheckStatus::Pass, keys::AUTHORISATION_OK)
}

fn verification_code(v: &Verification) -> &'static str {
    match v {
        Verification::IdNameNumber { .. } => "id_name_number",
        Verification::FaceSimilarity { .. } => "face_similarity",
        Verification::BankFourElements { .. } => "bank_four_elements",
        Verification::CorporateAccount { .. } => "corporate_account",
    }
}

/// One result per verification answer in the case, plus a not-applicable
/// `verification.missing` for each answer the case kind expects but lacks.
pub fn check_verifications(case: &Case) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for VerificationResult { authority, result } in &case.verifications {
        let status = if result.passed() { CheckStatus::Pass } else { CheckStatus::Fail };
        let pass = result.passed();
        let key = match result {
            Verification::IdNameNumber { .. } if pass => keys::VERIFICATION_ID_MATCHED,
            Verification::IdNameNumber { .. } => keys::VERIFICATION_ID_MISMATCH,
            Verification::FaceSimilarity { .. } if pass => keys::VERIFICATION_FACE_PASSED,
            Verification::FaceSimilarity { .. } => keys::VERIFICATION_FACE_FAILED,
            Verification::BankFourElements { .. } if pass => keys::VERIFICATION_BANK_MATCHED,
            Verification::BankFourElements { .. } => keys::VERIFICATION_BANK_MISMATCH,
            Verification::CorporateAccount { .. } if pass => keys::VERIFICATION_ACCOUNT_VERIFIED,
            Verification::CorporateAccount { .. } => keys::VERIFICATION_ACCOUNT_FAILED,
        };
        let mut r = CheckResult::new(CheckId::Verification, status, key)
            .with("authority", authority.trim());
        if let Verification::FaceSimilarity { score, threshold } = result {
            r = r.with("score", score.to_string()).with("threshold", threshold.to_string());
        }
        out.push(r);
    }
    let expected: &[&str] = match case.kind {
        CaseKind::IndividualIdCard => &["id_name_number", "face_similarity"],
        CaseKind::IndividualBankCard => &["bank_four_elements", "face_similarity"],
        CaseKind::EnterpriseAccount => &["corporate_account"],
        CaseKind::IndividualOtherDocument | CaseKind::EnterpriseCertificate => &[],
    };
    for code in expected {
        if !case.verifications.iter().any(|v| verification_code(&v.result) == *code) {
            out.push(
                CheckResult::new(
                    CheckId::Verification,
                    CheckStatus::NotApplicable,
                    keys::VERIFICATION_MISSING,
                )
                .with("verification", *code),
            );
        }
    }
    out
}

/// Whether a document without an expiry date is "long-term" rather than "not given".
fn long_term_allowed(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::IdCardBack | DocumentKind::BusinessLicence)
}

/// Documents whose validity period matters. The ID card's period is printed on its back; a
/// front carrying an expiry (from OCR of the back) is checked too.
fn expires(doc: &Document) -> bool {
    match doc.kind {
        DocumentKind::IdCardBack
        | DocumentKind::Passport
        | DocumentKind::ForeignDrivingLicence
        | DocumentKind::HomeVisitPermit
        | DocumentKind::BusinessLicence => true,
        DocumentKind::IdCardFront | DocumentKind::BankCard => doc.fields.expires_on.is_some(),
        DocumentKind::AuthorisationLetter | DocumentKind::FacePhoto | DocumentKind::FaceVideo => {
            false
        }
    }
}

/// Whose declared ID number to check.
struct Person<'a> {
    subject: Subject,
    id_number: Option<&'a str>,
}

fn people(case: &Case) -> Vec<Person<'_>> {
    match &case.applicant {
        Applicant::Individual { id_number, .. } => {
            vec![Person { subject: Subject::Applicant, id_number: id_number.as_deref() }]
        }
        Applicant::Enterprise {
            legal_representative_id_number,
            authorised_person_id_number,
            ..
        } => {
            let mut v = vec![Person {
                subject: Subject::LegalRepresentative,
                id_number: legal_representative_id_number.as_deref(),
            }];
            if acts_by_letter(case) {
                v.push(Person {
                    subject: Subject::AuthorisedPerson,
                    id_number: authorised_person_id_number.as_deref(),
                });
            }
            v
        }
    }
}

/// Runs every check relevant to the case's kind, in the order the case view shows them:
/// documents present, numbers (ID numbers and ages of every person involved, card, phone,
/// USCC, MRZ, permit), expiry per document, consistency of names and numbers, legal
/// representative, authorisation, third-party verifications, consent. Absent optional inputs
/// give not-applicable results, so the reviewer sees what was not checked.
pub fn run_checks(case: &Case, policy: &CheckPolicy) -> Vec<CheckResult> {
    let date = case.submitted_on;
    let mut out = vec![check_documents_present(case)];

    // Mainland ID numbers and ages of the people involved. In other-document cases the
    // person usually has no mainland ID number: the MRZ birth date gives the age instead.
    for p in people(case) {
        let needs_id = case.kind != CaseKind::IndividualOtherDocument;
        match p.id_number.filter(|s| !s.trim().is_empty()) {
            Some(id) => {
                out.push(check_id_number(id, date).subject(p.subject));
                out.push(check_age(id, date, policy.min_age).subject(p.subject));
            }
            None if needs_id && case.kind != CaseKind::EnterpriseAccount => {
                out.push(not_provided(CheckId::IdNumber).subject(p.subject));
            }
            None => {}
        }
    }

    let mrzs: Vec<(DocumentKind, Option<Mrz>)> = case
        .documents
        .iter()
        .filter_map(|d| {
            let lines = d.fields.mrz.as_ref()?;
            out.push(check_mrz(lines, date).document(d.kind).subject(d.subject));
            Some((d.kind, parse_mrz(lines, date).ok()))
        })
        .collect();

    match &case.applicant {
        Applicant::Individual { bank_card_number, phone, document_number, .. } => {
            if case.kind == CaseKind::IndividualBankCard {
                out.push(match bank_card_number.as_deref() {
                    Some(n) => check_bank_card(n),
                    None => not_provided(CheckId::BankCard),
                });
                out.push(match phone.as_deref() {
                    Some(n) => check_phone(n),
                    None => not_provided(CheckId::Phone),
                });
            }
            if case.kind == CaseKind::IndividualOtherDocument {
                for d in case.documents_of(DocumentKind::HomeVisitPermit) {
                    let number = d.fields.number.as_deref().or(document_number.as_deref());
                    out.push(match number {
                        Some(n) => check_permit_number(n).document(d.kind),
                        None => not_provided(CheckId::PermitNumber).document(d.kind),
                    });
                }
                let id_number_given =
                    matches!(&case.applicant, Applicant::Individual { id_number: Some(_), .. });
                if !id_number_given {
                    for (kind, mrz) in &mrzs {
                        if let Some(mrz) = mrz {
                            out.push(
                                check_age_from_birth_date(mrz.birth_date, date, policy.min_age)
                                    .document(*kind),
                            );
                        }
                    }
                }
            }
        }
        Applicant::Enterprise { uscc, .. } => {
            if case.kind == CaseKind::EnterpriseCertificate || uscc.is_some() {
                out.push(match uscc.as_deref() {
                    Some(n) => check_uscc(n),
                    None => not_provided(CheckId::Uscc),
                });
            }
        }
    }

    for d in case.documents.iter().filter(|d| expires(d)) {
        out.push(
            check_expiry(
                d.fields.expires_on,
                long_term_allowed(d.kind),
                date,
                policy.expiry_warning_days,
            )
            .document(d.kind)
            .subject(d.subject),
        );
    }

    out.extend(consistency(case, &mrzs));
    out.push(check_authorisation(case));
    out.extend(check_verifications(case));
    out.push(check_consent(case.consent.as_ref()));
    out
}

/// Name and number consistency per person, plus company name, USCC and legal representative
/// for enterprises, plus MRZ names and numbers for documents that carry one.
fn consistency(case: &Case, mrzs: &[(DocumentKind, Option<Mrz>)]) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let docs_of = |subject: Subject| case.documents.iter().filter(move |d| d.subject == subject);
    let mrz_of =
        |kind: DocumentKind| mrzs.iter().find(|(k, _)| *k == kind).and_then(|(_, m)| m.as_ref());
    let mrz_names: Vec<(DocumentKind, String)> = mrzs
        .iter()
        .filter_map(|(k, m)| m.as_ref().map(|m| (*k, format!("{} {}", m.surname, m.given_names))))
        .collect();

    match &case.applicant {
        Applicant::Individual { name, id_number, bank_card_number, document_number, .. } => {
            let mut names: Vec<(&'static str, &str)> = vec![("application", name)];
            for d in docs_of(Subject::Applicant) {
                if let Some(n) = d.fields.name.as_deref() {
                    names.push((document_code(d.kind), n));
                }
            }
            for (_, n) in &mrz_names {
                names.push(("mrz", n));
            }
            out.push(check_names(CheckId::NameConsistency, &names));

            if let Some(id) = id_number.as_deref() {
                let mut nums = vec![("application", id)];
                for d in case.documents_of(DocumentKind::IdCardFront) {
                    if let Some(n) = d.fields.number.as_deref() {
                        nums.push(("id_card_front", n));
                    }
                }
                if nums.len() > 1 {
                    out.push(check_numbers(&nums));
                }
            }
            if let Some(card) = bank_card_number.as_deref() {
                let mut nums = vec![("application", card)];
                for d in case.documents_of(DocumentKind::BankCard) {
                    if let Some(n) = d.fields.number.as_deref() {
                        nums.push(("bank_card", n));
                    }
                }
                out.push(check_numbers(&nums));
            }
            if case.kind == CaseKind::IndividualOtherDocument {
                let mut nums: Vec<(&'static str, &str)> = Vec::new();
                if let Some(n) = document_number.as_deref() {
                    nums.push(("application", n));
                }
                for d in case.documents.iter().filter(|d| {
                    matches!(
                        d.kind,
                        DocumentKind::Passport
                            | DocumentKind::HomeVisitPermit
                            | DocumentKind::ForeignDrivingLicence
                    )
                }) {
                    if let Some(n) = d.fields.number.as_deref() {
                        nums.push((document_code(d.kind), n));
                    }
                    if let Some(m) = mrz_of(d.kind) {
                        nums.push(("mrz", m.document_number.as_str()));
                    }
                }
                out.push(check_numbers(&nums));
            }
        }
        Applicant::Enterprise {
            company_name,
            uscc,
            legal_representative_name,
            legal_representative_id_number,
            authorised_person_name,
            authorised_person_id_number,
            ..
        } => {
            let licence = case.documents_of(DocumentKind::BusinessLicence).next();
            let mut names = vec![("application", company_name.as_str())];
            if let Some(n) = licence.and_then(|d| d.fields.name.as_deref()) {
                names.push(("business_licence", n));
            }
            out.push(check_names(CheckId::NameConsistency, &names));
            if let Some(u) = uscc.as_deref() {
                let mut nums = vec![("application", u)];
                if let Some(n) = licence.and_then(|d| d.fields.number.as_deref()) {
                    nums.push(("business_licence", n));
                }
                out.push(check_numbers(&nums));
            }
            if case.kind == CaseKind::EnterpriseCertificate {
                let mut rep: Vec<(&'static str, &str)> = Vec::new();
                if let Some(n) = legal_representative_name.as_deref() {
                    rep.push(("application", n));
                }
                if let Some(n) = licence.and_then(|d| d.fields.legal_representative.as_deref()) {
                    rep.push(("business_licence", n));
                }
                for d in docs_of(Subject::LegalRepresentative) {
                    if let Some(n) = d.fields.name.as_deref() {
                        rep.push((document_code(d.kind), n));
                    }
                }
                out.push(
                    check_names(CheckId::LegalRepresentative, &rep)
                        .subject(Subject::LegalRepresentative),
                );
            }
            let mut person_numbers =
                vec![(Subject::LegalRepresentative, legal_representative_id_number.as_deref())];
            if acts_by_letter(case) {
                let mut auth: Vec<(&'static str, &str)> = Vec::new();
                if let Some(n) = authorised_person_name.as_deref() {
                    auth.push(("application", n));
                }
                for d in case.documents_of(DocumentKind::AuthorisationLetter) {
                    if let Some(n) = d.fields.authorised_person.as_deref() {
                        auth.push(("authorisation_letter", n));
                    }
                }
                for d in docs_of(Subject::AuthorisedPerson) {
                    if let Some(n) = d.fields.name.as_deref() {
                        auth.push((document_code(d.kind), n));
                    }
                }
                out.push(
                    check_names(CheckId::NameConsistency, &auth).subject(Subject::AuthorisedPerson),
                );
                person_numbers
                    .push((Subject::AuthorisedPerson, authorised_person_id_number.as_deref()));
            }
            for (subject, declared) in person_numbers {
                let mut nums: Vec<(&'static str, &str)> = Vec::new();
                if let Some(n) = declared {
                    nums.push(("application", n));
                }
                for d in docs_of(subject).filter(|d| d.kind == DocumentKind::IdCardFront) {
                    if let Some(n) = d.fields.number.as_deref() {
                        nums.push(("id_card_front", n));
                    }
                }
                if nums.len() > 1 {
                    out.push(check_numbers(&nums).subject(subject));
                }
            }
        }
    }
    out
}
