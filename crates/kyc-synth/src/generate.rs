//! Assembling one case: people, numbers, documents, media, verifications, consent, flaw.

use kyc_model::checks::{CheckId, USCC_ALPHABET, mrz_check_digit};
use kyc_model::{
    Applicant, Case, CaseId, CaseKind, Consent, Document, DocumentFields, DocumentKind, MediaId,
    Priority, Subject, Verification, VerificationResult,
};
use time::{Date, Duration, OffsetDateTime, Time};

use crate::draw::canvas::Canvas;
use crate::draw::docs::{self, Label, Look};
use crate::draw::encode;
use crate::draw::text::Typeface;
use crate::people::{self, ChineseName};
use crate::rng::Rng;
use crate::{Flaw, SynthCase, SynthMedia, SynthOptions, video};

/// Person slots per case (see `people`).
const SLOTS_PER_CASE: u64 = 4;
const ROLE_MAIN: u64 = 0;
const ROLE_AUTHORISED: u64 = 1;
const ROLE_OTHER_NAME: u64 = 2;

/// Face photo size (a few are 3000×4000, see `face_photo`).
const FACE_SIZE: (u32, u32) = (480, 600);
/// Business licence width (a few are 4000 wide, see `licence_document`).
const LICENCE_WIDTH: u32 = 1120;

/// Face video size and length.
const VIDEO_SIZE: (u16, u16) = (320, 240);
const VIDEO_FRAMES: u32 = 20;

/// The flaws that make sense for a kind, in rotation order.
fn flaw_options(kind: CaseKind) -> &'static [Flaw] {
    use Flaw::*;
    match kind {
        CaseKind::IndividualIdCard => {
            &[BadCheckDigit, ExpiredDocument, NameMismatch, Minor, MissingConsent]
        }
        CaseKind::IndividualBankCard => &[BadCheckDigit, ExpiredDocument, Minor, MissingConsent],
        CaseKind::IndividualOtherDocument => {
            &[BadMrz, ExpiredDocument, NameMismatch, Minor, MissingConsent]
        }
        CaseKind::EnterpriseCertificate => {
            &[BadCheckDigit, ExpiredDocument, NameMismatch, Minor, MissingConsent]
        }
        CaseKind::EnterpriseAccount => &[BadCheckDigit, NameMismatch, MissingConsent],
    }
}

/// Every fourth case is flawed (25%); for a given kind, successive flawed cases rotate
/// through that kind's flaws (flawed cases of one kind are 20 indices apart).
fn flaw_for(index: u64, kind: CaseKind) -> Option<Flaw> {
    if index % 4 != 3 {
        return None;
    }
    let options = flaw_options(kind);
    Some(options[((index / 20) % options.len() as u64) as usize])
}

struct Person {
    slot: u64,
    name: ChineseName,
    id_number: String,
    birth: Date,
    male: bool,
    look: Look,
}

struct Builder<'t> {
    index: u64,
    seed: u64,
    today: Date,
    submitted_on: Date,
    rng: Rng,
    ids: Rng,
    tf: &'t Typeface,
    /// Whether to draw and encode media (payload-only generation skips it).
    with_media: bool,
    /// Marker runs come from their own stream so that skipping media changes no other value.
    media_rng: Rng,
    media: Vec<SynthMedia>,
    markers: Vec<(String, Vec<u8>)>,
}

fn token(rng: &mut Rng) -> String {
    use kyc_model::ids::TOKEN_ALPHABET;
    (0..26).map(|_| TOKEN_ALPHABET[rng.below(32) as usize] as char).collect()
}

fn look(seed: u64, slot: u64) -> Look {
    const SKIN: &[[u8; 3]] =
        &[[241, 204, 170], [224, 182, 140], [198, 150, 110], [160, 110, 80], [250, 215, 190]];
    const HAIR: &[[u8; 3]] =
        &[[30, 24, 20], [60, 40, 25], [90, 60, 30], [20, 20, 24], [120, 90, 60]];
    let mut r = Rng::for_stream(seed, slot, 4);
    Look {
        skin: *r.pick(SKIN),
        hair: *r.pick(HAIR),
        shirt: [r.below(200) as u8, r.below(200) as u8, r.below(200) as u8],
        face_width: 0.85 + r.below(25) as f64 / 100.0,
        dx: 0.0,
        blink: false,
    }
}

