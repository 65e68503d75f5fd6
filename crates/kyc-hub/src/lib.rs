//! KYC Desk's case server: accounts, intake, leases, media, idempotent decisions, an audit hash
//! chain, supervisor views and retention, over HTTP (axum) on embedded SQLite.
//!
//! - [`app`] builds the router over an [`AppState`] (tests drive it with `oneshot`).
//! - [`serve`] opens the data directory, binds, and runs the hub in the current tokio runtime;
//!   it returns a [`RunningHub`] with the bound address and a shutdown handle, so tests and the
//!   demo can start a real hub on `127.0.0.1:0`.
//! - [`store::Store`] is the storage boundary; [`store::sqlite::SqliteStore`] the embedded
//!   backend. Every store method is one transaction, so a PostgreSQL backend maps it one to one
//!   (leases: `SELECT ... FOR UPDATE SKIP LOCKED`).
//! - [`ops`] holds what the command line does (seed, accounts, audit verify, purge), as plain
//!   functions.
//!
//! Nothing here logs personal data: log lines carry opaque ids, codes and counts only.

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod agreement;
pub mod api;
pub mod api_doc;
pub mod audit;
pub mod auth;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod double_review;
pub mod error;
pub mod media;
pub mod media_check;
pub mod ops;
pub mod rejection;
pub mod sample;
pub mod server;
pub mod stats_csv;
pub mod store;
pub mod time_util;

pub use api::{AppState, app};
pub use config::{HubConfig, LoginLimits, PasswordHashing, SessionTimes, TlsFiles};
pub use error::AppError;
pub use server::{RunningHub, ServeError, serve, serve_state};
