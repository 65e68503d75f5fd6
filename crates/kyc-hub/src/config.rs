//! How a hub is configured.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Argon2id cost of the key derivation the hub hands to clients for new passwords (clients
/// derive; the hub derives only when it sets a password itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordHashing {
    /// The vault's cost, 256 MiB × 3 passes × 2 lanes ([`kyc_keys::KdfParams::DEFAULT`]): for
    /// real use. A copy of the hub database is then as costly to attack as a vault.
    Production,
    /// Minimal cost, for tests and benchmarks only: derivations cost microseconds. Clients
    /// refuse it unless their floor was lowered too.
    Cheap,
}

impl PasswordHashing {
    /// The Argon2id parameters.
    pub fn kdf_params(self) -> kyc_keys::KdfParams {
        match self {
            PasswordHashing::Production => kyc_keys::KdfParams::DEFAULT,
            PasswordHashing::Cheap => kyc_keys::KdfParams::insecure_for_tests(),
        }
    }
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    /// A session unused this long dies.
    pub idle: Duration,
    /// A session dies this long after login, used or not.
    pub absolute: Duration,
}

impl Default for SessionTimes {
    fn default() -> Self {
        Self { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 3600) }
    }
}

/// Login rate limits (kept in memory: they reset when the hub restarts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failed logins allowed per account within `window`.
    pub failures_per_account: u32,
    /// Login attempts (failed or not) allowed per client address within `window`.
    pub attempts_per_address: u32,
    /// The sliding window.
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self { failures_per_account: 5, attempts_per_address: 30, window: Duration::from_secs(900) }
    }
}

/// PEM files for TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// Certificate chain, leaf first.
    pub cert_pem: PathBuf,
    /// Private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: PathBuf,
}

/// Everything [`crate::serve`] needs.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// Directory holding the database, the hub key and the encrypted media. Created if absent.
    pub data_dir: PathBuf,
    /// Address to listen on; port 0 picks a free port (see [`crate::RunningHub::addr`]).
    pub listen: SocketAddr,
    /// TLS; required unless `listen` is a loopback address.
    pub tls: Option<TlsFiles>,
    /// Key-derivation cost handed to clients for passwords set from now on (and for the decoy
    /// answer to unknown usernames).
    pub password_hashing: PasswordHashing,
    /// Session lifetimes.
    pub sessions: SessionTimes,
    /// Login rate limits.
    pub login_limits: LoginLimits,
    /// Largest JSON body of ordinary endpoints, in bytes.
    pub json_body_limit: usize,
    /// Largest intake body (a case with its base64 media), in bytes; per-object limits are
    /// `kyc_proto::limits`, whatever this is.
    pub intake_body_limit: usize,
    /// How often the running hub applies the retention purge by itself (`None`: only on
    /// demand, through the admin endpoint or `kyc-hub purge`).
    pub purge_interval: Option<Duration>,
    /// The oldest client version (`MAJOR.MINOR.PATCH`) allowed to sign in; older ones get 426
    /// `update_required`. Announced in `/healthz`. `None`: any.
    pub min_client_version: Option<String>,
}

impl HubConfig {
    /// Production defaults for a data directory and address.
    pub fn new(data_dir: impl Into<PathBuf>, listen: SocketAddr) -> Self {
        Self {
            data_dir: data_dir.into(),
            listen,
            tls: None,
            password_hashing: PasswordHashing::Production,
            sessions: SessionTimes::default(),
            login_limits: LoginLimits::default(),
            json_body_limit: kyc_proto::limits::MAX_JSON_BODY_BYTES,
            intake_body_limit: kyc_proto::limits::MAX_INTAKE_BODY_BYTES,
            purge_interval: Some(Duration::from_secs(3600)),
            min_client_version: None,
        }
    }

    /// Cheap hashing and loopback on a free port: what tests and benchmarks want.
    pub fn for_tests(data_dir: impl Into<PathBuf>) -> Self {
        let mut config = Self::new(data_dir, SocketAddr::from(([127, 0, 0, 1], 0)));
        config.password_hashing = PasswordHashing::Cheap;
        config.purge_interval = None;
        config
    }
}