fn add_years(d: Date, years: i32) -> Date {
    d.replace_year(d.year() + years)
        .or_else(|_| d.replace_day(28).and_then(|d| d.replace_year(d.year() + years)))
        .unwrap_or(d)
}

/// Changes an ID number's check character to another valid-looking one.
fn corrupt_id(id: &str) -> String {
    const CHARS: &[u8] = b"10X98765432";
    let last = id.as_bytes().last().copied().unwrap_or(b'0');
    let pos = CHARS.iter().position(|&c| c == last).unwrap_or(0);
    format!("{}{}", &id[..id.len() - 1], CHARS[(pos + 1) % CHARS.len()] as char)
}

fn corrupt_digit(s: &str) -> String {
    let last = s.as_bytes().last().copied().unwrap_or(b'0');
    format!("{}{}", &s[..s.len() - 1], (b'0' + (last - b'0' + 1) % 10) as char)
}

fn corrupt_uscc(s: &str) -> String {
    let last = s.as_bytes().last().copied().unwrap_or(b'0');
    let pos = USCC_ALPHABET.iter().position(|&c| c == last).unwrap_or(0);
    format!("{}{}", &s[..s.len() - 1], USCC_ALPHABET[(pos + 1) % USCC_ALPHABET.len()] as char)
}

fn with_check(field: &str) -> String {
    format!("{field}{}", mrz_check_digit(field).unwrap_or('0'))
}

fn yymmdd(d: Date) -> String {
    format!("{:02}{:02}{:02}", d.year().rem_euclid(100), d.month() as u8, d.day())
}

/// The fields of a passport's TD3 machine-readable zone.
struct Td3<'a> {
    country: &'a str,
    surname: &'a str,
    given: &'a str,
    number: &'a str,
    birth: Date,
    male: bool,
    expiry: Date,
}

impl Td3<'_> {
    /// The two lines, check digits computed (nationality = issuing country).
    fn lines(&self) -> Vec<String> {
        let name = format!("{}<<{}", self.surname, self.given.replace(' ', "<"));
        let l1: String =
            format!("{:<<44}", format!("P<{}{name}", self.country)).chars().take(44).collect();
        let number = format!("{:<<9}", self.number);
        let sex = if self.male { 'M' } else { 'F' };
        let head = format!(
            "{}{}{}{sex}{}",
            with_check(&number),
            self.country,
            with_check(&yymmdd(self.birth)),
            with_check(&yymmdd(self.expiry))
        );
        let optional = with_check(&"<".repeat(14));
        let composite = format!("{}{}{}{optional}", &head[0..10], &head[13..20], &head[21..28]);
        let l2 = format!("{head}{optional}{}", mrz_check_digit(&composite).unwrap_or('0'));
        vec![l1, l2]
    }
}

