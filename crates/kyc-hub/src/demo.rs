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
        // A byte run unique to this object, standing in for image content; it starts at byte 6
        // of a JPEG and byte 24 of an MP4, so `bytes[8..40]` is unique per object.
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

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A structurally valid MP4 (it passes the container check of intake and the workstation) of
/// one 16 × 16 video track without real frames; `run` sits raw in a `free` box from byte 24.
pub fn demo_mp4(run: &[u8]) -> Vec<u8> {
    const IDENTITY: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
    let matrix: Vec<u8> = IDENTITY.iter().flat_map(|v| v.to_be_bytes()).collect();
    let ftyp = mp4_box(b"ftyp", b"isom\0\0\0\0");
    let free = mp4_box(b"free", run);
    // mvhd v0: flags, times, timescale 1000, duration 1000 ms, rate, volume, matrix, next id.
    let mut mvhd = vec![0u8; 12];
    mvhd.extend_from_slice(&1000u32.to_be_bytes());
    mvhd.extend_from_slice(&1000u32.to_be_bytes());
    mvhd.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    mvhd.extend_from_slice(&[0x01, 0x00]);
    mvhd.extend_from_slice(&[0; 10]);
    mvhd.extend_from_slice(&matrix);
    mvhd.extend_from_slice(&[0; 24]);
    mvhd.extend_from_slice(&2u32.to_be_bytes());
    // tkhd v0: flags (enabled), times, track 1, duration, layer/group/volume, matrix, 16 × 16.
    let mut tkhd = vec![0, 0, 0, 3];
    tkhd.extend_from_slice(&[0; 8]);
    tkhd.extend_from_slice(&1u32.to_be_bytes());
    tkhd.extend_from_slice(&[0; 4]);
    tkhd.extend_from_slice(&1000u32.to_be_bytes());
    tkhd.extend_from_slice(&[0; 16]);
    tkhd.extend_from_slice(&matrix);
    tkhd.extend_from_slice(&(16u32 << 16).to_be_bytes());
    tkhd.extend_from_slice(&(16u32 << 16).to_be_bytes());
    let mut hdlr = vec![0u8; 8];
    hdlr.extend_from_slice(b"vide");
    hdlr.extend_from_slice(&[0; 13]);
    let mdia = mp4_box(b"mdia", &mp4_box(b"hdlr", &hdlr));
    let trak = mp4_box(b"trak", &[mp4_box(b"tkhd", &tkhd), mdia].concat());
    let moov = mp4_box(b"moov", &[mp4_box(b"mvhd", &mvhd), trak].concat());
    let mdat = mp4_box(b"mdat", &[0u8; 16]);
    [ftyp, free, moov, mdat].concat()
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
