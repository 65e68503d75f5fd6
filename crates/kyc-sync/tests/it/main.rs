//! kyc-sync against a real hub on a real loopback socket.

mod faults;
mod kill_points;
mod leases;
mod logout;
mod offline;
mod password;
mod proxy;
mod round_trip;
mod support;
