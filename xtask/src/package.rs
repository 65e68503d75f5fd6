//! The Linux packages: Tauri's bundler builds the `.deb` and `.rpm`; [`finish_deb`] then makes
//! the `.deb` what Debian and freedesktop expect (Tauri names the desktop entry after the
//! product, `KYC Desk.desktop`, and the icons after the binary, and ships no copyright file,
//! changelog or AppStream metadata), and [`check_deb`] proves it — the package step of
//! `cargo xtask test` runs both on a debug bundle and hands the unpacked root to the
//! end-to-end test that launches it (`tests/e2e/package.rs`).
//!
//! Nothing here installs the package: it is unpacked into a directory and inspected there.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};

use crate::sh::{output, root, run, target_dir};

/// The app id (`identifier` in `tauri.conf.json`): the desktop entry, the icons and the
/// AppStream component are named after it, as freedesktop asks.
pub const APP_ID: &str = "org.kycdesk.workstation";
/// The Debian package name (Tauri derives it from the product name, in kebab case).
pub const PACKAGE: &str = "kyc-desk";
/// The binary in `/usr/bin`.
const BINARY: &str = "kyc-desk";
/// Libraries the app cannot start without: the package must depend on them.
const REQUIRED_DEPENDS: [&str; 2] = ["libwebkit2gtk-4.1-0", "libgtk-3-0"];

/// Which cargo profile the bundle is built with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `cargo xtask test`: quick to build, the same layout.
    Debug,
    /// `cargo xtask bundle`: what is shipped.
    Release,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// The app's version, from the workspace manifest (the one source of it: `tauri.conf.json`
/// leaves `version` out so Tauri reads the same).
pub fn app_version() -> Result<String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))?;
    let mut in_workspace_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_workspace_package = line == "[workspace.package]";
        } else if in_workspace_package && let Some(value) = line.strip_prefix("version") {
            let value = value.trim_start().trim_start_matches('=').trim().trim_matches('"');
            return Ok(value.to_owned());
        }
    }
    bail!("no version in [workspace.package] of Cargo.toml")
}

/// Builds the bundles with the Tauri CLI (`deb` alone or `deb,rpm`), finishes the `.deb` and
/// returns its path.
pub fn build(profile: Profile, bundles: &str) -> Result<PathBuf> {
    let mut cmd = Command::new(root().join("ui/node_modules/.bin/tauri"));
    cmd.arg("build");
    if profile == Profile::Debug {
        cmd.arg("--debug");
    }
    run(cmd.args(["--bundles", bundles]).current_dir(root()))?;
    let dir = target_dir().join(profile.dir()).join("bundle/deb");
    let tauri_deb = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            p.extension().is_some_and(|e| e == "deb") && !name.starts_with(&format!("{PACKAGE}_"))
        })
        .with_context(|| format!("the Tauri CLI left no .deb in {}", dir.display()))?;
    let deb = finish_deb(&tauri_deb, &dir, profile)?;
    std::fs::remove_file(&tauri_deb)?;
    Ok(deb)
}

