//! Signing in and unlocking: the one place that knows the password protocol between the hub
//! and the vault. Everything else in the desk gets an open, unlocked [`Workstation`] from here.
//!
//! The protocol (kyc-sync's `sign_in`, `open_vault_online`, `unlock_vault_online`,
//! `unlock_offline`): one Argon2id derivation per sign-in, with the hub's spec for the
//! account; the derived hub key signs in, the derived wrap key opens the vault. After an
//! administrator's reset, or after the vault's failed-unlock limit, an online sign-in has the
//! hub release the vault's recovery key, which opens the old vault with everything in it.
//!
//! Rules kept whatever the protocol:
//! - a vault is created only after the hub accepted the credentials, never keyed to a
//!   password the hub refused;
//! - a later sign-in unlocks the existing vault, and works offline (the hub unreachable) with
//!   the password alone, until the vault's failed-unlock limit; then only online;
//! - each account has its own directory, named by a hash of hub address and account name —
//!   never the user name in a path — so another account's vault and pending decisions are
//!   never touched.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kyc_proto::Secret;
use kyc_sync::state::StateFile;
use kyc_sync::{ClientConfig, HubClient, SignedIn, SyncError, SyncOptions, Workstation};
use kyc_vault::{KdfParams, Vault, VaultError};
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::{AppError, ErrorCode};
use crate::ipc::{Role, Session};

/// Directory (under the app's data directory) holding one directory per account.
pub const ACCOUNTS_DIR: &str = "accounts";
/// The vault's directory inside an account directory (the sync state file sits beside it).
pub const VAULT_DIR: &str = "vault";

/// How sessions are opened.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The app's data directory (`app_data_dir()` in the shell).
    pub data_dir: PathBuf,
    /// The cheapest Argon2id parameters this desk accepts from the hub's prelogin answer
    /// (the hub chooses the account's parameters; a hostile hub cannot go below this).
    pub kdf: KdfParams,
    /// Pull and push tuning.
    pub sync: SyncOptions,
    /// Longest wait for a connection to the hub.
    pub connect_timeout: Duration,
    /// Longest wait for one JSON call.
    pub request_timeout: Duration,
    /// How to reach the hub through a corporate network: proxy and private CA.
    pub network: NetworkConfig,
    /// The oldest hub API version this desk talks to (tests raise it to see an old hub).
    pub min_hub_api_version: u32,
}

/// Corporate-network settings an administrator gives the app (see [`NetworkConfig::from_env`]).
#[derive(Debug, Clone, Default)]
pub struct NetworkConfig {
    /// A proxy for every hub request (`http://host:port`); `None`: the system's proxy
    /// settings (`HTTPS_PROXY`, `NO_PROXY`, …).
    pub proxy: Option<String>,
    /// Extra trusted root certificates (PEM), for a hub behind a private CA.
    pub ca_bundle_pem: Option<Vec<u8>>,
}

/// Environment variable naming a proxy for the hub (overrides the system's).
pub const PROXY_ENV: &str = "KYC_DESK_PROXY";
/// Environment variable naming a PEM file of extra trusted root certificates.
pub const CA_BUNDLE_ENV: &str = "KYC_DESK_CA_BUNDLE";

impl NetworkConfig {
    /// From [`PROXY_ENV`] and [`CA_BUNDLE_ENV`]; a CA bundle that cannot be read is reported
    /// and left out (the hub then fails its TLS check, which says so).
    pub fn from_env() -> NetworkConfig {
        let proxy = std::env::var(PROXY_ENV).ok().filter(|p| !p.trim().is_empty());
        let ca_bundle_pem = std::env::var_os(CA_BUNDLE_ENV).and_then(|path| {
            std::fs::read(&path)
                .inspect_err(|e| tracing::warn!(error = %e, "the CA bundle cannot be read"))
                .ok()
        });
        NetworkConfig { proxy, ca_bundle_pem }
    }
}

/// An open session: the workstation with its vault unlocked.
pub struct Opened {
    /// Hub client and vault.
    pub ws: Arc<Workstation>,
    /// The account.
    pub session: Session,
    /// Whether the hub accepted the sign-in now (false: unlocked offline).
    pub online: bool,
    /// The account's directory.
    pub account_dir: PathBuf,
}

