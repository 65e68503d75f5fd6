//! `cargo xtask setup`: installs what building, running and testing KYC Desk need, and only
//! what is missing. Safe to run again and again; says what it installed.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::sh::{self, cargo, has_program, output, root, run};

/// The Linux distribution families whose package names we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Distro {
    Debian,
    Fedora,
    Arch,
}

/// Packages per family: those to build and run the app, and those the tests and benchmarks
/// need (a virtual display, the WebKit WebDriver, CJK fonts for the Chinese UI, GStreamer
/// plugins for face videos — the good plugins demux MP4 and WebM and decode VP8/VP9, libav
/// decodes H.264, the tools let tests decode a video as WebKitGTK does — libvips for the media
/// benchmark's peer, `dbus-daemon` for the tests' private buses (lock watch, single
/// instance), PostgreSQL for the hub's multi-instance backend).
fn packages(distro: Distro) -> Vec<&'static str> {
    match distro {
        Distro::Debian => vec![
            "build-essential",
            "pkg-config",
            "libwebkit2gtk-4.1-dev",
            "libssl-dev",
            "libayatana-appindicator3-dev",
            "librsvg2-dev",
            "libxdo-dev",
            "xvfb",
            "xauth",
            "webkit2gtk-driver",
            "fonts-noto-cjk",
            "gstreamer1.0-plugins-good",
            "gstreamer1.0-libav",
            "gstreamer1.0-tools",
            "libvips-tools",
            "dbus-daemon",
            // The package check: the desktop entry's and AppStream's validators, and Debian's
            // package checker.
            "desktop-file-utils",
            "appstream",
            "lintian",
        ],
        Distro::Fedora => vec![
            "gcc",
            "gcc-c++",
            "make",
            "pkgconf-pkg-config",
            "webkit2gtk4.1-devel",
            "openssl-devel",
            "libappindicator-gtk3-devel",
            "librsvg2-devel",
            "libxdo-devel",
            "xorg-x11-server-Xvfb",
            "google-noto-sans-cjk-fonts",
            "gstreamer1-plugins-good",
            // Fedora's libav plugin is built on ffmpeg-free; H.264 decoding comes from Cisco's
            // OpenH264 plugin (the fedora-cisco-openh264 repository, enabled by default).
            "gstreamer1-plugin-libav",
            "gstreamer1-plugin-openh264",
            "vips-tools",
            "dbus-daemon",
        ],
        Distro::Arch => vec![
            "base-devel",
            "webkit2gtk-4.1",
            "openssl",
            "libappindicator-gtk3",
            "librsvg",
            "xdotool",
            "xorg-server-xvfb",
            "noto-fonts-cjk",
            "gst-plugins-good",
            "gst-libav",
            "libvips",
            "dbus",
        ],
    }
}

fn detect_distro() -> Option<Distro> {
    let release = std::fs::read_to_string("/etc/os-release").ok()?;
    let field = |name: &str| {
        release
            .lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .map(|v| v.trim_matches('"').to_ascii_lowercase())
            .unwrap_or_default()
    };
    let ids = format!("{} {}", field("ID"), field("ID_LIKE"));
    let has = |word: &str| ids.split_whitespace().any(|w| w == word);
    if has("debian") || has("ubuntu") {
        Some(Distro::Debian)
    } else if has("fedora") || has("rhel") {
        Some(Distro::Fedora)
    } else if has("arch") {
        Some(Distro::Arch)
    } else {
        None
    }
}

fn is_installed(distro: Distro, package: &str) -> bool {
    match distro {
        Distro::Debian => output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
            .is_some_and(|s| s.contains("install ok installed")),
        Distro::Fedora => output(Command::new("rpm").args(["-q", package])).is_some(),
        Distro::Arch => output(Command::new("pacman").args(["-Q", package])).is_some(),
    }
}

/// A package manager command, through sudo when we are not root.
fn privileged(program: &str) -> Command {
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if is_root {
        Command::new(program)
    } else {
        let mut cmd = Command::new("sudo");
        cmd.arg(program);
        cmd
    }
}

fn install_os_packages(distro: Distro, missing: &[&str]) -> Result<()> {
    match distro {
        Distro::Debian => {
            run(privileged("apt-get").arg("update").arg("-q"))?;
            run(privileged("apt-get")
                .args(["install", "-y", "-q", "--no-install-recommends"])
                .args(missing)
                .env("DEBIAN_FRONTEND", "noninteractive"))
        }
        Distro::Fedora => run(privileged("dnf").args(["install", "-y"]).args(missing)),
        Distro::Arch => {
            run(privileged("pacman").args(["-S", "--needed", "--noconfirm"]).args(missing))
        }
    }
}