impl Builder<'_> {
    fn person(&mut self, role: u64, minor: bool) -> Person {
        let slot = self.index * SLOTS_PER_CASE + role;
        let birth = people::birth_date(slot, minor.then_some(self.today));
        Person {
            slot,
            name: people::chinese_name(slot, self.seed),
            id_number: people::id_number(slot, birth),
            birth,
            male: (slot % 1000) % 2 == 1,
            look: look(self.seed, slot),
        }
    }

    fn marker(&mut self, what: &str, value: &str) {
        self.markers.push((format!("case {} {what}", self.index), value.as_bytes().to_vec()));
    }

    /// Draws and encodes an image, embedding a fresh marker run, and returns its media id.
    fn image(&mut self, png: bool, draw: impl FnOnce(&Typeface) -> Canvas) -> MediaId {
        let n = self.media.len() as u64;
        let run = self.marker_run(n);
        let content_type = if png { "image/png" } else { "image/jpeg" };
        let bytes = if !self.with_media {
            Vec::new()
        } else if png {
            encode::png(&draw(self.tf), &run)
        } else {
            encode::jpeg(&draw(self.tf), &run)
        };
        self.push_media(bytes, content_type, run)
    }

    /// 24 random bytes plus the case index and media number: unique by construction.
    fn marker_run(&mut self, media_no: u64) -> Vec<u8> {
        let mut run = self.media_rng.bytes::<24>().to_vec();
        run.extend_from_slice(&((self.index << 8) | (media_no & 0xFF)).to_le_bytes());
        run
    }

    fn push_media(&mut self, bytes: Vec<u8>, content_type: &'static str, run: Vec<u8>) -> MediaId {
        let id = MediaId::parse(&format!("m_{}", token(&mut self.ids)))
            .expect("generated ids use the id alphabet");
        let n = self.media.len();
        if self.with_media {
            self.markers.push((format!("case {} media {n} byte run", self.index), run));
        }
        self.media.push(SynthMedia { id: id.clone(), content_type, bytes });
        id
    }

    fn face_video(&mut self, look: &Look) -> MediaId {
        let (w, h) = VIDEO_SIZE;
        if !self.with_media {
            let run = self.marker_run(self.media.len() as u64);
            return self.push_media(Vec::new(), "video/mp4", run);
        }
        let mut video = video::H264Mp4::new(w, h);
        for i in 0..VIDEO_FRAMES {
            let t = f64::from(i) / f64::from(VIDEO_FRAMES);
            let frame_look = Look {
                dx: 0.06 * (t * std::f64::consts::TAU).sin(),
                blink: i == 8 || i == 9,
                ..*look
            };
            let c = docs::face_photo(self.tf, u32::from(w), u32::from(h), &frame_look);
            video.push_frame(&c.pixels);
        }
        let n = self.media.len() as u64;
        let run = self.marker_run(n);
        let bytes = video.finish(&run);
        self.push_media(bytes, "video/mp4", run)
    }

    fn face_photo(&mut self, look: &Look, big: bool) -> MediaId {
        let (w, h) = if big { (3000, 4000) } else { FACE_SIZE };
        self.image(false, |tf| docs::face_photo(tf, w, h, look))
    }

    /// ID card front and back of a person; returns the two documents.
    fn id_card(
        &mut self,
        p: &Person,
        subject: Subject,
        shown_name: &str,
        shown_latin: &str,
        number: &str,
        expired: bool,
    ) -> [Document; 2] {
        let (city_han, city_latin) = people::city(p.slot);
        let road = 1 + p.slot % 300;
        let addr_han = format!("{city_han}市示例路{road}号");
        let addr_latin = format!("{road} EXAMPLE RD {city_latin}");
        let front_id = self.image(false, |tf| {
            docs::id_card_front(
                tf,
                &docs::IdFront {
                    name: Label::new(shown_name, shown_latin),
                    male: p.male,
                    birth: p.birth,
                    address: Label::new(&addr_han, &addr_latin),
                    number,
                    look: p.look,
                },
            )
        });
        let age = kyc_model::checks::age_on(p.birth, self.submitted_on).unwrap_or(0);
        let valid_from = self.submitted_on - Duration::days(self.rng.range(60, 1400));
        let valid_to = if expired {
            Some(self.submitted_on - Duration::days(self.rng.range(5, 400)))
        } else if age >= 46 && self.rng.below(2) == 0 {
            None
        } else {
            Some(add_years(
                valid_from,
                if age < 16 {
                    5
                } else if age < 26 {
                    10
                } else {
                    20
                },
            ))
        };
        let authority_han = format!("{city_han}市公安局");
        let authority_latin = format!("{city_latin} PUBLIC SECURITY BUREAU");
        let back_id = self.image(false, |tf| {
            docs::id_card_back(
                tf,
                &docs::IdBack {
                    authority: Label::new(&authority_han, &authority_latin),
                    valid_from,
                    valid_to,
                },
            )
        });
        [
            Document {
                kind: DocumentKind::IdCardFront,
                subject,
                fields: DocumentFields {
                    name: Some(shown_name.to_owned()),
                    number: Some(number.to_owned()),
                    ..Default::default()
                },
                media: vec![front_id],
            },
            Document {
                kind: DocumentKind::IdCardBack,
                subject,
                fields: DocumentFields { expires_on: valid_to, ..Default::default() },
                media: vec![back_id],
            },
        ]
    }
}