/// The account's directory: `accounts/<first 32 hex digits of SHA-256(hub origin, user)>`.
/// The user name is case-folded (the hub's names are lower-case) and never appears itself.
pub fn account_dir(data_dir: &Path, hub: &Url, user: &str) -> PathBuf {
    let mut hash = Sha256::new();
    hash.update(b"kyc-desk account v1\0");
    hash.update(hub.origin().ascii_serialization().as_bytes());
    hash.update(b"\0");
    hash.update(user.trim().to_lowercase().as_bytes());
    let digest = hash.finalize();
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    data_dir.join(ACCOUNTS_DIR).join(name)
}

fn role_of(role: kyc_proto::Role) -> Result<Role, AppError> {
    match role {
        kyc_proto::Role::Reviewer => Ok(Role::Reviewer),
        kyc_proto::Role::Supervisor => Ok(Role::Supervisor),
        kyc_proto::Role::Admin => Ok(Role::Admin),
        _ => Err(AppError::new(ErrorCode::Forbidden, "This account cannot use the desk.")),
    }
}

fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    kyc_platform::private_fs::create_dir(dir)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::internal("blocking task panicked"))?
        .map_err(AppError::from)
}

fn login_error(e: SyncError) -> AppError {
    match e {
        SyncError::Unauthorized => AppError::new(
            ErrorCode::WrongPassword,
            "The hub did not accept this user name and password.",
        ),
        SyncError::Unavailable { .. } => AppError::new(
            ErrorCode::Offline,
            "The hub cannot be reached, and this account has no cases on this computer yet.",
        ),
        other => other.into(),
    }
}

fn is_vault(e: &SyncError, wanted: fn(&VaultError) -> bool) -> bool {
    matches!(e, SyncError::Vault(v) if wanted(v))
}

/// Wipes the account's vault after the hub said the account is revoked (sign-in before a
/// workstation exists; the workstation's own calls wipe through kyc-sync).
async fn wipe_revoked(account: &Path) {
    let dir = account.join(VAULT_DIR);
    if let Err(e) = blocking(move || Vault::wipe_dir(&dir)).await {
        tracing::error!(error = %e, "wipe after revocation failed");
    }
    let cleared = StateFile::new(account).update(|s| {
        s.pulling.clear();
        s.account = None;
    });
    if let Err(e) = cleared {
        tracing::error!(error = %e, "sync state not cleared after revocation");
    }
}

fn session_of(signed_in: &SignedIn, user: &str) -> Result<Session, AppError> {
    let login = signed_in.login();
    Ok(Session {
        user_id: login.user.to_string(),
        username: user.to_owned(),
        role: role_of(login.role)?,
    })
}

/// Signs in: online when the hub answers (one derivation; the vault is created only now, or
/// opened with the derived key, or recovered after a password reset), offline (unlock with
/// the password) when it does not and this account already has a vault here.
pub async fn sign_in(
    config: &SessionConfig,
    hub: Url,
    user: &str,
    password: &Secret,
) -> Result<Opened, AppError> {
    let account = account_dir(&config.data_dir, &hub, user);
    let vault_dir = account.join(VAULT_DIR);
    {
        let account = account.clone();
        blocking(move || make_private_dir(&account).map_err(VaultError::from)).await?;
    }
    let mut client_config = ClientConfig::new(hub.as_str().trim_end_matches('/'));
    client_config.connect_timeout = config.connect_timeout;
    client_config.request_timeout = config.request_timeout;
    client_config.kdf_floor = config.kdf;
    client_config.client_version = env!("CARGO_PKG_VERSION").to_owned();
    client_config.min_hub_api_version = config.min_hub_api_version;
    client_config.proxy = config.network.proxy.clone();
    client_config.extra_roots_pem = config.network.ca_bundle_pem.iter().cloned().collect();
    let client = HubClient::new(client_config)?;

    match kyc_sync::sign_in(&client, user, password).await {
        Ok(signed_in) => {
            let session = session_of(&signed_in, user)?;
            let vault = kyc_sync::open_vault_online(&vault_dir, &signed_in, &client).await?;
            let ws =
                Arc::new(Workstation::new(client, Arc::new(vault), &account, config.sync.clone()));
            ws.adopt(signed_in).await?;
            Ok(Opened { ws, session, online: true, account_dir: account })
        }
        Err(e) if e.is_transient() && Vault::exists(&vault_dir) => {
            // Offline: the vault's password check is the sign-in.
            let dir = vault_dir.clone();
            let vault = Arc::new(blocking(move || Vault::open(&dir)).await?);
            kyc_sync::unlock_offline(&vault, password).await?;
            let state = StateFile::new(&account).load()?;
            let user_id = state.account.map(|u| u.to_string()).ok_or_else(|| {
                AppError::new(
                    ErrorCode::Offline,
                    "The hub cannot be reached; sign in online first.",
                )
            })?;
            let ws = Arc::new(Workstation::new(client, vault, &account, config.sync.clone()));
            // Only reviewers hold cases offline; the role is confirmed at the next online
            // sign-in.
            let session = Session { user_id, username: user.to_owned(), role: Role::Reviewer };
            Ok(Opened { ws, session, online: false, account_dir: account })
        }
        Err(SyncError::AccountRevoked) => {
            wipe_revoked(&account).await;
            Err(SyncError::AccountRevoked.into())
        }
        Err(e) => Err(login_error(e)),
    }
}

