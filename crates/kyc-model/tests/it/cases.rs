//! `run_checks` over whole cases: a clean case of every kind passes, and each flaw fails the
//! check a reviewer expects, with an explanation in both languages.

use kyc_model::checks::{
    CheckId, CheckPolicy, CheckResult, CheckStatus, Lang, message, run_checks,
};
use kyc_model::{
    Applicant, Case, CaseId, CaseKind, Consent, Document, DocumentFields, DocumentKind, MediaId,
    Priority, Subject, Verification, VerificationResult,
};
use time::macros::{date, datetime};

use crate::valid;

pub fn empty_case(kind: CaseKind) -> Case {
    let applicant = if kind.is_individual() {
        Applicant::Individual {
            name: String::new(),
            id_number: None,
            bank_card_number: None,
            phone: None,
            document_number: None,
        }
    } else {
        Applicant::Enterprise {
            company_name: String::new(),
            uscc: None,
            legal_representative_name: None,
            legal_representative_id_number: None,
            authorised_person_name: None,
            authorised_person_id_number: None,
            account_number: None,
            bank_name: None,
        }
    };
    Case {
        id: CaseId::random(),
        kind,
        priority: Priority::Normal,
        submitted_on: date!(2026 - 06 - 15),
        applicant,
        documents: vec![],
        verifications: vec![],
        consent: None,
    }
}

fn doc(kind: DocumentKind, subject: Subject, fields: DocumentFields) -> Document {
    Document { kind, subject, fields, media: vec![MediaId::random()] }
}

fn consent() -> Option<Consent> {
    Some(Consent {
        instructions_version: "2021-12-30".into(),
        accepted_at: datetime!(2026-06-14 10:00 UTC),
        sensitive_data: true,
    })
}

fn verified(result: Verification) -> VerificationResult {
    VerificationResult { authority: "Authority".into(), result }
}

fn id_card(subject: Subject, name: &str, number: &str) -> Vec<Document> {
    vec![
        doc(
            DocumentKind::IdCardFront,
            subject,
            DocumentFields {
                name: Some(name.into()),
                number: Some(number.into()),
                ..Default::default()
            },
        ),
        doc(
            DocumentKind::IdCardBack,
            subject,
            DocumentFields { expires_on: Some(date!(2036 - 01 - 01)), ..Default::default() },
        ),
    ]
}

