//! Integration tests of kyc-synth: determinism, coverage of kinds, documents and flaws,
//! unique markers, agreement of flaws with `kyc_model::checks`, and media that decode.

mod coverage;
mod flaws;
mod markers;
mod media;

use std::sync::OnceLock;

use kyc_synth::{SynthCase, SynthOptions, generate};
use time::macros::date;

pub fn opts(n_cases: usize) -> SynthOptions {
    SynthOptions { n_cases, rng_seed: 42, today: date!(2026 - 11 - 27) }
}

/// Ten cases with media, generated once for the whole test binary (media generation is the
/// slow part in debug builds).
pub fn sample() -> &'static [SynthCase] {
    static SAMPLE: OnceLock<Vec<SynthCase>> = OnceLock::new();
    SAMPLE.get_or_init(|| generate(&opts(10)))
}
