//! The hub over real HTTP on loopback.

mod support;

mod audit;
mod auth;
mod authz;
mod cli;
mod decisions;
mod input;
mod leases;
mod media;
mod password;
mod privacy;
mod restart;
mod seed;
mod supervisor;
mod transport;
