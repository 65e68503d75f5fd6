//! What the sync engine keeps in the vault for offline work (sealed sync records) and the
//! wipe of case data after too long away from the hub, which keeps the reviewer's work.

use kyc_model::LocalState;
use kyc_scan::{Marker, Scanner};
use kyc_vault::{CaseDataWipe, OutboxPayload, Variant, VaultError};

use crate::support::{decision_for, new_vault, password, put, sample};

#[test]
fn sync_records_are_sealed_replaced_and_need_the_key() {
    let t = new_vault();
    assert_eq!(t.vault.sync_record("last_contact").unwrap(), None);
    let marker = "Syncrecordmarker8421";
    t.vault.put_sync_record("last_contact", b"first").unwrap();
    t.vault.put_sync_record("last_contact", marker.as_bytes()).unwrap();
    assert_eq!(t.vault.sync_record("last_contact").unwrap().unwrap().as_slice(), marker.as_bytes());
    assert_eq!(t.vault.sync_record("client_policy").unwrap(), None);
    let scanner = Scanner::new(&[Marker::text("sync record", marker)]);
    assert!(scanner.scan_dir(&t.dir).unwrap().hits.is_empty(), "a sync record is on disk in clear");
    t.vault.lock();
    assert!(matches!(t.vault.sync_record("last_contact"), Err(VaultError::Locked)));
    assert!(matches!(t.vault.put_sync_record("last_contact", b"x"), Err(VaultError::Locked)));
    t.vault.unlock(&password()).unwrap();
    assert_eq!(t.vault.sync_record("last_contact").unwrap().unwrap().as_slice(), marker.as_bytes());
}

#[test]
fn wiping_case_data_keeps_pending_decisions_and_their_queue_rows_only() {
    let t = new_vault();
    let decided = sample(0);
    let ready = sample(1);
    put(&t.vault, &decided);
    put(&t.vault, &ready);
    let entry = t.vault.record_decision(&decision_for(&decided.case, "kept note")).unwrap();

    let report = t.vault.wipe_case_data().unwrap();
    assert_eq!(report, CaseDataWipe { cases_removed: 1, decisions_kept: 1 });
    let cases = t.vault.list_cases().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(
        (cases[0].id.clone(), cases[0].state),
        (decided.case.id.clone(), LocalState::Decided)
    );
    // The fields and the media are gone, for both cases.
    for s in [&decided, &ready] {
        assert!(matches!(t.vault.case(&s.case.id), Err(VaultError::CaseNotFound(_))));
        let (id, variant, _) = &s.media[0];
        assert!(t.vault.read_media(id, *variant).is_err());
        assert!(t.vault.read_media(id, Variant::Thumbnail).is_err());
    }
    // The decision is still there, unchanged, to be pushed.
    let outbox = t.vault.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].key, entry.key);
    assert!(
        matches!(&outbox[0].payload, OutboxPayload::Decision(d) if d.case_id == decided.case.id)
    );
    // Its acceptance settles it and removes the last row.
    t.vault.mark_outcome(&entry.key, kyc_vault::PushOutcome::Accepted).unwrap();
    assert!(t.vault.list_cases().unwrap().is_empty());
}
