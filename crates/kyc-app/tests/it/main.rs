//! `Desk` driven without a window against a real hub on loopback: real SQLite files, real
//! crypto (cheap Argon2 parameters), real sockets.

mod support;

mod administer;
mod bundle;
mod desk;
mod evidence;
mod offline;
mod oslock;
mod prefetch;
mod settings;
mod supervise;
mod supervise_queues;
