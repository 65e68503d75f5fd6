//! The hub over real HTTP on loopback.

mod support;

mod admin;
mod audit;
mod auth;
mod authz;
mod cli;
mod decisions;
mod double_review;
mod error_texts;
mod handling;
mod input;
mod leases;
mod media;
mod migration;
mod offline;
mod openapi_fuzz;
mod password;
mod poison;
mod privacy;
mod restart;
mod sampling;
mod seed;
mod statistics;
mod supervisor;
mod transport;
mod verdicts;
