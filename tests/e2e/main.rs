//! End-to-end tests: the real `kyc-desk` binary, built beforehand by `cargo xtask test`, is
//! started by `tauri-driver` (with WebKitWebDriver) and driven over WebDriver with fantoccini.
//! They need a display (`xvfb-run` provides one in CI) and are run by `cargo xtask test`, which
//! passes the app's path in `KYC_DESK_BIN`. Screenshots are kept under `KYC_E2E_ARTIFACTS`.

mod admin;
mod instance;
mod login;
mod package;
mod reviewer;
mod supervisor;
mod supervisor_evidence;
mod supervisor_queues;
mod window;