/// Rewrites Tauri's `.deb` into `<dir>/kyc-desk_<version>_<arch>.deb`: the desktop entry and
/// icons named after the app id, the AppStream metainfo, `copyright`, `changelog.gz` and the
/// manual page, the
/// binary stripped, the `Depends` line computed from the binary's libraries by `dpkg-shlibdeps` (as Debian's own
/// packages get `${shlibs:Depends}`), fresh md5sums and sizes, every file owned by root.
pub fn finish_deb(tauri_deb: &Path, dir: &Path, profile: Profile) -> Result<PathBuf> {
    let work = dir.join("finish");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    let pkg = work.join("root");
    std::fs::create_dir_all(&work)?;
    run(Command::new("dpkg-deb").arg("--raw-extract").arg(tauri_deb).arg(&pkg))?;
    let version = app_version()?;
    let packaging = root().join("packaging/linux");

    // The desktop entry, named after the app id; Tauri's own is dropped.
    let applications = pkg.join("usr/share/applications");
    for entry in std::fs::read_dir(&applications)? {
        std::fs::remove_file(entry?.path())?;
    }
    std::fs::copy(
        packaging.join(format!("{APP_ID}.desktop")),
        applications.join(format!("{APP_ID}.desktop")),
    )?;

    // Icons: Tauri names them after the binary; the entry's `Icon=` is the app id.
    let hicolor = pkg.join("usr/share/icons/hicolor");
    for size in std::fs::read_dir(&hicolor)? {
        let apps = size?.path().join("apps");
        let from = apps.join(format!("{BINARY}.png"));
        if from.exists() {
            std::fs::rename(&from, apps.join(format!("{APP_ID}.png")))?;
        }
    }

    // AppStream: the component's release is this version, dated by the commit it is built from
    // (so the same commit gives the same package).
    let date = output(Command::new("git").args(["log", "-1", "--format=%cs"]).current_dir(root()))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .context("the date of the commit being packaged (git log)")?;
    let metainfo = std::fs::read_to_string(packaging.join(format!("{APP_ID}.metainfo.xml")))?
        .replace("@VERSION@", &version)
        .replace("@DATE@", &date);
    let metainfo_dir = pkg.join("usr/share/metainfo");
    std::fs::create_dir_all(&metainfo_dir)?;
    std::fs::write(metainfo_dir.join(format!("{APP_ID}.metainfo.xml")), metainfo)?;

    // /usr/share/doc/<package>: copyright and a Debian-format changelog for this version.
    let control_text = std::fs::read_to_string(pkg.join("DEBIAN/control"))?;
    let maintainer = control_field(&control_text, "Maintainer")
        .context("Tauri wrote no Maintainer (set `authors` in Cargo.toml)")?;
    let doc = pkg.join(format!("usr/share/doc/{PACKAGE}"));
    std::fs::create_dir_all(&doc)?;
    std::fs::copy(packaging.join("copyright"), doc.join("copyright"))?;
    let changed =
        output(Command::new("git").args(["log", "-1", "--format=%cD"]).current_dir(root()))
            .map(|s| s.trim().to_owned())
            .context("the commit's date (git log)")?;
    let changelog = format!(
        "{PACKAGE} ({version}) unstable; urgency=medium\n\n  * Release {version}.\n\n -- {maintainer}  {changed}\n"
    );
    std::fs::write(doc.join("changelog"), changelog)?;
    run(Command::new("gzip").args(["-9", "-n", "-f"]).arg(doc.join("changelog")))?;
    let man1 = pkg.join("usr/share/man/man1");
    std::fs::create_dir_all(&man1)?;
    std::fs::copy(packaging.join(format!("{BINARY}.1")), man1.join(format!("{BINARY}.1")))?;
    run(Command::new("gzip").args(["-9", "-n", "-f"]).arg(man1.join(format!("{BINARY}.1"))))?;

    // The binary stripped as Debian's own are (dh_strip's options; the debug info is what a
    // -dbgsym package would carry), then Depends from its libraries, as the build machine's
    // packages provide them.
    let binary = pkg.join("usr/bin").join(BINARY);
    run(Command::new("strip")
        .args(["--remove-section=.comment", "--remove-section=.note", "--strip-unneeded"])
        .arg(&binary))?;
    let depends = shlib_depends(&binary, &work)?;
    let installed_kib = dir_size(&pkg, &pkg.join("DEBIAN"))?.div_ceil(1024);
    let control = rewrite_control(&control_text, &depends, installed_kib);
    std::fs::write(pkg.join("DEBIAN/control"), control)?;
    write_md5sums(&pkg)?;

    let arch = control_field(&control_text, "Architecture").context("no Architecture")?;
    let deb = dir.join(format!("{PACKAGE}_{version}_{arch}.deb"));
    // xz for what ships; the debug package (a binary of some hundred MB with its debug info)
    // only has to be unpacked again, so it is compressed fast.
    let compression: &[&str] = match profile {
        Profile::Release => &["-Zxz"],
        Profile::Debug => &["-Zgzip", "-z1"],
    };
    run(Command::new("dpkg-deb")
        .arg("--root-owner-group")
        .args(compression)
        .arg("--build")
        .arg(&pkg)
        .arg(&deb))?;
    std::fs::remove_dir_all(&work)?;
    Ok(deb)
}

