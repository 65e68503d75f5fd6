//! The application layer of KYC Desk: [`Desk`], which the Tauri commands in `src-tauri`
//! delegate to in one line each, and the types that cross IPC.
//!
//! Nothing here depends on Tauri, so every command's behaviour is testable without a window
//! (the tests drive a `Desk` against a real hub on loopback). The TypeScript declarations of
//! the IPC types are generated from this crate into `ui/src/lib/ipc/bindings.ts` (see
//! [`bindings`]); a test fails when the committed file is stale.
//!
//! - [`desk`]: the session state machine, push loop, idle lock, undo window, active time;
//! - [`session`]: sign-in and unlock (the password protocol lives only there);
//! - [`mask`]: the masked case view and the values `reveal` returns;
//! - [`media`]: the answers of the `media://` scheme;
//! - [`error`]: the one IPC error and the mapping of the crates' errors into it;
//! - [`settings`]: the machine's and each account's preferences (never case data);
//! - [`logs`]: the size-rotated log file and the panic hook that keeps messages out of it;
//! - [`support`]: the support bundle, and [`Desk::call`], which every command goes through;
//! - [`supervise`] and [`administer`]: supervisor and administrator mode (online only).

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod administer;
pub mod bindings;
pub mod desk;
pub mod error;
pub mod evidence;
pub mod ipc;
pub mod login;
pub mod logs;
pub mod mask;
pub mod media;
pub mod session;
pub mod settings;
pub mod stats;
pub mod supervise;
pub mod support;

pub use desk::{Desk, DeskConfig, EventSink, ProgressSink};
pub use error::{AppError, ErrorCode};
pub use ipc::{AppInfo, LoginRequest, Session};
/// The OS session-lock and sleep watcher [`Desk::watch_os_lock`] runs (its options).
pub use kyc_lockwatch as lockwatch;
pub use kyc_proto::Secret;
pub use media::MediaResponse;

/// Environment variable naming the hub the login screen offers first (demo and debug builds
/// only).
pub const HUB_URL_ENV: &str = "KYC_DESK_HUB_URL";

/// Whether this build honours [`HUB_URL_ENV`] and lists demo accounts: debug builds and
/// builds with the `demo` feature. A release build ignores the environment, so nobody can
/// point a reviewer's login screen at another hub by setting a variable.
pub const DEMO_BUILD: bool = cfg!(any(debug_assertions, feature = "demo"));

/// The accounts `kyc-hub seed` creates, listed on a demo build's login screen.
const DEMO_ACCOUNTS: [(&str, ipc::Role); 5] = [
    ("reviewer1", ipc::Role::Reviewer),
    ("reviewer2", ipc::Role::Reviewer),
    // Created by `seed --history` (the demo's decided history), as `cargo xtask demo` does.
    ("reviewer3", ipc::Role::Reviewer),
    ("supervisor", ipc::Role::Supervisor),
    ("admin", ipc::Role::Admin),
];

/// Facts about the running app that the UI shows (version; never anything personal).
pub fn app_info() -> AppInfo {
    app_info_for(DEMO_BUILD, std::env::var(HUB_URL_ENV).ok())
}

/// [`app_info`] for a given kind of build and environment value (testable both ways).
pub fn app_info_for(demo_build: bool, hub_url_env: Option<String>) -> AppInfo {
    AppInfo {
        name: "KYC Desk".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        default_hub_url: hub_url_env.filter(|u| demo_build && !u.trim().is_empty()),
        demo_accounts: if demo_build {
            DEMO_ACCOUNTS
                .iter()
                .map(|(username, role)| ipc::DemoAccount {
                    username: (*username).into(),
                    role: *role,
                })
                .collect()
        } else {
            Vec::new()
        },
        platform: ipc::Platform::current(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_url_prefill_only_in_demo_builds() {
        let env = Some("http://127.0.0.1:8443".to_owned());
        let release = app_info_for(false, env.clone());
        assert_eq!(release.default_hub_url, None);
        assert!(release.demo_accounts.is_empty());
        let demo = app_info_for(true, env);
        assert_eq!(demo.default_hub_url.as_deref(), Some("http://127.0.0.1:8443"));
        assert!(demo.demo_accounts.iter().any(|a| a.username == "reviewer1"));
        assert_eq!(app_info_for(true, Some("  ".into())).default_hub_url, None);
        // Tests are debug builds: the flag the app uses says so.
        const { assert!(DEMO_BUILD) };
    }
}
