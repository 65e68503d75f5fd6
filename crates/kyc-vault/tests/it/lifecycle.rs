//! Create, open, unlock, lock, failed-unlock counting and its limit, recovery, re-keying,
//! versions, wipe.

use std::sync::Arc;

use kyc_vault::{KdfParams, KdfSpec, Password, RecoveryKey, Variant, Vault, VaultError};

use crate::support::{new_vault, password, put, sample};

#[test]
fn reopened_vault_is_locked_and_unlocks_with_the_password_only() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    drop(t.vault);
    let vault = Vault::open(&t.dir).unwrap();
    assert!(!vault.is_unlocked());
    assert!(matches!(vault.case(&s.case.id), Err(VaultError::Locked)));
    assert!(matches!(
        vault.unlock(&Password::new("wrong")),
        Err(VaultError::WrongPassword { attempts_left: 9 })
    ));
    assert_eq!(vault.failed_unlocks().unwrap(), 1);
    vault.unlock(&password()).unwrap();
    assert_eq!(vault.failed_unlocks().unwrap(), 0, "a success resets the count");
    assert_eq!(vault.case(&s.case.id).unwrap(), s.case);
}

#[test]
fn every_personal_data_call_is_locked_after_lock() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    t.vault.lock();
    assert!(!t.vault.is_unlocked());
    let (id, variant, _) = &s.media[0];
    let d = crate::support::decision_for(&s.case, "note");
    let event = kyc_vault::AuditEvent {
        case_id: None,
        action: kyc_vault::AuditAction::CaseOpened,
        at: time::OffsetDateTime::now_utc(),
    };
    let results = [
        t.vault.case(&s.case.id).map(drop),
        t.vault.read_media(id, *variant).map(drop),
        t.vault.read_media_range(id, *variant, 0..1).map(drop),
        t.vault.media_info(id, *variant).map(drop),
        t.vault.put_case(&sample(1).case, crate::support::lease(), vec![]).map(drop),
        t.vault.record_decision(&d).map(drop),
        t.vault.queue_audit_event(&event).map(drop),
        t.vault.outbox().map(drop),
    ];
    for (i, r) in results.into_iter().enumerate() {
        assert!(matches!(r, Err(VaultError::Locked)), "call {i}: {r:?}");
    }
    // Plain metadata stays available for the lock screen.
    assert_eq!(t.vault.list_cases().unwrap().len(), 1);
    t.vault.unlock(&password()).unwrap();
    assert_eq!(t.vault.case(&s.case.id).unwrap(), s.case);
}

#[test]
fn too_many_failed_unlocks_stop_offline_unlock_but_never_wipe() {
    let t = new_vault();
    put(&t.vault, &sample(0));
    drop(t.vault);
    let vault = Vault::open(&t.dir).unwrap();
    vault.set_max_unlock_attempts(3).unwrap();
    let wrong = Password::new("nope");
    assert!(matches!(vault.unlock(&wrong), Err(VaultError::WrongPassword { attempts_left: 2 })));
    assert!(matches!(vault.unlock(&wrong), Err(VaultError::WrongPassword { attempts_left: 1 })));
    assert!(matches!(vault.unlock(&wrong), Err(VaultError::OnlineSignInRequired)));
    // Past the limit not even the right password is tried, and nothing is gone.
    assert!(matches!(vault.unlock(&password()), Err(VaultError::OnlineSignInRequired)));
    assert_eq!(vault.failed_unlocks().unwrap(), 3, "refusals are not counted again");
    assert_eq!(vault.list_cases().unwrap().len(), 1);
    drop(vault);
    let vault = Vault::open(&t.dir).unwrap();
    assert!(matches!(vault.unlock(&password()), Err(VaultError::OnlineSignInRequired)));
}

