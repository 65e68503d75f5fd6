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
        // A byte run unique to this object, standing in for image content (see `media_run`).
        let run: Vec<u8> = (0..64).map(|_| (rng.next_u32() & 0xff) as u8).collect();
        let (content_type, bytes) = if kind.is_video() {
            ("video/mp4", demo_mp4(&run))
        } else {
            ("image/jpeg", demo_jpeg(&run))
        };
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

/// A real 16 × 16 JPEG (it passes intake's full decode) whose first segment is a comment
/// holding `run` raw from byte 6 on: privacy scans find the run, and `run` can pad the file to
/// a chosen size (long runs take several comment segments).
pub fn demo_jpeg(run: &[u8]) -> Vec<u8> {
    let (w, h) = (16u16, 16u16);
    let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h))
        .flat_map(|i| [(i * 13 % 251) as u8, (i * 7 % 241) as u8, 128])
        .collect();
    let mut encoded = Vec::new();
    jpeg_encoder::Encoder::new(&mut encoded, 80)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .expect("encoding a small in-memory RGB buffer cannot fail");
    let mut out = encoded[..2].to_vec();
    for piece in run.chunks(65_533) {
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((piece.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(piece);
    }
    out.extend_from_slice(&encoded[2..]);
    out
}

/// A real H.264 MP4 (it passes intake's container and codec checks) with `run` in a `free`
/// box from byte [`kyc_synth::SMALL_MP4_MARKER_OFFSET`].
pub fn demo_mp4(run: &[u8]) -> Vec<u8> {
    kyc_synth::small_h264_mp4(run)
}

/// The byte run unique to one demo media object (see [`demo_case`]), for privacy scans.
pub fn media_run<'a>(content_type: &str, bytes: &'a [u8]) -> &'a [u8] {
    let at =
        if content_type.starts_with("video/") { kyc_synth::SMALL_MP4_MARKER_OFFSET } else { 6 };
    &bytes[at..at + 32]
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32fast::hash(&out[start..]).to_be_bytes());
}

/// An 80-byte PNG declaring 60000 × 60000 pixels (3.6 gigapixels): a decompression bomb, for
/// the tests of intake and of the workstation's pull that must refuse it before decoding.
pub fn bomb_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    // zlib: one stored block holding a single zero byte, then its Adler-32.
    png_chunk(&mut png, b"IDAT", &[0x78, 0x01, 0x01, 0x01, 0x00, 0xfe, 0xff, 0x00, 0, 1, 0, 1]);
    png_chunk(&mut png, b"IEND", &[]);
    png
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
