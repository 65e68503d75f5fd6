//! The password lifecycle end to end: first sign-in, offline unlock and its limit, own change,
//! a crash inside a change, an administrator's reset with decisions pending, the recovery key,
//! and a hostile hub. Real hub on loopback, real vault files.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kyc_hub::config::PasswordHashing;
use kyc_proto::Secret;
use kyc_sync::{
    ClientConfig, HubClient, SignedIn, SyncError, Workstation, open_vault_online, sign_in,
    unlock_offline, unlock_vault_online,
};
use kyc_vault::{KdfParams, KdfSpec, Vault, VaultError};

use crate::support::*;

fn client(url: &str) -> HubClient {
    let mut config = ClientConfig::new(url);
    config.request_timeout = Duration::from_secs(5);
    config.kdf_floor = KdfParams::insecure_for_tests();
    HubClient::new(config).unwrap()
}

async fn online(hub: &Hub, data: &Path, password: &Secret) -> (HubClient, SignedIn, Arc<Vault>) {
    let client = client(&hub.url());
    let signed_in = sign_in(&client, REVIEWER, password).await.unwrap();
    let vault = open_vault_online(&vault_dir(data), &signed_in, &client).await.unwrap();
    (client, signed_in, Arc::new(vault))
}

fn audit_kinds(hub: &Hub) -> Vec<String> {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let mut stmt = conn.prepare("SELECT kind FROM audit ORDER BY seq").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sign_in_creates_the_vault_only_after_the_hub_accepted() {
    let hub = Hub::start().await;
    let data = tempfile::tempdir().unwrap();
    let c = client(&hub.url());
    let refused = sign_in(&c, REVIEWER, &Secret::new("not the password")).await;
    assert!(matches!(refused, Err(SyncError::Unauthorized)), "{refused:?}");
    assert!(!vault_dir(data.path()).exists(), "a refused password leaves no vault");

    let (_, signed_in, vault) = online(&hub, data.path(), &hub.password(REVIEWER)).await;
    assert!(vault.is_unlocked());
    assert_eq!(vault.kdf_spec().unwrap(), *signed_in.kdf(), "the vault keeps the account's spec");
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let held: String =
        conn.query_row("SELECT vault_id FROM vault_recovery", [], |r| r.get(0)).unwrap();
    assert_eq!(held, vault.vault_id().unwrap(), "the hub holds the vault's recovery key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_failed_unlock_limit_only_an_online_sign_in_opens_the_vault_and_nothing_is_lost()
{
    let hub = Hub::start().await;
    let cases = plain_cases(1, 91);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let password = hub.password(REVIEWER);
    let (client, _, vault) = online(&hub, data.path(), &password).await;
    let ws = Workstation::new(client, vault.clone(), data.path(), fast_options());
    let ids = lease_into_vault(&ws, &cases, 1).await;
    vault.record_decision(&reject(&ids[0])).unwrap();
    vault.set_max_unlock_attempts(3).unwrap();
    vault.lock();

    // Offline unlock works, and wrong passwords count.
    unlock_offline(&vault, &password).await.unwrap();
    vault.lock();
    let wrong = Secret::new("a typo in the password");
    for left in [2, 1] {
        let got = unlock_offline(&vault, &wrong).await;
        assert!(
            matches!(got, Err(SyncError::Vault(VaultError::WrongPassword { attempts_left })) if attempts_left == left),
            "{got:?}"
        );
    }
    let got = unlock_offline(&vault, &wrong).await;
    assert!(matches!(got, Err(SyncError::Vault(VaultError::OnlineSignInRequired))), "{got:?}");
    // Past the limit even the right password is not tried offline, and nothing was wiped.
    let got = unlock_offline(&vault, &password).await;
    assert!(matches!(got, Err(SyncError::Vault(VaultError::OnlineSignInRequired))), "{got:?}");
    assert!(Vault::exists(&vault_dir(data.path())));
    assert_eq!(vault.failed_unlocks().unwrap(), 3);

    // Online: the hub accepts the password and releases the recovery key.
    let c2 = client_for(&hub);
    let signed_in = sign_in(&c2, REVIEWER, &password).await.unwrap();
    unlock_vault_online(&vault, &signed_in, &c2).await.unwrap();
    assert!(vault.is_unlocked());
    assert_eq!(vault.failed_unlocks().unwrap(), 0, "the count is reset");
    assert_eq!(vault.outbox().unwrap().len(), 1, "the unpushed decision is still there");
    assert_eq!(audit_kinds(&hub).iter().filter(|k| k.contains("recovery_key_released")).count(), 1);
    vault.lock();
    unlock_offline(&vault, &password).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_password_change_rekeys_hub_and_vault() {
    let hub = Hub::start().await;
    let data = tempfile::tempdir().unwrap();
    let old = hub.password(REVIEWER);
    let new = Secret::new("my very own new password");
    let (client, signed_in, vault) = online(&hub, data.path(), &old).await;
    let wrong_current =
        kyc_sync::change_password(&client, &signed_in, &vault, &Secret::new("nope"), &new).await;
    assert!(matches!(wrong_current, Err(SyncError::Forbidden)), "{wrong_current:?}");
    let next = kyc_sync::change_password(&client, &signed_in, &vault, &old, &new).await.unwrap();
    assert_ne!(next.kdf().salt, signed_in.kdf().salt, "a new password gets a new salt");
    assert!(client.me().await.is_ok(), "the client holds the new session");

    let c2 = client_for(&hub);
    assert!(matches!(sign_in(&c2, REVIEWER, &old).await, Err(SyncError::Unauthorized)));
    sign_in(&c2, REVIEWER, &new).await.unwrap();
    vault.lock();
    let got = unlock_offline(&vault, &old).await;
    assert!(matches!(got, Err(SyncError::Vault(VaultError::WrongPassword { .. }))), "{got:?}");
    unlock_offline(&vault, &new).await.unwrap();
}

fn client_for(hub: &Hub) -> HubClient {
    client(&hub.url())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_the_hub_change_and_the_vault_rewrap_is_recovered_at_the_next_sign_in() {
    let hub = Hub::start().await;
    let data = tempfile::tempdir().unwrap();
    let old = hub.password(REVIEWER);
    let new = Secret::new("changed, then the laptop died");
    let (client, signed_in, vault) = online(&hub, data.path(), &old).await;
    // Only the hub half of the change happens; the process dies before the vault re-wrap.
    let current = kyc_sync::derive_master_key(&old, *signed_in.kdf()).await.unwrap();
    let new_kdf = KdfSpec::generate(signed_in.kdf().params());
    let next = kyc_sync::derive_master_key(&new, new_kdf).await.unwrap();
    client.change_password(&current.hub_auth_key(), &next.hub_auth_key(), new_kdf).await.unwrap();
    drop(vault);

    let vault = Arc::new(Vault::open(&vault_dir(data.path())).unwrap());
    let c2 = client_for(&hub);
    let signed_in = sign_in(&c2, REVIEWER, &new).await.unwrap();
    unlock_vault_online(&vault, &signed_in, &c2).await.unwrap();
    assert!(vault.is_unlocked());
    vault.lock();
    unlock_offline(&vault, &new).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reset_while_decisions_are_pending_recovers_the_vault_and_pushes_them() {
    let hub = Hub::start().await;
    let cases = plain_cases(2, 92);
    hub.add_cases(&cases);
    let data = tempfile::tempdir().unwrap();
    let (client, _, vault) = online(&hub, data.path(), &hub.password(REVIEWER)).await;
    let ws = Workstation::new(client, vault.clone(), data.path(), fast_options());
    let ids = lease_into_vault(&ws, &cases, 2).await;
    for id in &ids {
        vault.record_decision(&reject(id)).unwrap();
    }
    // The reviewer forgot the password; an administrator resets it. The app restarts.
    let reset = kyc_hub::ops::reset_password_with(hub.dir.path(), REVIEWER, PasswordHashing::Cheap)
        .unwrap();
    drop(ws);
    drop(vault);

    let vault = Arc::new(Vault::open(&vault_dir(data.path())).unwrap());
    let ws = Workstation::new(client_for(&hub), vault.clone(), data.path(), fast_options());
    // Offline, the vault knows nothing of the reset: the new password does not open it.
    let got = ws.unlock_offline(&Secret::new(reset.as_str())).await;
    assert!(matches!(got, Err(SyncError::Vault(VaultError::WrongPassword { .. }))), "{got:?}");
    ws.login(REVIEWER, &Secret::new(reset.as_str())).await.unwrap();
    assert!(vault.is_unlocked());
    let report = ws.push_now().await.unwrap();
    assert_eq!(report.accepted, 2);
    assert_eq!(hub.decisions().len(), 2);
    let kinds = audit_kinds(&hub);
    assert!(kinds.iter().any(|k| k.contains("password_reset")));
    assert!(kinds.iter().any(|k| k.contains("recovery_key_released")));
    // The next offline unlock takes the new password.
    vault.lock();
    ws.unlock_offline(&Secret::new(reset.as_str())).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recovery_key_is_released_only_to_the_same_account() {
    let hub = Hub::start().await;
    let data = tempfile::tempdir().unwrap();
    let (_, _, vault) = online(&hub, data.path(), &hub.password(REVIEWER)).await;
    let other = client_for(&hub);
    sign_in(&other, "reviewer2", &hub.password("reviewer2")).await.unwrap();
    let got = other.release_recovery_key(&vault.vault_id().unwrap()).await;
    assert!(matches!(got, Err(SyncError::RecoveryUnavailable)), "{got:?}");
    let anonymous = client_for(&hub);
    let got = anonymous.release_recovery_key(&vault.vault_id().unwrap()).await;
    assert!(matches!(got, Err(SyncError::Unauthorized)), "{got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_weak_kdf_spec_is_refused_by_the_client() {
    // The test hub hands out the cheap test cost; a client with the production floor refuses
    // it before deriving or sending anything.
    let hub = Hub::start().await;
    let data = tempfile::tempdir().unwrap();
    let c = HubClient::new(ClientConfig::new(hub.url())).unwrap();
    let got = sign_in(&c, REVIEWER, &hub.password(REVIEWER)).await;
    assert!(matches!(got, Err(SyncError::UnacceptableKdf)), "{got:?}");
    assert!(!c.is_signed_in());
    assert!(!vault_dir(data.path()).exists());
}