#[test]
fn the_default_limit_is_ten_attempts() {
    let t = new_vault();
    t.vault.lock();
    let wrong = Password::new("nope");
    for left in (1..10).rev() {
        assert!(matches!(
            t.vault.unlock(&wrong),
            Err(VaultError::WrongPassword { attempts_left }) if attempts_left == left
        ));
    }
    assert!(matches!(t.vault.unlock(&wrong), Err(VaultError::OnlineSignInRequired)));
    assert!(t.dir.exists());
}

#[test]
fn the_recovery_key_opens_the_vault_past_the_limit_rekeys_it_and_is_replaced() {
    let t = new_vault();
    let s = sample(0);
    put(&t.vault, &s);
    let recovery = t.vault.recovery_key().unwrap();
    let vault_id = t.vault.vault_id().unwrap();
    t.vault.set_max_unlock_attempts(1).unwrap();
    t.vault.lock();
    assert!(matches!(
        t.vault.unlock(&Password::new("nope")),
        Err(VaultError::OnlineSignInRequired)
    ));
    // What an online sign-in does after an administrator reset the password.
    let new_password = Password::new("set by the administrator");
    let spec = KdfSpec::generate(KdfParams::insecure_for_tests());
    let wrap = kyc_keys::derive(&new_password, &spec).unwrap().vault_wrap_key();
    let next = RecoveryKey::generate();
    assert!(matches!(
        t.vault.recover(&RecoveryKey::generate(), &spec, &wrap, &next),
        Err(VaultError::RecoveryKeyRejected)
    ));
    t.vault.recover(&recovery, &spec, &wrap, &next).unwrap();
    assert!(t.vault.is_unlocked());
    assert_eq!(t.vault.failed_unlocks().unwrap(), 0);
    assert_eq!(t.vault.case(&s.case.id).unwrap(), s.case, "nothing in the vault changed");
    assert_eq!(t.vault.vault_id().unwrap(), vault_id);
    assert_eq!(t.vault.kdf_spec().unwrap(), spec);
    assert_eq!(t.vault.recovery_key().unwrap().as_bytes(), next.as_bytes());
    t.vault.lock();
    // The old password and the used recovery key no longer open it; the new ones do.
    t.vault.set_max_unlock_attempts(10).unwrap();
    assert!(matches!(t.vault.unlock(&password()), Err(VaultError::WrongPassword { .. })));
    let wrap_again = kyc_keys::derive(&new_password, &spec).unwrap().vault_wrap_key();
    assert!(matches!(
        t.vault.recover(&recovery, &spec, &wrap_again, &RecoveryKey::generate()),
        Err(VaultError::RecoveryKeyRejected)
    ));
    t.vault.unlock(&new_password).unwrap();
}

#[test]
fn rekey_moves_the_vault_to_a_new_password() {
    let t = new_vault();
    let new_password = Password::new("my new password");
    let spec = KdfSpec::generate(KdfParams::insecure_for_tests());
    let master = kyc_keys::derive(&new_password, &spec).unwrap();
    t.vault.rekey(&spec, &master.vault_wrap_key()).unwrap();
    t.vault.lock();
    assert!(matches!(t.vault.unlock(&password()), Err(VaultError::WrongPassword { .. })));
    t.vault.unlock_with_key(&master).unwrap();
    t.vault.lock();
    t.vault.unlock(&new_password).unwrap();
    t.vault.lock();
    assert!(matches!(t.vault.rekey(&spec, &master.vault_wrap_key()), Err(VaultError::Locked)));
}

#[test]
fn a_second_open_of_the_same_directory_is_in_use() {
    let t = new_vault();
    assert!(matches!(Vault::open(&t.dir), Err(VaultError::InUse)));
    assert!(matches!(Vault::wipe_dir(&t.dir), Err(VaultError::InUse)));
    assert!(matches!(
        Vault::create(&t.dir, &password(), KdfParams::insecure_for_tests()),
        Err(VaultError::InUse)
    ));
    drop(t.vault);
    assert!(matches!(
        Vault::create(&t.dir, &password(), KdfParams::insecure_for_tests()),
        Err(VaultError::AlreadyExists)
    ));
    Vault::open(&t.dir).unwrap();
}

