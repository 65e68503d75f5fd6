//! Sign-in, the vault's keys and the password lifecycle, on the client.
//!
//! One Argon2id per sign-in, on the workstation ([`kyc_keys`]): the hub's prelogin answer gives
//! the account's [`KdfSpec`]; the master key yields the hub key (sent instead of the password)
//! and the vault wrap key (never sent). The vault also holds its data key wrapped under a random
//! recovery key that the hub keeps for the account; after an administrator reset the password,
//! or after too many failed offline unlocks, the next online sign-in has the hub release it,
//! opens the vault with it and re-keys the vault under the current password and a fresh
//! recovery key. Someone holding only the laptop cannot get the recovery key.

use std::path::Path;
use std::sync::Arc;

use kyc_keys::{KdfSpec, MasterKey, RecoveryKey};
use kyc_proto::{LoginResponse, Secret};
use kyc_vault::{Vault, VaultError};

use crate::client::HubClient;
use crate::error::SyncError;
use crate::workstation::Session;

/// An account the hub accepted, with the keys derived from its password (zeroized on drop).
/// Its `Debug` shows no secret.
pub struct SignedIn {
    login: LoginResponse,
    kdf: KdfSpec,
    master: MasterKey,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("user", &self.login.user)
            .field("role", &self.login.role)
            .finish_non_exhaustive()
    }
}

impl SignedIn {
    /// The hub's answer (its token is a [`Secret`]).
    pub fn login(&self) -> &LoginResponse {
        &self.login
    }

    /// The account and session.
    pub fn session(&self) -> Session {
        Session {
            user: self.login.user.clone(),
            role: self.login.role,
            expires_at: self.login.expires_at,
        }
    }

    /// The spec the keys were derived with (the account's current one).
    pub fn kdf(&self) -> &KdfSpec {
        &self.kdf
    }

    /// Whether an administrator set this password: the app asks for a new one at once.
    pub fn password_change_required(&self) -> bool {
        self.login.password_change_required
    }
}

/// Derives the master key on tokio's blocking pool (256 MiB and ≈ 0.7 s with the defaults).
pub async fn derive_master_key(password: &Secret, spec: KdfSpec) -> Result<MasterKey, SyncError> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || kyc_keys::derive(&password, &spec))
        .await
        .map_err(|_| SyncError::Cancelled)?
        .map_err(|_| SyncError::UnacceptableKdf)
}

fn check_floor(client: &HubClient, spec: &KdfSpec) -> Result<(), SyncError> {
    if spec.params().acceptable(&client.kdf_floor()) {
        Ok(())
    } else {
        Err(SyncError::UnacceptableKdf)
    }
}

/// Signs in: prelogin (the account's [`KdfSpec`], refused below the client's floor), one key
/// derivation off the runtime, login with the hub key. The client keeps the session token.
pub async fn sign_in(
    client: &HubClient,
    username: &str,
    password: &Secret,
) -> Result<SignedIn, SyncError> {
    client.check_compatible().await?;
    let kdf = client.prelogin(username).await?;
    check_floor(client, &kdf)?;
    let master = derive_master_key(password, kdf).await?;
    let login = client.login_with_key(username, &master.hub_auth_key()).await?;
    Ok(SignedIn { login, kdf, master })
}

/// Opens the vault in `dir` after an online sign-in: creates it if there is none (only now,
/// after the hub accepted the password) and deposits its recovery key with the hub; otherwise
/// unlocks it as [`unlock_vault_online`] does.
pub async fn open_vault_online(
    dir: &Path,
    signed_in: &SignedIn,
    client: &HubClient,
) -> Result<Vault, SyncError> {
    if !Vault::exists(dir) {
        let recovery = RecoveryKey::generate();
        let vault = Vault::create_with_keys(
            dir,
            &signed_in.kdf,
            &signed_in.master.vault_wrap_key(),
            &recovery,
        )?;
        // If this fails the vault stays; the next online unlock deposits the key again.
        client.put_recovery_key(&vault.vault_id()?, &recovery).await?;
        return Ok(vault);
    }
    let vault = Vault::open(dir)?;
    unlock_vault_online(&vault, signed_in, client).await?;
    Ok(vault)
}

/// Unlocks an open vault after an online sign-in. With the account's current spec the derived
/// key unlocks it; if the password changed meanwhile (an administrator's reset, or a change
/// whose re-wrap a crash interrupted), or after the failed-unlock limit, the hub releases the
/// vault's recovery key to this session, the vault is re-keyed under the current password and
/// a fresh recovery key, and the failed-unlock count is reset. Finally the vault's recovery
/// key is deposited again (idempotent), so the hub always holds the current one.
pub async fn unlock_vault_online(
    vault: &Vault,
    signed_in: &SignedIn,
    client: &HubClient,
) -> Result<(), SyncError> {
    let vault_id = vault.vault_id()?;
    if !vault.is_unlocked() {
        let unlocked = if vault.kdf_spec()? == signed_in.kdf {
            match vault.unlock_with_key(&signed_in.master) {
                Ok(()) => true,
                Err(VaultError::WrongPassword { .. } | VaultError::OnlineSignInRequired) => false,
                Err(e) => return Err(e.into()),
            }
        } else {
            false
        };
        if !unlocked {
            let recovery = client.release_recovery_key(&vault_id).await?;
            let next = RecoveryKey::generate();
            match vault.recover(
                &recovery,
                &signed_in.kdf,
                &signed_in.master.vault_wrap_key(),
                &next,
            ) {
                Ok(()) => {}
                Err(VaultError::RecoveryKeyRejected) => return Err(SyncError::RecoveryUnavailable),
                Err(e) => return Err(e.into()),
            }
            tracing::info!("vault recovered after a password change");
        }
    }
    client.put_recovery_key(&vault_id, &vault.recovery_key()?).await
}

/// Unlocks the vault offline with `password`, deriving with the spec stored in the vault on
/// the blocking pool. Failed attempts count; after the limit this is
/// [`VaultError::OnlineSignInRequired`] (as `SyncError::Vault`) and only an online sign-in
/// opens the vault.
pub async fn unlock_offline(vault: &Arc<Vault>, password: &Secret) -> Result<(), SyncError> {
    let vault = vault.clone();
    let password = password.clone();
    tokio::task::spawn_blocking(move || vault.unlock(&password))
        .await
        .map_err(|_| SyncError::Cancelled)?
        .map_err(SyncError::from)
}

/// Changes the signed-in account's own password, hub and vault together: derives the current
/// and the new keys (a fresh salt, the current cost), has the hub switch (every session ends,
/// the client keeps the new one), then wraps the vault's data key under the new key. A crash
/// between the two leaves the vault on the old password, which the next online sign-in with
/// the new one repairs through the recovery key. The vault must be unlocked.
pub async fn change_password(
    client: &HubClient,
    signed_in: &SignedIn,
    vault: &Vault,
    current: &Secret,
    new: &Secret,
) -> Result<SignedIn, SyncError> {
    if !vault.is_unlocked() {
        return Err(VaultError::Locked.into());
    }
    let current_master = derive_master_key(current, signed_in.kdf).await?;
    let new_kdf = KdfSpec::generate(signed_in.kdf.params());
    let new_master = derive_master_key(new, new_kdf).await?;
    let login = client
        .change_password(&current_master.hub_auth_key(), &new_master.hub_auth_key(), new_kdf)
        .await?;
    vault.rekey(&new_kdf, &new_master.vault_wrap_key())?;
    Ok(SignedIn { login, kdf: new_kdf, master: new_master })
}
