//! The tasks behind `cargo xtask demo|test|bundle|bench|fuzz|bindings`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::sh::{cargo, has_program, root, run, run_tee, target_dir};
use crate::{package, setup};

/// Builds the web UI into `ui/dist`, which the app embeds at compile time.
fn build_ui() -> Result<()> {
    run(Command::new("npm").args(["run", "build"]).current_dir(root().join("ui")))
}

/// Path of the debug app binary.
fn app_binary() -> PathBuf {
    debug_binary("kyc-desk")
}

/// Path of a debug binary of the workspace.
fn debug_binary(name: &str) -> PathBuf {
    target_dir().join("debug").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// A child process stopped (SIGTERM, then kill) when dropped.
struct Background(std::process::Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `cargo xtask demo`: a local hub on loopback, seeded with synthetic cases and demo accounts
/// (their passwords printed once), and the app pointed at it.
pub fn demo() -> Result<()> {
    setup::setup()?;
    build_ui()?;
    run(cargo().args(["build", "--package", "kyc-desk", "--package", "kyc-hub"]))?;

    // A fresh hub every time: the demo's data is synthetic and its passwords are printed once.
    let data = target_dir().join("demo/hub");
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    std::fs::create_dir_all(&data)?;
    run(Command::new(debug_binary("kyc-hub"))
        .args(["seed", "--cases", "40", "--history", "30", "--data"])
        .arg(&data))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("127.0.0.1:{port}");
    let hub = Background(
        Command::new(debug_binary("kyc-hub"))
            .args(["serve", "--listen", &listen, "--data"])
            .arg(&data)
            .spawn()?,
    );
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(&listen).is_err() {
        if Instant::now() > deadline {
            bail!("the demo hub did not start listening on {listen}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let hub_url = format!("http://{listen}");
    eprintln!(
        "demo: hub at {hub_url} (the accounts above work against its API, see /openapi.json); \
         the app opens on its login screen with this address filled in"
    );

    let mut app = if setup::has_display() {
        Command::new(app_binary())
    } else if setup::has_xvfb_run() {
        eprintln!("demo: no display found; running the app on a virtual display (xvfb-run)");
        let mut cmd = Command::new("xvfb-run");
        cmd.args(["-a", "--server-args=-screen 0 1280x800x24"]).arg(app_binary());
        cmd
    } else {
        bail!("no display to open the window on: run `cargo xtask demo` in a desktop session");
    };
    let result = run(app.env("KYC_DESK_HUB_URL", &hub_url));
    drop(hub);
    result
}

/// One step of `cargo xtask test`, for the summary.
struct Step {
    name: &'static str,
    seconds: f64,
}

/// Sums the `test result: ok. N passed; M failed` lines cargo prints.
fn count_cargo_tests(out: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    for line in out.lines().filter(|l| l.starts_with("test result:")) {
        let number_before = |word: &str| {
            let idx = line.find(word)?;
            line[..idx].split_whitespace().last()?.parse::<u64>().ok()
        };
        passed += number_before(" passed").unwrap_or(0);
        failed += number_before(" failed").unwrap_or(0);
    }
    (passed, failed)
}

/// `cargo xtask test`: everything CI checks, in the order that fails fastest.
pub fn test() -> Result<()> {
    let started = Instant::now();
    let mut steps: Vec<Step> = Vec::new();
    let mut n_passed = 0;
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        eprintln!("\n==> xtask test: {name}");
        let t = Instant::now();
        f()?;
        steps.push(Step { name, seconds: t.elapsed().as_secs_f64() });
        Ok(())
    };
    step("setup", &mut || setup::setup().map(|_| ()))?;
    // The app embeds ui/dist at compile time, so the UI is built before anything compiles it.
    step("ui build", &mut build_ui)?;
    step("fmt", &mut || run(cargo().args(["fmt", "--all", "--", "--check"])))?;
    step("clippy", &mut || {
        run(cargo()
            .args(["clippy", "--workspace", "--all-targets", "--locked", "--"])
            .args(["-D", "warnings"]))
    })?;
    step("cargo test", &mut || {
        let out =
            run_tee(cargo().args(["test", "--workspace", "--exclude", "kyc-e2e", "--locked"]))?;
        n_passed += count_cargo_tests(&out).0;
        Ok(())
    })?;
    let ui = root().join("ui");
    step("svelte-check", &mut || run(Command::new("npm").args(["run", "check"]).current_dir(&ui)))?;
    step("vitest", &mut || run(Command::new("npm").args(["test"]).current_dir(&ui)))?;
    step("app build", &mut || run(cargo().args(["build", "--package", "kyc-desk", "--locked"])))?;
    // A debug `.deb`, unpacked and checked; the end-to-end suite launches its binary.
    let mut package_root = None;
    step("package", &mut || {
        package_root = package_check()?;
        Ok(())
    })?;
    step("end-to-end", &mut || {
        let driver = setup::tauri_driver(&mut Vec::new())?;
        let mut cmd = if setup::has_display() {
            cargo()
        } else {
            let mut c = Command::new("xvfb-run");
            c.args(["-a", "--server-args=-screen 0 1280x800x24"])
                .arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
            c
        };
        cmd.args(["test", "--package", "kyc-e2e", "--locked", "--", "--test-threads=1"])
            .env("KYC_DESK_BIN", app_binary())
            .env("KYC_E2E_ARTIFACTS", target_dir().join("e2e"));
        if let Some(driver) = driver {
            cmd.env("TAURI_DRIVER", driver);
        }
        if let Some(root) = &package_root {
            cmd.env("KYC_DESK_PACKAGE_ROOT", root);
        }
        let out = run_tee(&mut cmd)?;
        n_passed += count_cargo_tests(&out).0;
        Ok(())
    })?;
    eprintln!();
    for s in &steps {
        eprintln!("  {:<14} {:>7.1} s", s.name, s.seconds);
    }
    eprintln!(
        "xtask test: all {} steps green in {:.0} s ({} Rust tests)",
        steps.len(),
        started.elapsed().as_secs_f64(),
        n_passed
    );
    Ok(())
}

/// `cargo xtask package`, and the package step of `cargo xtask test`: a debug `.deb`, finished
/// and checked; returns its unpacked root (None, said loudly, where Debian's tools are absent).
pub fn package_check() -> Result<Option<PathBuf>> {
    if !package::can_check() {
        eprintln!(
            "xtask: the package check needs Debian's dpkg tools: SKIPPED on this distribution \
             (the end-to-end test of the packaged app fails without it)"
        );
        return Ok(None);
    }
    let deb = package::build(package::Profile::Debug, "deb")?;
    let root = package::check_deb(&deb)?;
    eprintln!("package: {} checked, unpacked in {}", deb.display(), root.display());
    Ok(Some(root))
}

/// `cargo xtask bundle`: the release `.deb` (finished and checked as in `cargo xtask test`)
/// and `.rpm`. AppImage bundling downloads tools from the internet, which release machines
/// can do and this one cannot (README, "Releases and installers").
pub fn bundle() -> Result<()> {
    setup::setup()?;
    if !package::can_check() {
        bail!(
            "the .deb is finished and checked with Debian's dpkg tools, which this machine lacks: \
             build the packages on Debian or Ubuntu (README, \"Releases and installers\")"
        );
    }
    let deb = package::build(package::Profile::Release, "deb,rpm")?;
    package::check_deb(&deb)?;
    eprintln!("bundle: {}", deb.display());
    let rpms = target_dir().join("release/bundle/rpm");
    for entry in std::fs::read_dir(rpms)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "rpm") {
            eprintln!("bundle: {}", path.display());
        }
    }
    Ok(())
}

/// `cargo xtask bench <name>`: release-mode benchmarks that print ratios against baselines
/// measured in the same run.
/// `desk` is the app's own benchmark ([`bench_desk`]); `all` means the crate benchmarks only,
/// which need no display, no WebDriver and no release build of the app.
pub fn bench(which: &str) -> Result<()> {
    if which == "desk" {
        return bench_desk();
    }
    let all = ["vault", "media", "hub", "sync"];
    let selected: Vec<&str> = if which == "all" { all.to_vec() } else { vec![which] };
    for name in selected {
        if !all.contains(&name) {
            bail!("unknown benchmark {name}: expected one of {all:?} or all");
        }
        let package = format!("kyc-{name}");
        if !root().join("crates").join(&package).join("benches").is_dir() {
            eprintln!("bench: {package} has no benchmark yet: SKIPPED");
            continue;
        }
        run(cargo().args(["bench", "--package", &package, "--bench", name]))?;
    }
    Ok(())
}

/// Path of the release app binary: the one the desk benchmark measures.
fn release_app_binary() -> PathBuf {
    target_dir().join("release").join(format!("kyc-desk{}", std::env::consts::EXE_SUFFIX))
}

/// `cargo xtask bench desk`: next case → all its images loaded, in the real app (release
/// build, UI embedded) under tauri-driver, against a static page serving the same renditions
/// from a loopback file server (`tests/benches/desk.rs`). On a virtual display when there is
/// no display. The driver itself (hub, WebDriver client, file server) is built with the dev
/// profile, like the e2e tests: only the app is measured, and its release build is the honest
/// thing to measure.
pub fn bench_desk() -> Result<()> {
    let driver = setup::tauri_driver(&mut Vec::new())?;
    build_ui()?;
    run(cargo().args(["build", "--package", "kyc-desk", "--release"]))?;
    let mut cmd = if setup::has_display() {
        cargo()
    } else if setup::has_xvfb_run() {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "--server-args=-screen 0 1280x800x24"])
            .arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        c
    } else {
        bail!("the desk benchmark needs a display or xvfb-run (run `cargo xtask setup`)");
    };
    cmd.args(["bench", "--package", "kyc-e2e", "--bench", "desk", "--profile", "dev"])
        .env("KYC_DESK_BIN", release_app_binary())
        .env("KYC_E2E_ARTIFACTS", target_dir().join("e2e"));
    if let Some(driver) = driver {
        cmd.env("TAURI_DRIVER", driver);
    }
    run(&mut cmd)
}

/// `cargo xtask fuzz media [SECONDS]`: the media decoders under cargo-fuzz (nightly).
pub fn fuzz_media(seconds: u64) -> Result<()> {
    if !has_program("cargo-fuzz") {
        run(cargo().args(["install", "--locked", "cargo-fuzz"]))?;
    }
    run(Command::new("cargo")
        .args(["+nightly", "fuzz", "run", "decode", "--"])
        .arg(format!("-max_total_time={seconds}"))
        .args(["-dict=fuzz/decode.dict", "-rss_limit_mb=2048", "-max_len=65536"])
        .current_dir(root().join("crates/kyc-media")))
}

/// `cargo xtask bindings`: rewrites `ui/src/lib/ipc/bindings.ts` from the Rust IPC types.
pub fn bindings() -> Result<()> {
    run(cargo()
        .args(["test", "--package", "kyc-app", "--lib", "bindings"])
        .env("KYC_UPDATE_BINDINGS", "1"))
}