fn verification(authority: &str, result: Verification) -> VerificationResult {
    VerificationResult { authority: format!("{authority} (synthetic)"), result }
}

fn face_similarity(rng: &mut Rng) -> VerificationResult {
    verification(
        "Face comparison service",
        Verification::FaceSimilarity { score: 82 + rng.below(17) as u8, threshold: 80 },
    )
}

/// Generates case `index` with its media; the same `(index, rng_seed, today)` always gives
/// the same case.
pub fn generate_one(index: u64, opts: &SynthOptions) -> SynthCase {
    build(index, opts, true)
}

/// The same case as [`generate_one`] without drawing its media: the media entries keep their
/// ids and content types but have empty bytes, and [`SynthCase::markers`] lists no byte
/// runs. Much faster: for tests and tools that need only payloads.
pub fn generate_payload(index: u64, opts: &SynthOptions) -> SynthCase {
    build(index, opts, false)
}

fn build(index: u64, opts: &SynthOptions, with_media: bool) -> SynthCase {
    let seed = opts.rng_seed;
    let kind = CaseKind::ALL[(index % CaseKind::ALL.len() as u64) as usize];
    let flaw = flaw_for(index, kind);
    let mut rng = Rng::for_stream(seed, index, 0);
    let submitted_on = opts.today - Duration::days(rng.range(0, 13));
    let mut ids = Rng::for_stream(seed, index, 1);
    let case_id = CaseId::parse(&format!("c_{}", token(&mut ids)))
        .expect("generated ids use the id alphabet");
    let mut b = Builder {
        index,
        seed,
        today: opts.today,
        submitted_on,
        rng,
        ids,
        tf: if with_media { Typeface::system() } else { Typeface::blocks() },
        with_media,
        media_rng: Rng::for_stream(seed, index, 3),
        media: Vec::new(),
        markers: Vec::new(),
    };
    let is = |f: Flaw| flaw == Some(f);
    let mut documents = Vec::new();
    let mut verifications = Vec::new();
    let mut expected: Vec<CheckId> = Vec::new();

    let applicant = match kind {
        CaseKind::IndividualIdCard => {
            let p = b.person(ROLE_MAIN, is(Flaw::Minor));
            b.marker("applicant name", &p.name.han);
            b.marker("applicant ID number", &p.id_number);
            let number = if is(Flaw::BadCheckDigit) {
                corrupt_id(&p.id_number)
            } else {
                p.id_number.clone()
            };
            if number != p.id_number {
                b.marker("applicant ID number as submitted", &number);
            }
            let shown = if is(Flaw::NameMismatch) {
                let other = b.person(ROLE_OTHER_NAME, false).name;
                b.marker("name on the ID card", &other.han);
                other
            } else {
                p.name.clone()
            };
            documents.extend(b.id_card(
                &p,
                Subject::Applicant,
                &shown.han,
                &shown.pinyin,
                &number,
                is(Flaw::ExpiredDocument),
            ));
            let video = b.face_video(&p.look);
            documents.push(Document {
                kind: DocumentKind::FaceVideo,
                subject: Subject::Applicant,
                fields: DocumentFields::default(),
                media: vec![video],
            });
            let matched = !(is(Flaw::BadCheckDigit) || is(Flaw::NameMismatch));
            verifications
                .push(verification("ID authority", Verification::IdNameNumber { matched }));
            verifications.push(face_similarity(&mut b.rng));
            match flaw {
                Some(Flaw::BadCheckDigit) => {
                    expected.extend([CheckId::IdNumber, CheckId::Verification])
                }
                Some(Flaw::NameMismatch) => {
                    expected.extend([CheckId::NameConsistency, CheckId::Verification])
                }
                _ => {}
            }
            Applicant::Individual {
                name: p.name.han,
                id_number: Some(number),
                bank_card_number: None,
                phone: None,
                document_number: None,
            }
        }
        CaseKind::IndividualBankCard => {
            let p = b.person(ROLE_MAIN, is(Flaw::Minor));
            b.marker("applicant name", &p.name.han);
            b.marker("applicant ID number", &p.id_number);
            let valid_card = people::card_number(p.slot, seed);
            b.marker("bank card number", &valid_card);
            let card = if is(Flaw::BadCheckDigit) {
                corrupt_digit(&valid_card)
            } else {
                valid_card.clone()
            };
            if card != valid_card {
                b.marker("bank card number as submitted", &card);
            }
            let phone = people::phone_number(p.slot, seed);
            b.marker("phone number", &phone);
            let expires = if is(Flaw::ExpiredDocument) {
                b.submitted_on - Duration::days(b.rng.range(10, 300))
            } else {
                b.submitted_on + Duration::days(b.rng.range(200, 1800))
            };
            let card_media = b.image(false, |tf| {
                docs::bank_card(
                    tf,
                    &docs::BankCard {
                        bank: Label::new("示例商业银行", "EXAMPLE COMMERCIAL BANK"),
                        number: &card,
                        holder_latin: &p.name.pinyin,
                        expires,
                    },
                )
            });
            documents.push(Document {
                kind: DocumentKind::BankCard,
                subject: Subject::Applicant,
                fields: DocumentFields {
                    number: Some(card.clone()),
                    expires_on: Some(expires),
                    ..Default::default()
                },
                media: vec![card_media],
            });
            let photo = b.face_photo(&p.look, index % 40 == 21);
            documents.push(Document {
                kind: DocumentKind::FacePhoto,
                subject: Subject::Applicant,
                fields: DocumentFields::default(),
                media: vec![photo],
            });
            verifications.push(verification(
                "Bank card four-element service",
                Verification::BankFourElements { matched: !is(Flaw::BadCheckDigit) },
            ));
            verifications.push(face_similarity(&mut b.rng));
            if is(Flaw::BadCheckDigit) {
                expected.extend([CheckId::BankCard, CheckId::Verification]);
            }
            Applicant::Individual {
                name: p.name.han,
                id_number: Some(p.id_number),
                bank_card_number: Some(card),
                // With the country code but no spacing, so the plain marker is a substring.
                phone: Some(format!("+86{phone}")),
                document_number: None,
            }
        }
        CaseKind::IndividualOtherDocument => {
            other_document(&mut b, flaw, &mut documents, &mut expected)
        }
        CaseKind::EnterpriseCertificate => {
            enterprise_certificate(&mut b, flaw, &mut documents, &mut expected)
        }
        CaseKind::EnterpriseAccount => {
            let company = people::company(index, seed);
            let uscc_valid = people::uscc(index, seed, company.region);
            let uscc = if is(Flaw::BadCheckDigit) {
                corrupt_uscc(&uscc_valid)
            } else {
                uscc_valid.clone()
            };
            let rep = b.person(ROLE_MAIN, false);
            let account = people::prefixed_number("6212", index, seed, 12);
            b.marker("company name", &company.name.han);
            b.marker("USCC", &uscc_valid);
            if uscc != uscc_valid {
                b.marker("USCC as submitted", &uscc);
            }
            b.marker("legal representative name", &rep.name.han);
            b.marker("corporate account number", &account);
            let (licence_han, licence_latin) = if is(Flaw::NameMismatch) {
                (format!("{}分公司", company.name.han), format!("{} BRANCH", company.name.pinyin))
            } else {
                (company.name.han.clone(), company.name.pinyin.clone())
            };
            documents.push(licence_document(
                &mut b,
                &licence_han,
                &licence_latin,
                &uscc,
                &rep.name,
                false,
            ));
            verifications.push(verification(
                "Corporate account service",
                Verification::CorporateAccount {
                    verified: true,
                    holder_name_matches: !is(Flaw::NameMismatch),
                },
            ));
            match flaw {
                Some(Flaw::BadCheckDigit) => expected.push(CheckId::Uscc),
                Some(Flaw::NameMismatch) => {
                    expected.extend([CheckId::NameConsistency, CheckId::Verification])
                }
                _ => {}
            }
            Applicant::Enterprise {
                company_name: company.name.han,
                uscc: Some(uscc),
                legal_representative_name: Some(rep.name.han),
                legal_representative_id_number: None,
                authorised_person_name: None,
                authorised_person_id_number: None,
                account_number: Some(account),
                bank_name: Some("示例商业银行".to_owned()),
            }
        }
    };

    match flaw {
        Some(Flaw::ExpiredDocument) => expected.push(CheckId::Expiry),
        Some(Flaw::Minor) => expected.push(CheckId::Age),
        Some(Flaw::BadMrz) => expected.push(CheckId::Mrz),
        Some(Flaw::MissingConsent) => expected.push(CheckId::Consent),
        _ => {}
    }
    expected.sort();
    expected.dedup();

    let accepted_at = OffsetDateTime::new_utc(
        submitted_on,
        Time::from_hms(9, (index % 60) as u8, 0).unwrap_or(Time::MIDNIGHT),
    );
    let consent = (!is(Flaw::MissingConsent)).then(|| Consent {
        instructions_version: "2021-12-30".to_owned(),
        accepted_at,
        sensitive_data: true,
    });
    SynthCase {
        case: Case {
            id: case_id,
            kind,
            priority: if index.is_multiple_of(7) { Priority::High } else { Priority::Normal },
            submitted_on,
            applicant,
            documents,
            verifications,
            consent,
        },
        media: b.media,
        flaw,
        markers: b.markers,
        expected_failures: expected,
    }
}

