//! KYC Desk's hub client: pulls leased cases into the encrypted vault and pushes decisions
//! through the vault's durable outbox — offline-first, each decision applied exactly once
//! (DESIGN §4).
//!
//! - [`HubClient`]: the HTTP API over rustls (plain HTTP only to loopback), a timeout on every
//!   call, hub errors as [`SyncError`].
//! - [`sign_in`], [`open_vault_online`], [`unlock_offline`], [`change_password`]: one
//!   Argon2id per sign-in on the client, the vault keyed from it, recovery after a reset.
//! - [`Workstation`]: the client and the vault together. [`Workstation::login`],
//!   [`Workstation::pull`] (progress on a `watch` channel, cancellable),
//!   [`Workstation::push_now`], [`Workstation::spawn_push_loop`] (background push with
//!   backoff and lease renewal), [`Workstation::renew_leases`], [`Workstation::logout`] and
//!   [`Workstation::logout_discarding`].
//! - [`state`]: the small non-personal state file beside the vault (pull journal, discard
//!   notices) that survives crashes and wipes.
//! - Offline limits: [`Workstation::pull_with`] (leases for offline work),
//!   [`Workstation::refresh_client_policy`] and [`Workstation::record_contact`] (kept sealed in
//!   the vault), [`Workstation::enforce_offline_limit`] (the maximum offline time), and lost
//!   leases purged at renewal ([`RenewReport::purged`]).
//!
//! Nothing here logs or returns personal data: errors and log lines carry codes, counts and
//! opaque ids only.

#![warn(missing_docs)]
#![deny(unsafe_code)]

mod admin;
mod client;
mod error;
mod offline;
mod pull;
mod push;
mod signin;
pub mod state;
mod supervisor;
mod workstation;

pub use client::{ClientConfig, HubClient, check_base_url};
pub use error::SyncError;
pub use offline::OfflineWipe;
pub use pull::{FailedCase, PullFailure, PullProgress, PullReport, PullTimings};
pub use push::{PushLoop, PushReport, PushStatus};
pub use signin::{
    SignedIn, change_password, derive_master_key, open_vault_online, sign_in, unlock_offline,
    unlock_vault_online,
};
pub use tokio_util::sync::CancellationToken;
pub use workstation::{
    Backoff, DISCARD_CONFIRMATION, LogoutReport, PushHook, PushPoint, RenewReport, Session,
    SyncOptions, Workstation,
};