/// A clean case of each kind.
pub fn clean(kind: CaseKind) -> Case {
    let id = valid::id_number("440305", "19900101", "123");
    let mut case = empty_case(kind);
    case.consent = consent();
    match kind {
        CaseKind::IndividualIdCard => {
            case.applicant = Applicant::Individual {
                name: "张三".into(),
                id_number: Some(id.clone()),
                bank_card_number: None,
                phone: None,
                document_number: None,
            };
            case.documents = id_card(Subject::Applicant, "张 三", &id);
            case.documents.push(doc(
                DocumentKind::FaceVideo,
                Subject::Applicant,
                Default::default(),
            ));
            case.verifications = vec![
                verified(Verification::IdNameNumber { matched: true }),
                verified(Verification::FaceSimilarity { score: 91, threshold: 80 }),
            ];
        }
        CaseKind::IndividualBankCard => {
            let card = valid::card("622202100000000001");
            case.applicant = Applicant::Individual {
                name: "李四".into(),
                id_number: Some(id),
                bank_card_number: Some(card.clone()),
                phone: Some("+86 138 1234 5678".into()),
                document_number: None,
            };
            case.documents = vec![
                doc(
                    DocumentKind::BankCard,
                    Subject::Applicant,
                    DocumentFields { number: Some(card), ..Default::default() },
                ),
                doc(DocumentKind::FacePhoto, Subject::Applicant, Default::default()),
            ];
            case.verifications = vec![
                verified(Verification::BankFourElements { matched: true }),
                verified(Verification::FaceSimilarity { score: 91, threshold: 80 }),
            ];
        }
        CaseKind::IndividualOtherDocument => {
            let mrz = valid::td3("ERIKSSON<<ANNA<MARIA", "L898902C3", "740812", 'F', "300415", "");
            case.applicant = Applicant::Individual {
                name: "Anna Maria Eriksson".into(),
                id_number: None,
                bank_card_number: None,
                phone: None,
                document_number: Some("L898902C3".into()),
            };
            case.documents = vec![doc(
                DocumentKind::Passport,
                Subject::Applicant,
                DocumentFields {
                    name: Some("ERIKSSON, ANNA MARIA".into()),
                    number: Some("L898902C3".into()),
                    expires_on: Some(date!(2030 - 04 - 15)),
                    mrz: Some(mrz.to_vec()),
                    ..Default::default()
                },
            )];
        }
        CaseKind::EnterpriseCertificate => {
            let uscc = valid::uscc("91440300MA5DXXXX1");
            case.applicant = Applicant::Enterprise {
                company_name: "深圳市示例科技有限公司".into(),
                uscc: Some(uscc.clone()),
                legal_representative_name: Some("王五".into()),
                legal_representative_id_number: Some(id.clone()),
                authorised_person_name: None,
                authorised_person_id_number: None,
                account_number: None,
                bank_name: None,
            };
            case.documents = vec![doc(
                DocumentKind::BusinessLicence,
                Subject::Applicant,
                DocumentFields {
                    name: Some("深圳市示例科技有限公司".into()),
                    number: Some(uscc),
                    legal_representative: Some("王五".into()),
                    ..Default::default()
                },
            )];
            case.documents.extend(id_card(Subject::LegalRepresentative, "王五", &id));
        }
        CaseKind::EnterpriseAccount => {
            case.applicant = Applicant::Enterprise {
                company_name: "示例贸易有限公司".into(),
                uscc: None,
                legal_representative_name: None,
                legal_representative_id_number: None,
                authorised_person_name: None,
                authorised_person_id_number: None,
                account_number: Some("4000 0012 3456 789".into()),
                bank_name: Some("Bank".into()),
            };
            case.verifications = vec![verified(Verification::CorporateAccount {
                verified: true,
                holder_name_matches: true,
            })];
        }
    }
    case
}

fn by_letter(mut case: Case) -> Case {
    let auth_id = valid::id_number("310101", "19950505", "246");
    if let Applicant::Enterprise { authorised_person_name, authorised_person_id_number, .. } =
        &mut case.applicant
    {
        *authorised_person_name = Some("赵六".into());
        *authorised_person_id_number = Some(auth_id.clone());
    }
    case.documents.retain(|d| d.subject != Subject::LegalRepresentative);
    case.documents.push(doc(
        DocumentKind::AuthorisationLetter,
        Subject::Applicant,
        DocumentFields { authorised_person: Some("赵六".into()), ..Default::default() },
    ));
    case.documents.extend(id_card(Subject::AuthorisedPerson, "赵六", &auth_id));
    case
}

fn assert_renders(results: &[CheckResult]) {
    for r in results {
        assert!(message(r.key).is_some(), "{} not in catalogue", r.key);
        for lang in [Lang::En, Lang::Zh] {
            let text = r.explain(lang);
            assert!(!text.contains('{') && !text.contains('?'), "{text}");
        }
    }
}

fn failures(case: &Case) -> Vec<(CheckId, &'static str)> {
    let results = run_checks(case, &CheckPolicy::default());
    assert_renders(&results);
    results.iter().filter(|r| r.is_fail()).map(|r| (r.check, r.key)).collect()
}

