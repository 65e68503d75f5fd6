//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `setup`   installs what is missing (OS packages, npm packages, tauri-driver); idempotent.
//! - `demo`    setup, build, and start the product on its embedded default.
//! - `test`    setup, then every check CI runs; non-zero exit on any failure.
//! - `bundle`  the Linux `.deb` and `.rpm`.
//! - `package` the package check of `test` alone: a debug `.deb`, finished, unpacked, checked.
//! - `bench`   benchmarks (`vault`, `media`, `hub`, `sync` or `all` of these; `desk`: the app).
//! - `fuzz`    fuzzers (`media`), with nightly.
//! - `bindings` regenerate the TypeScript IPC bindings from the Rust types.
//! - `icons`   redraw the app icons into `assets/icons`.

mod icons;
mod package;
mod setup;
mod sh;
mod tasks;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <setup|demo|test|bundle|package|bench [vault|media|hub|sync|all|desk]|fuzz media [SECONDS]|bindings|icons>";

fn main() {
    if let Err(err) = run() {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["setup"] => setup::setup().map(|_| ()),
        ["demo"] => tasks::demo(),
        ["test"] => tasks::test(),
        ["bundle"] => tasks::bundle(),
        ["package"] => tasks::package_check().map(drop),
        ["bench"] => tasks::bench("all"),
        ["bench", which] => tasks::bench(which),
        ["fuzz", "media"] => tasks::fuzz_media(60),
        ["fuzz", "media", secs] => tasks::fuzz_media(secs.parse()?),
        ["bindings"] => tasks::bindings(),
        ["icons"] => icons::icons(),
        _ => bail!("{USAGE}"),
    }
}
