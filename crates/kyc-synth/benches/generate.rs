//! Generation speed: cases with media against the payload-only baseline measured in the same
//! run (`cargo bench -p kyc-synth`; in debug: `cargo bench -p kyc-synth --profile dev`).

use std::time::Instant;

use kyc_synth::{SynthOptions, generate, generate_payload};

fn main() {
    let opts =
        SynthOptions { n_cases: 20, rng_seed: 7, today: time::macros::date!(2026 - 11 - 27) };
    let started = Instant::now();
    for i in 0..opts.n_cases as u64 {
        std::hint::black_box(generate_payload(i, &opts));
    }
    let payload = started.elapsed();
    let started = Instant::now();
    let cases = std::hint::black_box(generate(&opts));
    let full = started.elapsed();
    let bytes: usize = cases.iter().flat_map(|c| &c.media).map(|m| m.bytes.len()).sum();
    let n_media: usize = cases.iter().map(|c| c.media.len()).sum();
    println!("payload only: {} cases in {payload:?}", opts.n_cases);
    println!("with media:   {} cases, {n_media} media, {bytes} bytes in {full:?}", opts.n_cases);
    println!("ratio media/payload: {:.0}x", full.as_secs_f64() / payload.as_secs_f64().max(1e-9));
    println!("per case with media: {:?}", full / opts.n_cases as u32);
}