#[test]
fn clean_cases_of_every_kind_pass() {
    for kind in CaseKind::ALL {
        for case in [clean(kind), by_letter(clean(kind))] {
            if case.kind != CaseKind::EnterpriseCertificate
                && case.documents.iter().any(|d| d.kind == DocumentKind::AuthorisationLetter)
            {
                continue;
            }
            assert_eq!(failures(&case), vec![], "{kind:?}");
            let results = run_checks(&case, &CheckPolicy::default());
            assert!(
                results
                    .iter()
                    .any(|r| r.check == CheckId::Consent && r.status == CheckStatus::Pass)
            );
        }
    }
    let results = run_checks(&clean(CaseKind::IndividualOtherDocument), &CheckPolicy::default());
    let age = results.iter().find(|r| r.check == CheckId::Age).expect("age from the MRZ");
    assert_eq!(age.params["age"], "51");
}

#[test]
fn each_flaw_fails_the_check_a_reviewer_expects() {
    type Edit = fn(&mut Case);
    type Row = (CaseKind, Edit, &'static [(CheckId, &'static str)]);
    let table: &[Row] = &[
        (
            CaseKind::IndividualIdCard,
            |c| c.consent = None,
            &[(CheckId::Consent, "consent.missing")],
        ),
        (
            CaseKind::IndividualIdCard,
            |c| {
                c.documents[0].fields.name = Some("张叁".into());
            },
            &[(CheckId::NameConsistency, "names.mismatch")],
        ),
        (
            CaseKind::IndividualIdCard,
            |c| {
                c.documents[1].fields.expires_on = Some(date!(2026 - 06 - 01));
            },
            &[(CheckId::Expiry, "expiry.expired")],
        ),
        (
            CaseKind::IndividualIdCard,
            |c| {
                let minor = valid::id_number("440305", "20100101", "123");
                if let Applicant::Individual { id_number, .. } = &mut c.applicant {
                    *id_number = Some(minor.clone());
                }
                c.documents[0].fields.number = Some(minor);
            },
            &[(CheckId::Age, "age.below_minimum")],
        ),
        (
            CaseKind::IndividualIdCard,
            |c| {
                let mut bad = valid::id_number("440305", "19900101", "123");
                let last = if bad.ends_with('0') { "1" } else { "0" };
                bad.replace_range(17.., last);
                if let Applicant::Individual { id_number, .. } = &mut c.applicant {
                    *id_number = Some(bad);
                }
            },
            &[
                (CheckId::IdNumber, "id_number.check_digit"),
                (CheckId::NumberConsistency, "numbers.mismatch"),
            ],
        ),
        (
            CaseKind::IndividualIdCard,
            |c| {
                c.documents.retain(|d| d.kind != DocumentKind::FaceVideo);
                c.verifications[0].result = Verification::IdNameNumber { matched: false };
            },
            &[
                (CheckId::Documents, "documents.missing"),
                (CheckId::Verification, "verification.id_mismatch"),
            ],
        ),
        (
            CaseKind::IndividualBankCard,
            |c| {
                if let Applicant::Individual { phone, bank_card_number, .. } = &mut c.applicant {
                    *phone = Some("12812345678".into());
                    *bank_card_number = Some("4111 1111 1111 1112".into());
                }
            },
            &[
                (CheckId::BankCard, "bank_card.luhn"),
                (CheckId::Phone, "phone.prefix"),
                (CheckId::NumberConsistency, "numbers.mismatch"),
            ],
        ),
        (
            CaseKind::IndividualOtherDocument,
            |c| {
                let lines = c.documents[0].fields.mrz.as_mut().unwrap();
                let digit = if lines[1].ends_with('1') { "2" } else { "1" };
                lines[1].replace_range(43..44, digit);
            },
            &[(CheckId::Mrz, "mrz.composite_check")],
        ),
        (
            CaseKind::IndividualOtherDocument,
            |c| {
                c.documents[0].fields.name = Some("ERIKSSON, ANNA".into());
                c.documents[0].fields.expires_on = Some(date!(2025 - 01 - 01));
            },
            &[(CheckId::Expiry, "expiry.expired"), (CheckId::NameConsistency, "names.mismatch")],
        ),
        (
            CaseKind::IndividualOtherDocument,
            |c| {
                c.documents[0].kind = DocumentKind::HomeVisitPermit;
                c.documents[0].fields.mrz = None;
                c.documents[0].fields.number = Some("H1234567".into());
                if let Applicant::Individual { document_number, .. } = &mut c.applicant {
                    *document_number = Some("H1234567".into());
                }
            },
            &[(CheckId::PermitNumber, "permit.format")],
        ),
        (
            CaseKind::EnterpriseCertificate,
            |c| {
                c.documents[0].fields.legal_representative = Some("王六".into());
                c.documents[0].fields.number = Some(valid::uscc("91440300MA5DXXXX2"));
            },
            &[
                (CheckId::NumberConsistency, "numbers.mismatch"),
                (CheckId::LegalRepresentative, "names.mismatch"),
            ],
        ),
        (
            CaseKind::EnterpriseCertificate,
            |c| {
                if let Applicant::Enterprise { authorised_person_name, .. } = &mut c.applicant {
                    *authorised_person_name = Some("赵六".into());
                }
            },
            &[
                (CheckId::Documents, "documents.missing"),
                (CheckId::Authorisation, "authorisation.letter_missing"),
            ],
        ),
        (
            CaseKind::EnterpriseAccount,
            |c| {
                c.verifications[0].result =
                    Verification::CorporateAccount { verified: true, holder_name_matches: false };
            },
            &[(CheckId::Verification, "verification.account_failed")],
        ),
    ];
    for (i, (kind, edit, expected)) in table.iter().enumerate() {
        let mut case = clean(*kind);
        edit(&mut case);
        let mut got = failures(&case);
        got.sort();
        let mut want = expected.to_vec();
        want.sort();
        assert_eq!(got, want, "row {i}");
    }
}

