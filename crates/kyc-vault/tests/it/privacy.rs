//! Privacy: no marker value reaches the disk in any encoding, at any point of the vault's
//! life, and none reaches an error message.

use kyc_scan::{Marker, Scanner};
use kyc_vault::{AuditAction, AuditEvent, PushOutcome, Vault, VaultError};

use crate::support::{decision_for, digits, new_vault, put, sample};

#[test]
fn no_marker_on_disk_unlocked_locked_purged_or_wiped() {
    let t = new_vault();
    let root = t._tmp.path().to_owned();
    let samples: Vec<_> = (0..5).map(sample).collect();
    let mut markers: Vec<Marker> = samples.iter().flat_map(|s| s.markers.clone()).collect();
    for s in &samples {
        put(&t.vault, s);
    }
    let mut keys = Vec::new();
    for (n, s) in samples.iter().enumerate().take(3) {
        let note = format!("Notemarker{} {}", digits(8), digits(18));
        markers.push(Marker::text(format!("case {n} note"), &note));
        keys.push(t.vault.record_decision(&decision_for(&s.case, &note)).unwrap().key);
        let reason = format!("Revealreason{}", digits(10));
        markers.push(Marker::text(format!("case {n} reveal reason"), &reason));
        let event = AuditEvent {
            case_id: Some(s.case.id.clone()),
            action: AuditAction::FieldRevealed { field: "phone".into(), reason },
            at: time::OffsetDateTime::now_utc(),
        };
        t.vault.queue_audit_event(&event).unwrap();
    }
    let conflict = format!("Conflictdetail{}", digits(12));
    markers.push(Marker::text("conflict detail", &conflict));
    let scanner = Scanner::new(&markers);
    let scan = |when: &str| {
        let report = scanner.scan_dir(&root).unwrap();
        assert!(report.is_clean(), "{when}: {report}");
        report
    };

    let report = scan("unlocked");
    assert!(report.bytes_scanned > 1_000_000, "the media were written: {report}");
    // The scanner would have found the markers had they been there in clear.
    let all_media: Vec<u8> =
        samples.iter().flat_map(|s| s.media.iter().flat_map(|m| m.2.clone())).collect();
    assert!(!scanner.scan_bytes(&all_media).is_empty());

    t.vault.mark_outcome(&keys[2], PushOutcome::Conflict { reason: conflict }).unwrap();
    t.vault.lock();
    scan("locked");

    t.vault.unlock(&crate::support::password()).unwrap();
    t.vault.mark_outcome(&keys[0], PushOutcome::Accepted).unwrap();
    t.vault.purge_case(&samples[4].case.id).unwrap();
    scan("purged");

    drop(t.vault);
    let vault = Vault::open(&t.dir).unwrap();
    scan("closed and reopened");

    vault.wipe().unwrap();
    let report = scan("wiped");
    assert!(report.files.is_empty(), "files left after wipe: {report}");
    assert!(!t.dir.exists());
}

#[test]
fn no_error_message_carries_personal_data() {
    let t = new_vault();
    let s = sample(0);
    let scanner = Scanner::new(&s.markers);
    put(&t.vault, &s);
    let mut errors: Vec<VaultError> = Vec::new();
    // Produced through the API, on a vault holding the markers.
    errors.push(t.vault.put_case(&s.case, crate::support::lease(), s.inputs()).unwrap_err());
    errors.push(t.vault.read_media_range(&s.media[0].0, s.media[0].1, 0..u64::MAX).unwrap_err());
    let mut no_consent = s.case.clone();
    no_consent.consent = None;
    let mut d = decision_for(&s.case, "x");
    d.outcome = kyc_model::Outcome::Approve;
    errors.push(t.vault.put_case(&no_consent, crate::support::lease(), vec![]).unwrap_err());
    errors.push(Vault::open(&t.dir).unwrap_err());
    {
        let conn = rusqlite::Connection::open(Vault::database_path(&t.dir)).unwrap();
        conn.execute("UPDATE cases SET payload = substr(payload, 2)", []).unwrap();
        // A constraint failure reported by SQLite itself.
        errors.push(VaultError::Database(
            conn.execute("INSERT INTO cases (id) VALUES ('x')", []).unwrap_err(),
        ));
    }
    errors.push(t.vault.case(&s.case.id).unwrap_err());
    errors.push(t.vault.record_decision(&d).unwrap_err());
    t.vault.lock();
    errors.push(t.vault.unlock(&kyc_vault::Password::new(s.case.id.as_str())).unwrap_err());
    errors.push(t.vault.case(&s.case.id).unwrap_err());
    // The rest, constructed with the case's own ids where they take any.
    errors.extend([
        VaultError::Wiped,
        VaultError::NotFound,
        VaultError::AlreadyExists,
        VaultError::NewerVersion { found: 2, supported: 1 },
        VaultError::Decode { table: "cases", row: s.case.id.to_string() },
        VaultError::CaseNotFound(s.case.id.clone()),
        VaultError::MediaNotFound { id: s.media[0].0.clone(), variant: s.media[0].1 },
        VaultError::MissingMedia(s.media[0].0.clone()),
        VaultError::MediaLength(s.media[0].0.clone()),
        VaultError::DecisionPending(s.case.id.clone()),
        VaultError::OutboxEntryNotFound,
        VaultError::KeyExhausted,
        VaultError::KdfParams,
        VaultError::OnlineSignInRequired,
        VaultError::RecoveryKeyRejected,
        VaultError::Io(std::io::Error::other("disk full")),
    ]);
    let mut text = String::new();
    for e in &errors {
        text.push_str(&format!("{e}\n{e:?}\n"));
    }
    assert!(text.contains("integrity check"), "the tampered case produced Integrity:\n{text}");
    assert!(text.contains("another process"));
    let hits = scanner.scan_bytes(text.as_bytes());
    assert!(hits.is_empty(), "{hits:?}");
}
