//! Shared helpers: vaults in temporary directories and synthetic cases carrying unique
//! marker values.

use std::path::PathBuf;

use kyc_model::{
    Applicant, Case, CaseId, CaseKind, Consent, Decision, Document, DocumentFields, DocumentKind,
    MediaId, Outcome, Priority, Subject,
};
use kyc_scan::Marker;
use kyc_vault::{ContentType, KdfParams, MediaInput, Password, Variant, Vault};
use rand::{Rng, RngCore};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

pub const PASSWORD: &str = "correct horse battery staple";

pub fn password() -> Password {
    Password::new(PASSWORD)
}

/// A fresh vault in a temporary directory (`dir` is a subdirectory the vault owns).
pub struct TestVault {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub vault: Vault,
}

pub fn new_vault() -> TestVault {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let vault = Vault::create(&dir, &password(), KdfParams::insecure_for_tests()).unwrap();
    TestVault { _tmp: tmp, dir, vault }
}

pub fn digits(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n).map(|i| char::from(b'0' + rng.random_range(if i == 0 { 1 } else { 0 }..10))).collect()
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::rng().fill_bytes(&mut v);
    v
}

/// A case with its media and the markers planted in it.
pub struct Sample {
    pub case: Case,
    pub media: Vec<(MediaId, Variant, Vec<u8>)>,
    pub markers: Vec<Marker>,
}

impl Sample {
    pub fn inputs(&self) -> Vec<MediaInput> {
        self.media
            .iter()
            .map(|(id, variant, bytes)| {
                MediaInput::bytes(id.clone(), *variant, ContentType::Jpeg, bytes.clone())
            })
            .collect()
    }
}

/// An image of `len` bytes of noise with a random 32-byte marker run at `at`.
fn image_with_marker(len: usize, at: usize) -> (Vec<u8>, Vec<u8>) {
    let mut bytes = random_bytes(len);
    let run = random_bytes(32);
    bytes[at..at + 32].copy_from_slice(&run);
    (bytes, run)
}

/// A bank-card case with unique name, 18-digit ID number, phone number, 19-digit card number,
/// a note-ready consent, and two images (one spanning several chunks) carrying marker runs.
pub fn sample(n: usize) -> Sample {
    sample_sized(n, [150_000 + n, 40_000, 3_000])
}

/// Like [`sample`] with the three images' sizes given (each at least 200 bytes).
pub fn sample_sized(n: usize, sizes: [usize; 3]) -> Sample {
    let name = format!("王测试{} Markername{}", digits(4), digits(6));
    let id_number = digits(18);
    let phone = format!("1{}", digits(10));
    let card = digits(19);
    let front = MediaId::random();
    let face = MediaId::random();
    let (front_bytes, front_run) = image_with_marker(sizes[0], sizes[0] / 2);
    let (face_bytes, face_run) = image_with_marker(sizes[1], 100);
    let (thumb_bytes, thumb_run) = image_with_marker(sizes[2], 10);
    let case = Case {
        id: CaseId::random(),
        kind: CaseKind::IndividualBankCard,
        priority: if n.is_multiple_of(2) { Priority::Normal } else { Priority::High },
        submitted_on: date!(2026 - 01 - 05),
        applicant: Applicant::Individual {
            name: name.clone(),
            id_number: Some(id_number.clone()),
            bank_card_number: Some(card.clone()),
            phone: Some(phone.clone()),
            document_number: None,
        },
        documents: vec![
            Document {
                kind: DocumentKind::BankCard,
                subject: Subject::Applicant,
                fields: DocumentFields {
                    name: Some(name.clone()),
                    number: Some(card.clone()),
                    ..DocumentFields::default()
                },
                media: vec![front.clone()],
            },
            Document {
                kind: DocumentKind::FacePhoto,
                subject: Subject::Applicant,
                fields: DocumentFields::default(),
                media: vec![face.clone()],
            },
        ],
        verifications: vec![],
        consent: Some(Consent {
            instructions_version: "2021-12-30".into(),
            accepted_at: datetime!(2026-01-05 10:00 UTC),
            sensitive_data: true,
        }),
    };
    Sample {
        case,
        media: vec![
            (front.clone(), Variant::Original, front_bytes),
            (face.clone(), Variant::Original, face_bytes),
            (face, Variant::Thumbnail, thumb_bytes),
        ],
        markers: vec![
            Marker::text(format!("case {n} name"), &name),
            Marker::text(format!("case {n} id number"), &id_number),
            Marker::text(format!("case {n} phone"), &phone),
            Marker::text(format!("case {n} card number"), &card),
            Marker::bytes(format!("case {n} front image run"), front_run),
            Marker::bytes(format!("case {n} face image run"), face_run),
            Marker::bytes(format!("case {n} thumbnail run"), thumb_run),
        ],
    }
}

pub fn lease() -> OffsetDateTime {
    OffsetDateTime::now_utc() + Duration::hours(4)
}

pub fn put(vault: &Vault, sample: &Sample) {
    vault.put_case(&sample.case, lease(), sample.inputs()).unwrap();
}

/// A rejection carrying a note with a marker.
pub fn decision_for(case: &Case, note: &str) -> Decision {
    Decision {
        case_id: case.id.clone(),
        outcome: Outcome::Reject { reasons: vec![kyc_model::ReasonCode::ALL[0]] },
        note: Some(note.to_owned()),
        decided_at: datetime!(2026-01-06 09:30 UTC),
        active_ms: Some(42_000),
        applicant_text: None,
    }
}
