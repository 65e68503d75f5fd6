//! kyc-sync against a real hub on a real loopback socket.

mod audit_once;
mod error_logs;
mod faults;
mod handling;
mod kill_points;
mod leases;
mod logout;
mod network;
mod offline;
mod offline_limits;
mod password;
mod proxy;
mod round_trip;
mod support;
mod tls;