/// Unlocks a locked desk with the password. With a live hub session the vault is tried
/// offline first; when the hub session is gone (expired, or the sign-in was offline), or the
/// vault refuses the password (an administrator reset it, or the failed-unlock limit was
/// reached), the desk signs in again online — one derivation — which opens (recovers) the
/// vault before anything is pushed. Returns whether the hub session is live.
pub async fn unlock(
    ws: &Arc<Workstation>,
    user: &str,
    password: &Secret,
) -> Result<bool, AppError> {
    let vault = ws.vault().clone();
    let mut refused = None;
    if ws.client().is_signed_in() {
        if vault.is_unlocked() {
            return Ok(true);
        }
        match kyc_sync::unlock_offline(&vault, password).await {
            // The token may have died while the desk was locked (idle or absolute expiry):
            // ask the hub. Gone: sign in again below, with the same password, before any push.
            Ok(()) => match ws.me().await {
                Ok(_) => return Ok(true),
                Err(SyncError::AccountRevoked) => return Err(SyncError::AccountRevoked.into()),
                Err(SyncError::Unauthorized) => {
                    tracing::info!("hub session expired while locked; signing in again")
                }
                Err(e) if e.is_transient() => return Ok(false),
                Err(e) => return Err(e.into()),
            },
            Err(e)
                if is_vault(&e, |v| {
                    matches!(v, VaultError::WrongPassword { .. } | VaultError::OnlineSignInRequired)
                }) =>
            {
                refused = Some(e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    match ws.login(user, password).await {
        Ok(_) => Ok(true),
        Err(SyncError::AccountRevoked) => Err(SyncError::AccountRevoked.into()),
        Err(e) => {
            if let Some(refused) = refused {
                // The hub did not open it either: the vault's answer is the one to show.
                tracing::info!(error = %e, "online sign-in after a refused unlock failed");
                return Err(refused.into());
            }
            if vault.is_unlocked() {
                tracing::info!(error = %e, "sign-in again after unlock failed; working offline");
                return Ok(false);
            }
            if e.is_transient() {
                kyc_sync::unlock_offline(&vault, password).await?;
                return Ok(false);
            }
            Err(login_error(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_dirs_hash_hub_and_user_and_never_show_the_name() {
        let data = Path::new("/data");
        let hub = Url::parse("https://hub.example.org").unwrap();
        let a = account_dir(data, &hub, "reviewer1");
        assert!(!a.to_string_lossy().contains("reviewer1"));
        assert_eq!(a, account_dir(data, &hub, " Reviewer1 "));
        assert_ne!(a, account_dir(data, &hub, "reviewer2"));
        let other = Url::parse("https://other.example.org").unwrap();
        assert_ne!(a, account_dir(data, &other, "reviewer1"));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 32);
        assert!(name.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