#[test]
fn authorisation_letter_must_name_the_authorised_person() {
    let mut case = by_letter(clean(CaseKind::EnterpriseCertificate));
    let letter =
        case.documents.iter_mut().find(|d| d.kind == DocumentKind::AuthorisationLetter).unwrap();
    letter.fields.authorised_person = Some("钱七".into());
    let got = failures(&case);
    assert!(got.contains(&(CheckId::Authorisation, "authorisation.person_mismatch")), "{got:?}");
    let letter =
        case.documents.iter_mut().find(|d| d.kind == DocumentKind::AuthorisationLetter).unwrap();
    letter.fields.authorised_person = None;
    assert!(failures(&case).contains(&(CheckId::Authorisation, "authorisation.no_person_named")));
}

#[test]
fn absent_inputs_are_not_applicable_and_results_serialize_with_stable_codes() {
    let mut case = clean(CaseKind::IndividualBankCard);
    if let Applicant::Individual { phone, .. } = &mut case.applicant {
        *phone = None;
    }
    let results = run_checks(&case, &CheckPolicy::default());
    let phone = results.iter().find(|r| r.check == CheckId::Phone).unwrap();
    assert_eq!((phone.status, phone.key), (CheckStatus::NotApplicable, "common.not_provided"));
    let json = serde_json::to_value(phone).unwrap();
    assert_eq!(json["check"], "phone");
    assert_eq!(json["status"], "not_applicable");
    assert_eq!(json["key"], "common.not_provided");
    let expiry = results.iter().find(|r| r.check == CheckId::Expiry);
    assert!(expiry.is_none(), "a bank card without expiry is not an expiry check");
}

#[test]
fn expiring_soon_passes_with_a_warning_key() {
    let mut case = clean(CaseKind::IndividualIdCard);
    case.documents[1].fields.expires_on = Some(date!(2026 - 07 - 01));
    let results = run_checks(&case, &CheckPolicy::default());
    let r = results.iter().find(|r| r.check == CheckId::Expiry).unwrap();
    assert_eq!((r.status, r.key), (CheckStatus::Pass, "expiry.expires_soon"));
    assert_eq!(
        r.explain(Lang::En),
        "ID card (emblem side): Expires soon: valid until 2026-07-01, only 16 days after the case date."
    );
}