fn licence_document(
    b: &mut Builder<'_>,
    name_han: &str,
    name_latin: &str,
    uscc: &str,
    rep: &ChineseName,
    big: bool,
) -> Document {
    let founded = b.submitted_on - Duration::days(b.rng.range(400, 6000));
    let pattern = b.rng.next_u64();
    let city = people::city(b.index);
    let addr_han = format!("{}市示例大道{}号", city.0, 1 + b.index % 500);
    let addr_latin = format!("{} EXAMPLE AVE {}", 1 + b.index % 500, city.1);
    let authority_han = format!("{}市市场监督管理局", city.0);
    let authority_latin = format!("{} AMR", city.1);
    let width = if big { 4000 } else { LICENCE_WIDTH };
    let media = b.image(false, |tf| {
        docs::business_licence(
            tf,
            width,
            &docs::BusinessLicence {
                company: Label::new(name_han, name_latin),
                uscc,
                legal_rep: Label::new(&rep.han, &rep.pinyin),
                address: Label::new(&addr_han, &addr_latin),
                founded,
                authority: Label::new(&authority_han, &authority_latin),
                pattern,
            },
        )
    });
    Document {
        kind: DocumentKind::BusinessLicence,
        subject: Subject::Applicant,
        fields: DocumentFields {
            name: Some(name_han.to_owned()),
            number: Some(uscc.to_owned()),
            legal_representative: Some(rep.han.clone()),
            ..Default::default()
        },
        media: vec![media],
    }
}

