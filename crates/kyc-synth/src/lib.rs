//! Deterministic synthetic demo cases for KYC Desk: cases of every kind with documents drawn
//! by this crate (ID cards, bank cards, passport data pages with machine-readable zones, Home
//! Visit Permits, foreign driving licences, business licences, letters of authorisation, face
//! photos) and face videos, third-party verification results consistent with the data, consent
//! records, and a share of deliberately flawed cases.
//!
//! Every name and number is derived from the case index so that it is unique per case, and
//! [`SynthCase::markers`] lists them (with a 32-byte random run embedded in each media file)
//! so privacy scans can look for them. Nothing here is a real person or company: names come
//! from tables of common characters, numbers are computed to the standards' check rules.
//!
//! Determinism: case `i` depends only on `(rng_seed, today, i)`, not on `n_cases`. Image
//! pixels also depend on the font found on the machine (see `draw::text`), so media bytes are
//! reproducible per machine.

#![warn(missing_docs)]
#![deny(unsafe_code)]

mod draw;
mod generate;
mod people;
mod rng;
mod video;

use kyc_model::checks::CheckId;
use kyc_model::{Case, MediaId};

pub use generate::{generate_one, generate_payload};
pub use video::{SMALL_MP4_MARKER_OFFSET, small_h264_mp4};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthOptions {
    /// How many cases [`generate`] returns.
    pub n_cases: usize,
    /// Seed: the same seed gives the same cases.
    pub rng_seed: u64,
    /// The day the demo runs; cases are submitted up to two weeks before it.
    pub today: time::Date,
}

/// One media object of a case.
#[derive(Clone, PartialEq, Eq)]
pub struct SynthMedia {
    /// The id the case's documents refer to.
    pub id: MediaId,
    /// `"image/jpeg"`, `"image/png"` or `"video/mp4"`.
    pub content_type: &'static str,
    /// The encoded file.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for SynthMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SynthMedia({}, {}, {} bytes)", self.id, self.content_type, self.bytes.len())
    }
}

/// A deliberate defect, so reviewers meet failing checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flaw {
    /// A check character is wrong: ID number (GB 11643), card number (Luhn) or USCC (GB 32100).
    BadCheckDigit,
    /// A document expired before the case was submitted.
    ExpiredDocument,
    /// A name differs between documents (or between a document and the application).
    NameMismatch,
    /// The applicant (or the person acting for an enterprise) is under 18.
    Minor,
    /// A check digit of the passport's machine-readable zone is wrong.
    BadMrz,
    /// The case has no consent record, so it can never be approved.
    MissingConsent,
}

impl Flaw {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Flaw::BadCheckDigit => "bad_check_digit",
            Flaw::ExpiredDocument => "expired_document",
            Flaw::NameMismatch => "name_mismatch",
            Flaw::Minor => "minor",
            Flaw::BadMrz => "bad_mrz",
            Flaw::MissingConsent => "missing_consent",
        }
    }
}

/// A generated case with its media.
#[derive(Clone)]
pub struct SynthCase {
    /// The case payload.
    pub case: Case,
    /// Media of the case's documents, in document order.
    pub media: Vec<SynthMedia>,
    /// The deliberate defect, if any.
    pub flaw: Option<Flaw>,
    markers: Vec<(String, Vec<u8>)>,
    expected_failures: Vec<CheckId>,
}

impl std::fmt::Debug for SynthCase {
    // The payload is (synthetic) personal data: Debug shows only ids, kind and flaw.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SynthCase")
            .field("id", &self.case.id)
            .field("kind", &self.case.kind)
            .field("flaw", &self.flaw)
            .field("media", &self.media)
            .finish_non_exhaustive()
    }
}

impl SynthCase {
    /// Unique marker values of this case — names, ID/phone/card/document numbers, USCC,
    /// company name, account number, and the 32-byte random run embedded in each media file —
    /// each with a label that describes it without containing it (e.g. `"case 7 applicant
    /// name"`).
    pub fn markers(&self) -> Vec<(String, Vec<u8>)> {
        self.markers.clone()
    }

    /// The checks that `kyc_model::checks::run_checks` (default policy) fails on this case:
    /// empty for a case without a flaw.
    pub fn expected_failures(&self) -> Vec<CheckId> {
        self.expected_failures.clone()
    }
}

/// Cases `0..n_cases`; kinds round-robin over [`kyc_model::CaseKind::ALL`]. Cases are
/// independent, so they are generated on up to four threads; the result does not depend on
/// the thread count.
pub fn generate(opts: &SynthOptions) -> Vec<SynthCase> {
    let n = opts.n_cases as u64;
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get()).clamp(1, 4) as u64;
    if threads == 1 || n < 2 {
        return (0..n).map(|i| generate_one(i, opts)).collect();
    }
    let mut slots: Vec<Option<SynthCase>> = vec![None; n as usize];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..n)
                        .step_by(threads as usize)
                        .map(|i| (i, generate_one(i, opts)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panic in a worker is a bug in this crate; re-raise it on the caller's thread.
            for (i, case) in h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                slots[i as usize] = Some(case);
            }
        }
    });
    slots.into_iter().flatten().collect()
}
