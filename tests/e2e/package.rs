//! The app as a user's machine gets it: the binary unpacked from the debug `.deb` that
//! `cargo xtask test` built and checked (`xtask/src/package.rs`), started the way its desktop
//! entry starts it, opens its window and renders the login screen from the assets built into
//! it. Nothing is installed: the package was unpacked with `dpkg-deb -x` into a directory.

use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use kyc_e2e::App;
use kyc_e2e::app::required_env;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_packaged_app_opens_its_login_window() -> Result<()> {
    let root = required_env("KYC_DESK_PACKAGE_ROOT")?;
    let entry = std::fs::read_to_string(
        root.join("usr/share/applications/org.kycdesk.workstation.desktop"),
    )
    .context("the package's desktop entry")?;
    let exec = entry
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .context("the desktop entry has an Exec line")?;
    let command = exec.split_whitespace().next().unwrap_or_default();
    let binary = root.join("usr/bin").join(command);
    ensure!(binary.is_file(), "Exec={exec} is the packaged /usr/bin/{command}");

    let app = App::start_binary(&binary, Arc::new(tempfile::tempdir()?), &[]).await?;
    let result = async {
        app.find("#sign-in").await?;
        app.find("#user").await?;
        app.find("#password").await?;
        let title = app.client.title().await?;
        ensure!(title == "KYC Desk", "the window is titled {title:?}");
        app.screenshot("packaged-login-en").await?;
        anyhow::Ok(())
    }
    .await;
    app.stop().await?;
    result
}