fn os_packages(installed: &mut Vec<String>) -> Result<()> {
    match std::env::consts::OS {
        "linux" => {}
        "macos" => {
            eprintln!(
                "setup: macOS needs the Xcode command line tools (`xcode-select --install`); \
                 WebKit is part of the OS. End-to-end tests run on Linux only (there is no \
                 WKWebView WebDriver)."
            );
            return Ok(());
        }
        "windows" => {
            eprintln!(
                "setup: Windows needs the Visual Studio C++ build tools and the WebView2 runtime \
                 (preinstalled on Windows 10/11). End-to-end tests need msedgedriver matching \
                 the WebView2 version."
            );
            return Ok(());
        }
        other => bail!("unsupported OS {other}"),
    }
    let Some(distro) = detect_distro() else {
        eprintln!(
            "setup: unknown Linux distribution; install the WebKitGTK 4.1 development files, \
             Xvfb, WebKitWebDriver and CJK fonts yourself (see README)."
        );
        return Ok(());
    };
    let missing: Vec<&str> =
        packages(distro).into_iter().filter(|p| !is_installed(distro, p)).collect();
    if !missing.is_empty() {
        install_os_packages(distro, &missing)?;
        installed.extend(missing.iter().map(|p| format!("OS package {p}")));
    }
    Ok(())
}

fn node_packages(installed: &mut Vec<String>) -> Result<()> {
    let version = output(Command::new("node").arg("--version"))
        .context("Node.js is required (version 20 or later): https://nodejs.org")?;
    let major: u32 =
        version.trim().trim_start_matches('v').split('.').next().unwrap_or("0").parse()?;
    if major < 20 {
        bail!("Node.js 20 or later is required, found {}", version.trim());
    }
    let ui = root().join("ui");
    let lock = ui.join("package-lock.json");
    // npm writes node_modules/.package-lock.json after every successful install: when it is
    // newer than the committed lock file, node_modules matches it and `npm ci` can be skipped.
    let stamp = ui.join("node_modules/.package-lock.json");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&stamp), modified(&lock)), (Some(s), Some(l)) if s >= l);
    if !fresh {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&ui))?;
        installed.push("npm packages of ui/".into());
    }
    Ok(())
}

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(
            std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .unwrap_or_default(),
        )
        .join(".cargo/bin"),
    }
}

/// Path of `tauri-driver`, installing it when missing (Linux and Windows only: it does not
/// support macOS).
pub fn tauri_driver(installed: &mut Vec<String>) -> Result<Option<PathBuf>> {
    if std::env::consts::OS == "macos" {
        return Ok(None);
    }
    let exe = format!("tauri-driver{}", std::env::consts::EXE_SUFFIX);
    if let Some(found) = sh::find_program(&exe) {
        return Ok(Some(found));
    }
    let local = cargo_bin_dir().join(&exe);
    if !local.is_file() {
        run(cargo().args(["install", "--locked", "tauri-driver", "--version", "^2.1"]))?;
        installed.push("tauri-driver".into());
    }
    Ok(Some(local))
}

/// The schemathesis release the API contract test (kyc-hub `openapi_fuzz`) runs: pinned, so a
/// new release cannot change what the test checks without a commit.
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// The venv holding schemathesis; the test looks for it at the same place.
pub fn schemathesis_venv() -> PathBuf {
    crate::sh::target_dir().join("tools/schemathesis")
}

/// Installs the pinned schemathesis into [`schemathesis_venv`] unless it is there already.
fn schemathesis(installed: &mut Vec<String>) -> Result<()> {
    let venv = schemathesis_venv();
    let (bin, python) = if cfg!(windows) {
        (venv.join("Scripts/schemathesis.exe"), venv.join("Scripts/python.exe"))
    } else {
        (venv.join("bin/schemathesis"), venv.join("bin/python"))
    };
    let current = output(Command::new(&bin).arg("--version"));
    if current.is_some_and(|v| v.contains(SCHEMATHESIS_VERSION)) {
        return Ok(());
    }
    let system_python = ["python3", "python"]
        .into_iter()
        .find(|p| has_program(p))
        .context("Python 3.9 or later is required for the API contract test (schemathesis)")?;
    if !python.is_file() {
        run(Command::new(system_python).args(["-m", "venv"]).arg(&venv)).context(
            "could not create a Python venv (on Debian and Ubuntu: install python3-venv)",
        )?;
    }
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")))?;
    installed.push(format!("schemathesis {SCHEMATHESIS_VERSION}"));
    Ok(())
}

/// Installs whatever is missing and reports it.
pub fn setup() -> Result<Vec<String>> {
    let mut installed = Vec::new();
    os_packages(&mut installed)?;
    node_packages(&mut installed)?;
    tauri_driver(&mut installed)?;
    schemathesis(&mut installed)?;
    if installed.is_empty() {
        eprintln!("setup: everything was already installed");
    } else {
        eprintln!("setup: installed {}", installed.join(", "));
    }
    Ok(installed)
}

/// Whether a graphical display is available to open windows on.
pub fn has_display() -> bool {
    std::env::consts::OS != "linux"
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// Whether `xvfb-run` is available.
pub fn has_xvfb_run() -> bool {
    has_program("xvfb-run")
}
