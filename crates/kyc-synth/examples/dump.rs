//! Writes generated cases to a directory to look at them:
//! `cargo run -p kyc-synth --example dump -- <dir> [n_cases] [seed]`.
//! Each case becomes `<case id>.json` plus its media as `<media id>.<ext>`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "synth-out".into()));
    let n_cases = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let rng_seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let today = time::OffsetDateTime::now_utc().date();
    std::fs::create_dir_all(&dir).expect("create output directory");
    let started = Instant::now();
    let cases = kyc_synth::generate(&kyc_synth::SynthOptions { n_cases, rng_seed, today });
    let elapsed = started.elapsed();
    let mut bytes = 0;
    for c in &cases {
        let json = format!("{:#?}", c.case.id);
        std::fs::write(dir.join(format!("{}.txt", c.case.id)), format!("{json}\n{:?}\n", c.flaw))
            .expect("write");
        for m in &c.media {
            let ext = m.content_type.rsplit('/').next().unwrap_or("bin");
            std::fs::write(dir.join(format!("{}.{ext}", m.id)), &m.bytes).expect("write");
            bytes += m.bytes.len();
        }
    }
    println!(
        "{} cases, {} media, {} bytes in {:?}",
        cases.len(),
        cases.iter().map(|c| c.media.len()).sum::<usize>(),
        bytes,
        elapsed
    );
}
