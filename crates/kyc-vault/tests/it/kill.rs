//! Crash safety, proved with real processes: the test binary re-runs itself as a child that
//! is killed with SIGKILL at a chosen moment.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kyc_vault::{KdfParams, Vault};

use crate::support::{decision_for, password, put, sample};

const CHILD_MODE: &str = "KYC_VAULT_TEST_CHILD";
const CHILD_DIR: &str = "KYC_VAULT_TEST_DIR";

/// Slow enough (≈ 1 s optimised) that the kill lands mid-derivation.
fn slow_params() -> KdfParams {
    KdfParams { memory_kib: 64 * 1024, iterations: 24, parallelism: 1 }
}

// libtest prints "test kill::child_process_entry ... " without a newline before the child's
// own output, so the parent looks for its tokens anywhere in a line.

/// Entry point of the child process. A no-op in the normal test run.
#[test]
fn child_process_entry() {
    let (Ok(mode), Ok(dir)) = (std::env::var(CHILD_MODE), std::env::var(CHILD_DIR)) else {
        return;
    };
    let vault = Vault::open(Path::new(&dir)).unwrap();
    match mode.as_str() {
        "unlock" => {
            println!("READY");
            // Killed during the key derivation; the result never matters.
            let _ = vault.unlock(&kyc_vault::Password::new("a wrong password"));
            println!("FINISHED");
        }
        "decide" => {
            vault.unlock(&password()).unwrap();
            let case_id = vault.list_cases().unwrap()[0].id.clone();
            let case = vault.case(&case_id).unwrap();
            let entry = vault.record_decision(&decision_for(&case, "acknowledged")).unwrap();
            println!("ACK {}", entry.key);
            // Keep writing so the kill lands in the middle of a transaction.
            // Bounded, so an orphaned child cannot run forever.
            for n in 0..100_000 {
                let event = kyc_vault::AuditEvent {
                    case_id: Some(case_id.clone()),
                    action: kyc_vault::AuditAction::CaseOpened,
                    at: time::OffsetDateTime::now_utc(),
                };
                vault.queue_audit_event(&event).unwrap();
                if n == 3 {
                    println!("WRITING");
                }
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn spawn_child(mode: &str, dir: &Path) -> (Child, impl Iterator<Item = String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "kill::child_process_entry", "--nocapture", "--test-threads=1"])
        .env(CHILD_MODE, mode)
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines().map(|l| l.unwrap());
    (child, lines)
}

fn sigkill(child: &mut Child) {
    // Child::kill sends SIGKILL on Unix.
    child.kill().unwrap();
    child.wait().unwrap();
}

#[cfg(unix)]
#[test]
fn the_failed_unlock_count_survives_a_kill_during_unlock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let vault = Vault::create(&dir, &password(), slow_params()).unwrap();
    drop(vault);
    let db = Vault::database_path(&dir);
    let count = || -> u32 {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT failed_attempts FROM unlock_guard", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(count(), 0);
    let (mut child, mut lines) = spawn_child("unlock", &dir);
    assert!(lines.any(|l| l.contains("READY")));
    // The count is committed before the derivation starts; kill as soon as it is visible.
    let start = Instant::now();
    while count() == 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "child never counted its attempt");
        std::thread::sleep(Duration::from_millis(5));
    }
    sigkill(&mut child);
    assert!(!lines.any(|l| l.contains("FINISHED")), "the kill landed after the derivation");
    let vault = Vault::open(&dir).unwrap();
    assert_eq!(vault.failed_unlocks().unwrap(), 1);
    vault.unlock(&password()).unwrap();
    assert_eq!(vault.failed_unlocks().unwrap(), 0);
}

#[cfg(unix)]
#[test]
fn an_acknowledged_decision_survives_a_kill_of_the_writer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let vault = Vault::create(&dir, &password(), KdfParams::insecure_for_tests()).unwrap();
    let s = sample(0);
    put(&vault, &s);
    drop(vault);
    let (mut child, mut lines) = spawn_child("decide", &dir);
    let ack = lines.find_map(|l| l.split_once("ACK ").map(|(_, k)| k.trim().to_owned())).unwrap();
    assert!(lines.any(|l| l.contains("WRITING")));
    sigkill(&mut child);

    let vault = Vault::open(&dir).unwrap();
    vault.unlock(&password()).unwrap();
    let outbox = vault.outbox().unwrap();
    assert_eq!(outbox[0].key.as_str(), ack);
    assert_eq!(vault.list_cases().unwrap()[0].state, kyc_model::LocalState::Decided);
    drop(vault);
    let conn = rusqlite::Connection::open(Vault::database_path(&dir)).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
}