/// `dpkg-shlibdeps` on the binary: the packages (with minimum versions) that provide the
/// libraries it links. It wants a `debian/control` beside it, so it runs in a scratch dir.
fn shlib_depends(binary: &Path, work: &Path) -> Result<String> {
    let scratch = work.join("shlibdeps");
    std::fs::create_dir_all(scratch.join("debian"))?;
    std::fs::write(
        scratch.join("debian/control"),
        format!("Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n"),
    )?;
    let out = Command::new("dpkg-shlibdeps")
        .args(["-O", "--ignore-missing-info"])
        .arg(format!("-e{}", binary.display()))
        .current_dir(&scratch)
        .output()
        .context("dpkg-shlibdeps (dpkg-dev) could not start")?;
    ensure!(
        out.status.success(),
        "dpkg-shlibdeps failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("shlibs:Depends="))
        .map(str::to_owned)
        .context("dpkg-shlibdeps printed no shlibs:Depends")
}

/// One field of a control file.
fn control_field(control: &str, name: &str) -> Option<String> {
    control
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
        .map(|v| v.trim().to_owned())
}

/// The control file with `Depends` and `Installed-Size` replaced (or added before the
/// description, where dpkg puts them).
fn rewrite_control(control: &str, depends: &str, installed_kib: u64) -> String {
    let mut out = String::new();
    for line in control.lines() {
        if line.starts_with("Depends:") || line.starts_with("Installed-Size:") {
            continue;
        }
        if line.starts_with("Description:") {
            out.push_str(&format!("Installed-Size: {installed_kib}\nDepends: {depends}\n"));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Bytes of the regular files under `dir`, leaving out `except`.
fn dir_size(dir: &Path, except: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let meta = std::fs::symlink_metadata(&path)?;
        if path == except {
            continue;
        } else if meta.is_dir() {
            total += dir_size(&path, except)?;
        } else {
            total += meta.len();
        }
    }
    Ok(total)
}

/// `DEBIAN/md5sums` for every file of the package.
fn write_md5sums(pkg: &Path) -> Result<()> {
    let listing = output(
        Command::new("sh")
            .args(["-c", "find usr -type f -print0 | sort -z | xargs -0 md5sum"])
            .current_dir(pkg),
    )
    .context("md5sum over the package's files")?;
    std::fs::write(pkg.join("DEBIAN/md5sums"), listing)?;
    Ok(())
}

/// Unpacks the `.deb` with `dpkg-deb -x` into `<dir>/unpacked` and checks it as a user's
/// machine and Debian's tools would see it. Returns the unpacked root.
pub fn check_deb(deb: &Path) -> Result<PathBuf> {
    let unpacked = deb.parent().context("the .deb's directory")?.join("unpacked");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked)?;
    }
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&unpacked))?;
    let field = |name: &str| {
        output(Command::new("dpkg-deb").args(["-f"]).arg(deb).arg(name))
            .map(|s| s.trim().to_owned())
            .with_context(|| format!("dpkg-deb -f {name}"))
    };

    // The control fields a user and apt see.
    ensure!(field("Package")? == PACKAGE, "the package is called {PACKAGE}");
    ensure!(field("Version")? == app_version()?, "the package's version is the app's");
    let maintainer = field("Maintainer")?;
    ensure!(
        maintainer.contains('<') && maintainer.ends_with('>') && maintainer.contains('@'),
        "the maintainer has a contact address: {maintainer:?}"
    );
    let description = field("Description")?;
    let long: Vec<&str> = description.lines().skip(1).collect();
    ensure!(
        long.len() >= 2 && !description.contains("(none)"),
        "the package has a real long description: {description:?}"
    );
    let depends = field("Depends")?;
    let depends_on: Vec<&str> = depends
        .split(',')
        .map(|d| d.split(['(', '|']).next().unwrap_or("").trim())
        .filter(|d| !d.is_empty())
        .collect();
    for required in REQUIRED_DEPENDS {
        ensure!(depends_on.contains(&required), "Depends names {required}: {depends:?}");
    }
    // Every dependency is a real package of this distribution (installed here, since the app
    // was built against it).
    for name in &depends_on {
        ensure!(
            output(Command::new("dpkg-query").args(["-W", "-f=${Status}", name]))
                .is_some_and(|s| s.contains("install ok installed")),
            "the dependency {name} is a package of this distribution"
        );
    }

    // The binary, and every library it links resolves.
    let binary = unpacked.join("usr/bin").join(BINARY);
    ensure!(binary.is_file(), "the package installs /usr/bin/{BINARY}");
    let ldd = output(Command::new("ldd").arg(&binary)).context("ldd on the packaged binary")?;
    ensure!(!ldd.contains("not found"), "every library the binary links is found:\n{ldd}");

    // The desktop entry: named after the app id, valid, launching the packaged binary with the
    // packaged icon.
    let applications = unpacked.join("usr/share/applications");
    let entries: Vec<String> = std::fs::read_dir(&applications)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    ensure!(
        entries == [format!("{APP_ID}.desktop")],
        "one desktop entry, {APP_ID}.desktop: {entries:?}"
    );
    let desktop = applications.join(format!("{APP_ID}.desktop"));
    run(Command::new("desktop-file-validate").arg(&desktop))?;
    let entry = std::fs::read_to_string(&desktop)?;
    ensure!(entry.lines().any(|l| l == format!("Exec={BINARY}")), "Exec= runs /usr/bin/{BINARY}");
    ensure!(entry.lines().any(|l| l == format!("Icon={APP_ID}")), "Icon= is the app id");

    // Icons in the hicolor theme's size directories (no `@2` scale directories without a
    // theme index to declare them), square, and at least the sizes desktops ask for.
    let hicolor = unpacked.join("usr/share/icons/hicolor");
    let mut sizes = Vec::new();
    for dir in std::fs::read_dir(&hicolor)? {
        let dir = dir?;
        let name = dir.file_name().to_string_lossy().into_owned();
        let (w, h) = name.split_once('x').context("icon directories are NxN")?;
        ensure!(w == h && w.parse::<u32>().is_ok(), "icon directory {name} is NxN");
        ensure!(
            dir.path().join("apps").join(format!("{APP_ID}.png")).is_file(),
            "{name}/apps holds {APP_ID}.png"
        );
        sizes.push(w.parse::<u32>()?);
    }
    for size in [32, 128, 256] {
        ensure!(sizes.contains(&size), "a {size}x{size} icon (have {sizes:?})");
    }

    // AppStream metadata, validated offline.
    let metainfo = unpacked.join(format!("usr/share/metainfo/{APP_ID}.metainfo.xml"));
    ensure!(metainfo.is_file(), "the AppStream metainfo is installed");
    run(Command::new("appstreamcli").args(["validate", "--no-net"]).arg(&metainfo))?;
    ensure!(
        unpacked.join(format!("usr/share/doc/{PACKAGE}/copyright")).is_file(),
        "the copyright file is installed"
    );

    // Debian's own package checker: warnings are printed, errors fail.
    run(Command::new("lintian").args(["--fail-on", "error", "--tag-display-limit", "0"]).arg(deb))?;
    Ok(unpacked)
}

/// Whether this machine has the Debian tools the package check needs.
pub fn can_check() -> bool {
    crate::sh::has_program("dpkg-deb") && crate::sh::has_program("dpkg-shlibdeps")
}
