//! The end-to-end harness: the real `kyc-desk` binary started by `tauri-driver` (with
//! WebKitWebDriver) and driven over WebDriver, a real seeded hub on loopback, and the privacy
//! scan of every directory the app writes. The e2e tests and `cargo xtask bench desk` use it.

pub mod app;
pub mod hub;
pub mod privacy;

pub use app::App;
pub use hub::{Hub, Seed};