#[test]
fn a_vault_from_a_newer_version_is_refused_untouched() {
    let t = new_vault();
    drop(t.vault);
    let db = Vault::database_path(&t.dir);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE schema_version SET version = 99", []).unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    assert!(matches!(
        Vault::open(&t.dir),
        Err(VaultError::NewerVersion { found: 99, supported: 3 })
    ));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn database_settings_are_as_designed() {
    let t = new_vault();
    let conn = rusqlite::Connection::open(Vault::database_path(&t.dir)).unwrap();
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!((page_size, journal.as_str()), (65536, "wal"));
}

#[test]
fn wipe_removes_every_file_and_other_handles_see_wiped() {
    let t = new_vault();
    let vault = Arc::new(t.vault);
    let s = sample(0);
    put(&vault, &s);
    let other = Arc::clone(&vault);
    let reader = std::thread::spawn(move || {
        // Hammer reads until the wipe lands; every result is data or Wiped, never a panic.
        let mut n_ok = 0;
        loop {
            match other.read_media_range(&s.media[0].0, Variant::Original, 0..70_000) {
                Ok(_) => n_ok += 1,
                Err(VaultError::Wiped) => return n_ok,
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    let report = vault.wipe().unwrap();
    reader.join().unwrap();
    assert!(report.files_removed.contains(&"vault.db".to_string()), "{report:?}");
    assert!(report.dir_removed);
    assert!(!t.dir.exists(), "nothing resurrected the directory");
    assert_eq!(vault.wipe().unwrap(), kyc_vault::WipeReport::default(), "a second wipe is a no-op");
    assert!(matches!(vault.list_cases(), Err(VaultError::Wiped)));
    vault.lock();
    assert!(!t.dir.exists());
}

#[test]
fn wipe_leaves_files_it_did_not_create() {
    let t = new_vault();
    std::fs::write(t.dir.join("notes.txt"), "not ours").unwrap();
    let report = t.vault.wipe().unwrap();
    assert!(!report.dir_removed);
    assert_eq!(report.foreign_files, vec![t.dir.join("notes.txt")]);
    let left: Vec<_> = std::fs::read_dir(&t.dir).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn wipe_dir_wipes_a_closed_vault_without_its_password() {
    let t = new_vault();
    put(&t.vault, &sample(0));
    drop(t.vault);
    let report = Vault::wipe_dir(&t.dir).unwrap();
    assert!(report.dir_removed, "{report:?}");
    assert!(!Vault::exists(&t.dir));
    assert_eq!(Vault::wipe_dir(&t.dir).unwrap(), kyc_vault::WipeReport::default());
}

#[test]
fn a_key_at_its_message_limit_refuses_to_seal_more() {
    let t = new_vault();
    let conn = rusqlite::Connection::open(Vault::database_path(&t.dir)).unwrap();
    let limit = kyc_vault::MAX_MESSAGES_PER_KEY as i64;
    // Room for a payload and two chunks, but the sample needs more messages.
    conn.execute("UPDATE key_usage SET messages_sealed = ?1", [limit - 3]).unwrap();
    let s = sample(0);
    assert!(matches!(
        t.vault.put_case(&s.case, crate::support::lease(), s.inputs()),
        Err(VaultError::KeyExhausted)
    ));
    assert!(t.vault.list_cases().unwrap().is_empty());
    conn.execute("UPDATE key_usage SET messages_sealed = ?1", [limit - 100]).unwrap();
    put(&t.vault, &s);
    let used: i64 =
        conn.query_row("SELECT messages_sealed FROM key_usage", [], |r| r.get(0)).unwrap();
    assert_eq!(used, limit - 100 + 1 + 5, "one payload and five chunks were counted");
}
