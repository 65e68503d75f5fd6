//! Small synthetic cases built here, for tests and for `seed` when no richer generator is
//! available. Every name and number is unique per case, so privacy scans can look for them.

use kyc_model::{
    Applicant, Case, CaseId, CaseKind, Consent, Document, DocumentFields, DocumentKind, MediaId,
    Priority, Subject,
};
use rand::{Rng, SeedableRng};
use time::Date;
use zeroize::Zeroizing;

/// One media object to store: id, content type, bytes.
pub type MediaBytes = (MediaId, String, Zeroizing<Vec<u8>>);

/// A generated case: payload, media bytes, and the marker strings it contains.
pub struct DemoCase {
    /// The payload.
    pub case: Case,
    /// `(id, content type, bytes)` per media object.
    pub media: Vec<MediaBytes>,
    /// Personal values in the case (names, numbers) that must never appear in logs or in plain
    /// on disk.
    pub markers: Vec<String>,
}

/// One case of `kind`, from `rng`.
pub fn demo_case(kind: CaseKind, rng: &mut impl Rng, today: Date) -> DemoCase {
    let tag: u64 = rng.random_range(10_000_000_000..99_999_999_999);
    let name = format!("Demo Applicant Q{tag}");
    let number = format!("9{tag}0X");
    let mut markers = vec![name.clone(), number.clone()];
    let mut media = Vec::new();
    let mut document = |kind: DocumentKind, subject: Subject, rng: &mut dyn rand::RngCore| {
        let id = MediaId::parse(&format!("m_{:016x}", rng.next_u64())).expect("valid id");
        let (content_type, mut bytes) = if kind.is_video() {
            ("video/mp4", b"\x00\x00\x00\x18ftypmp42".to_vec())
        } else {
            ("image/png", b"\x89PNG\r\n\x1a\n".to_vec())
        };
        // A byte run unique to this object, standing in for image content.
        let run: Vec<u8> = (0..64).map(|_| (rng.next_u32() & 0xff) as u8).collect();
        bytes.extend_from_slice(&run);
        media.push((id.clone(), content_type.to_owned(), Zeroizing::new(bytes)));
        Document {
            kind,
            subject,
            fields: DocumentFields {
                name: Some(name.clone()),
                number: Some(number.clone()),
                expires_on: Some(today.replace_year(today.year() + 5).unwrap_or(today)),
                ..DocumentFields::default()
            },
            media: vec![id],
        }
    };
    let (applicant, documents) = match kind {
        CaseKind::IndividualIdCard => (
            Applicant::Individual {
                name: name.clone(),
                id_number: Some(number.clone()),
                bank_card_number: None,
                phone: None,
                document_number: None,
            },
            vec![
                document(DocumentKind::IdCardFront, Subject::Applicant, rng),
                document(DocumentKind::IdCardBack, Subject::Applicant, rng),
                document(DocumentKind::FaceVideo, Subject::Applicant, rng),
            ],
        ),
        CaseKind::IndividualBankCard => {
            let card = format!("62{tag}{:05}", tag % 99_999);
            let phone = format!("13{:09}", tag % 1_000_000_000);
            markers.push(card.clone());
            markers.push(phone.clone());
            (
                Applicant::Individual {
                    name: name.clone(),
                    id_number: Some(number.clone()),
                    bank_card_number: Some(card),
                    phone: Some(phone),
                    document_number: None,
                },
                vec![
                    document(DocumentKind::BankCard, Subject::Applicant, rng),
                    document(DocumentKind::FacePhoto, Subject::Applicant, rng),
                ],
            )
        }
        CaseKind::IndividualOtherDocument => (
            Applicant::Individual {
                name: name.clone(),
                id_number: None,
                bank_card_number: None,
                phone: None,
                document_number: Some(number.clone()),
            },
            vec![document(DocumentKind::Passport, Subject::Applicant, rng)],
        ),
        CaseKind::EnterpriseCertificate | CaseKind::EnterpriseAccount => {
            let company = format!("Demo Trading Co Q{tag}");
            markers.push(company.clone());
            (
                Applicant::Enterprise {
                    company_name: company,
                    uscc: Some(number.clone()),
                    legal_representative_name: Some(name.clone()),
                    legal_representative_id_number: None,
                    authorised_person_name: None,
                    authorised_person_id_number: None,
                    account_number: None,
                    bank_name: None,
                },
                vec![
                    document(DocumentKind::BusinessLicence, Subject::Applicant, rng),
                    document(DocumentKind::IdCardFront, Subject::LegalRepresentative, rng),
                ],
            )
        }
    };
    let case = Case {
        id: CaseId::parse(&format!("c_{:016x}", rng.next_u64())).expect("valid id"),
        kind,
        priority: if rng.random_bool(0.2) { Priority::High } else { Priority::Normal },
        submitted_on: today,
        applicant,
        documents,
        verifications: Vec::new(),
        consent: Some(Consent {
            instructions_version: "2021-12-30".into(),
            accepted_at: time::OffsetDateTime::UNIX_EPOCH,
            sensitive_data: true,
        }),
    };
    DemoCase { case, media, markers }
}

/// `n` cases cycling through every kind, deterministic per `rng_seed`.
pub fn demo_cases(n: usize, rng_seed: u64, today: Date) -> Vec<(Case, Vec<MediaBytes>)> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(rng_seed);
    (0..n)
        .map(|i| {
            let d = demo_case(CaseKind::ALL[i % CaseKind::ALL.len()], &mut rng, today);
            (d.case, d.media)
        })
        .collect()
}