fn other_document(
    b: &mut Builder<'_>,
    flaw: Option<Flaw>,
    documents: &mut Vec<Document>,
    expected: &mut Vec<CheckId>,
) -> Applicant {
    let is = |f: Flaw| flaw == Some(f);
    let p = b.person(ROLE_MAIN, is(Flaw::Minor));
    let sub = if is(Flaw::BadMrz) || is(Flaw::Minor) { 0 } else { (b.index / 5) % 3 };
    let issued = b.submitted_on - Duration::days(b.rng.range(100, 2000));
    let expires = if is(Flaw::ExpiredDocument) {
        b.submitted_on - Duration::days(b.rng.range(10, 300))
    } else {
        add_years(issued, 10)
    };
    if is(Flaw::NameMismatch) {
        expected.push(CheckId::NameConsistency);
    }
    let photo_id;
    let (name, number, doc) = if sub == 1 {
        // Home Visit Permit: a Hong Kong or Macao resident with a Chinese name.
        let prefix = if p.slot.is_multiple_of(2) { "H" } else { "M" };
        let number = people::prefixed_number(prefix, p.slot, b.seed, 8);
        let shown = if is(Flaw::NameMismatch) {
            b.person(ROLE_OTHER_NAME, false).name
        } else {
            p.name.clone()
        };
        let media = b.image(false, |tf| {
            docs::permit(
                tf,
                &docs::Permit {
                    name: Label::new(&shown.han, &shown.pinyin),
                    pinyin: &shown.pinyin,
                    birth: p.birth,
                    male: p.male,
                    number: &number,
                    valid_from: issued,
                    expires,
                    look: p.look,
                },
            )
        });
        photo_id = b.face_photo(&p.look, false);
        b.marker("applicant name", &p.name.han);
        if shown != p.name {
            b.marker("name on the permit", &shown.han);
        }
        let doc = Document {
            kind: DocumentKind::HomeVisitPermit,
            subject: Subject::Applicant,
            fields: DocumentFields {
                name: Some(shown.han.clone()),
                number: Some(number.clone()),
                expires_on: Some(expires),
                ..Default::default()
            },
            media: vec![media],
        };
        (p.name.han.clone(), number, doc)
    } else {
        // A foreign national: Latin-script name.
        let (surname, given) = people::latin_name(p.slot, b.seed);
        let (shown_surname, shown_given) = if is(Flaw::NameMismatch) {
            people::latin_name(p.slot - ROLE_MAIN + ROLE_OTHER_NAME, b.seed)
        } else {
            (surname.clone(), given.clone())
        };
        let nationality =
            people::NATIONALITIES[(p.slot % people::NATIONALITIES.len() as u64) as usize];
        let applicant_name = format!("{given} {surname}");
        b.marker("applicant name", &applicant_name);
        if shown_surname != surname {
            b.marker("name on the document", &format!("{shown_given} {shown_surname}"));
        }
        let shown = format!("{shown_surname}, {shown_given}");
        if sub == 0 {
            let number = people::prefixed_number("P", p.slot, b.seed, 8);
            // The MRZ encodes the holder's true name; a mismatch shows on the printed fields.
            let mut mrz = Td3 {
                country: nationality,
                surname: &surname,
                given: &given,
                number: &number,
                birth: p.birth,
                male: p.male,
                expiry: expires,
            }
            .lines();
            if is(Flaw::BadMrz) {
                // Break the birth date's check digit (position 19 of line 2).
                let d = mrz[1].as_bytes()[19];
                let wrong = (b'0' + (d - b'0' + 1) % 10) as char;
                mrz[1].replace_range(19..20, &wrong.to_string());
            }
            let media = b.image(false, |tf| {
                docs::passport_page(
                    tf,
                    &docs::PassportPage {
                        country: nationality,
                        number: &number,
                        surname: &shown_surname,
                        given: &shown_given,
                        nationality,
                        birth: p.birth,
                        male: p.male,
                        issued,
                        expires,
                        mrz: &mrz,
                        look: p.look,
                    },
                )
            });
            photo_id = b.face_photo(&p.look, false);
            let doc = Document {
                kind: DocumentKind::Passport,
                subject: Subject::Applicant,
                fields: DocumentFields {
                    name: Some(shown),
                    number: Some(number.clone()),
                    expires_on: Some(expires),
                    mrz: Some(mrz),
                    ..Default::default()
                },
                media: vec![media],
            };
            (applicant_name, number, doc)
        } else {
            let number = people::prefixed_number("DL", p.slot, b.seed, 9);
            let media = b.image(false, |tf| {
                docs::driving_licence(
                    tf,
                    &docs::Licence {
                        country: nationality,
                        surname: &shown_surname,
                        given: &shown_given,
                        birth: p.birth,
                        issued,
                        expires,
                        number: &number,
                        look: p.look,
                    },
                )
            });
            photo_id = b.face_photo(&p.look, false);
            let doc = Document {
                kind: DocumentKind::ForeignDrivingLicence,
                subject: Subject::Applicant,
                fields: DocumentFields {
                    name: Some(shown),
                    number: Some(number.clone()),
                    expires_on: Some(expires),
                    ..Default::default()
                },
                media: vec![media],
            };
            (applicant_name, number, doc)
        }
    };
    b.marker("document number", &number);
    documents.push(doc);
    documents.push(Document {
        kind: DocumentKind::FacePhoto,
        subject: Subject::Applicant,
        fields: DocumentFields::default(),
        media: vec![photo_id],
    });
    Applicant::Individual {
        name,
        id_number: None,
        bank_card_number: None,
        phone: None,
        document_number: Some(number),
    }
}

