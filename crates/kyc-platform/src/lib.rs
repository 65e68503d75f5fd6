//! The one seam for platform-specific code in KYC Desk. Everything that differs between Unix
//! (Linux, macOS) and Windows lives here, so the rest of the workspace compiles the same code
//! everywhere and the code never compiled on these Linux-only machines stays small and in one
//! place.
//!
//! - [`private_fs`]: files and directories only the user may read (the hub's data directory,
//!   the workstation's vault), and making a new directory entry durable.

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod private_fs;
