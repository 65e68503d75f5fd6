//! The application API of KYC Desk: plain functions that the Tauri commands in `src-tauri`
//! delegate to in one line each, and the types that cross IPC.
//!
//! Nothing here depends on Tauri, so every command's behaviour is testable without a window.
//! The TypeScript declarations of the IPC types are generated from this crate into
//! `ui/src/lib/ipc/bindings.ts` (see [`bindings`]); a test fails when the committed file is
//! stale.

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod bindings;
pub mod error;
pub mod ipc;
pub mod login;

pub use error::{AppError, ErrorCode};
pub use ipc::{AppInfo, LoginRequest, Password, Session};

/// Environment variable naming the hub the login screen offers first.
pub const HUB_URL_ENV: &str = "KYC_DESK_HUB_URL";

/// Facts about the running app that the UI shows (version; never anything personal).
pub fn app_info() -> AppInfo {
    AppInfo {
        name: "KYC Desk".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        default_hub_url: std::env::var(HUB_URL_ENV).ok().filter(|u| !u.trim().is_empty()),
    }
}