fn enterprise_certificate(
    b: &mut Builder<'_>,
    flaw: Option<Flaw>,
    documents: &mut Vec<Document>,
    expected: &mut Vec<CheckId>,
) -> Applicant {
    let is = |f: Flaw| flaw == Some(f);
    let index = b.index;
    let by_letter = (index / 5) % 2 == 1;
    let company = people::company(index, b.seed);
    let uscc_valid = people::uscc(index, b.seed, company.region);
    let uscc = if is(Flaw::BadCheckDigit) { corrupt_uscc(&uscc_valid) } else { uscc_valid.clone() };
    b.marker("company name", &company.name.han);
    b.marker("USCC", &uscc_valid);
    if uscc != uscc_valid {
        b.marker("USCC as submitted", &uscc);
    }
    // The person who acts (legal representative in person, or the authorised person) carries
    // the Minor and ExpiredDocument flaws.
    let rep = b.person(ROLE_MAIN, is(Flaw::Minor) && !by_letter);
    b.marker("legal representative name", &rep.name.han);
    b.marker("legal representative ID number", &rep.id_number);
    let other = is(Flaw::NameMismatch).then(|| b.person(ROLE_OTHER_NAME, false).name);
    if let Some(o) = &other {
        b.marker("mismatching name", &o.han);
    }
    let rep_on_licence = match (&other, by_letter) {
        (Some(o), false) => o.clone(),
        _ => rep.name.clone(),
    };
    documents.push(licence_document(
        b,
        &company.name.han,
        &company.name.pinyin,
        &uscc,
        &rep_on_licence,
        index % 20 == 3,
    ));
    if is(Flaw::BadCheckDigit) {
        expected.push(CheckId::Uscc);
    }
    let mut authorised = None;
    if by_letter {
        let a = b.person(ROLE_AUTHORISED, is(Flaw::Minor));
        b.marker("authorised person name", &a.name.han);
        b.marker("authorised person ID number", &a.id_number);
        let named = other.clone().unwrap_or_else(|| a.name.clone());
        let date = b.submitted_on - Duration::days(b.rng.range(1, 30));
        let media = b.image(true, |tf| {
            docs::authorisation_letter(
                tf,
                &docs::Letter {
                    company: Label::new(&company.name.han, &company.name.pinyin),
                    person: Label::new(&named.han, &named.pinyin),
                    id_number: &a.id_number,
                    date,
                },
            )
        });
        documents.push(Document {
            kind: DocumentKind::AuthorisationLetter,
            subject: Subject::Applicant,
            fields: DocumentFields {
                name: Some(company.name.han.clone()),
                authorised_person: Some(named.han.clone()),
                ..Default::default()
            },
            media: vec![media],
        });
        documents.extend(b.id_card(
            &a,
            Subject::AuthorisedPerson,
            &a.name.han,
            &a.name.pinyin,
            &a.id_number,
            is(Flaw::ExpiredDocument),
        ));
        if is(Flaw::NameMismatch) {
            expected.extend([CheckId::Authorisation, CheckId::NameConsistency]);
        }
        authorised = Some(a);
    } else {
        documents.extend(b.id_card(
            &rep,
            Subject::LegalRepresentative,
            &rep.name.han,
            &rep.name.pinyin,
            &rep.id_number,
            is(Flaw::ExpiredDocument),
        ));
        if is(Flaw::NameMismatch) {
            expected.push(CheckId::LegalRepresentative);
        }
    }
    Applicant::Enterprise {
        company_name: company.name.han,
        uscc: Some(uscc),
        legal_representative_name: Some(rep.name.han),
        legal_representative_id_number: Some(rep.id_number),
        authorised_person_name: authorised.as_ref().map(|a| a.name.han.clone()),
        authorised_person_id_number: authorised.map(|a| a.id_number),
        account_number: None,
        bank_name: None,
    }
}
