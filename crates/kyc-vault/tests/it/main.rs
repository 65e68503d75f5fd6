//! Integration tests of kyc-vault: behaviour the app and the sync engine rely on.

mod concurrency;
mod kill;
mod lifecycle;
mod offline;
mod outbox;
mod permissions;
mod privacy;
mod round_trip;
mod support;
mod tamper;
