//! Tampering with the file: every altered, moved, reordered, dropped or truncated ciphertext
//! is an `Integrity` error naming the row, never data and never a panic.

use kyc_model::CaseId;
use kyc_vault::{Variant, Vault, VaultError};
use rand::Rng;
use rusqlite::{Connection, params};

use crate::support::{TestVault, decision_for, new_vault, put, sample};

fn raw(t: &TestVault) -> Connection {
    let conn = Connection::open(Vault::database_path(&t.dir)).unwrap();
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    conn
}

/// A vault with three cases and a decision: sealed cells in every sealed column.
fn filled() -> (TestVault, Vec<crate::support::Sample>) {
    let t = new_vault();
    let samples: Vec<_> = (0..3).map(sample).collect();
    for s in &samples {
        put(&t.vault, s);
    }
    t.vault.record_decision(&decision_for(&samples[0].case, "note")).unwrap();
    (t, samples)
}

#[derive(Debug, Clone, Copy)]
enum Cell {
    CasePayload,
    MediaChunk,
    OutboxPayload,
}

/// Opens the cell through the public API.
fn read_back(t: &TestVault, cell: Cell, key: &str) -> Result<(), VaultError> {
    match cell {
        Cell::CasePayload => t.vault.case(&CaseId::parse(key).unwrap()).map(drop),
        Cell::MediaChunk => {
            // Reads one byte of the flipped chunk: only that chunk is opened.
            let mut parts = key.split(':');
            let id = kyc_model::MediaId::parse(parts.next().unwrap()).unwrap();
            let variant = parts.next().unwrap();
            let variant = Variant::ALL.into_iter().find(|v| v.to_string() == variant).unwrap();
            let idx: u64 = parts.next().unwrap().parse().unwrap();
            let start = idx * kyc_vault::CHUNK_LEN;
            t.vault.read_media_range(&id, variant, start..start + 1).map(drop)
        }
        Cell::OutboxPayload => t.vault.outbox().map(drop),
    }
}

#[test]
fn a_thousand_random_bit_flips_are_a_thousand_integrity_errors() {
    // Small media keep the 1,000 reads fast; chunk position checks are tested below on a
    // three-chunk image.
    let t = new_vault();
    let samples: Vec<_> =
        (0..3).map(|n| crate::support::sample_sized(n, [70_000, 900, 300])).collect();
    for s in &samples {
        put(&t.vault, s);
    }
    t.vault.record_decision(&decision_for(&samples[0].case, "note")).unwrap();
    let conn = raw(&t);
    // (cell, rowid, key for read_back, table)
    let mut cells: Vec<(Cell, i64, String, &str, &str)> = Vec::new();
    let mut q = |sql: &str, cell: Cell, table: &'static str, column: &'static str| {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).unwrap();
        for row in rows {
            let (rowid, key) = row.unwrap();
            cells.push((cell, rowid, key, table, column));
        }
    };
    q("SELECT rowid, id FROM cases", Cell::CasePayload, "cases", "payload");
    q(
        "SELECT rowid, media_id || ':' || variant || ':' || idx FROM media_chunks",
        Cell::MediaChunk,
        "media_chunks",
        "sealed",
    );
    q("SELECT rowid, key FROM outbox", Cell::OutboxPayload, "outbox", "payload");
    assert!(cells.len() > 10);
    let mut rng = rand::rng();
    let mut n_integrity = 0;
    for _ in 0..1000 {
        let (cell, rowid, key, table, column) = &cells[rng.random_range(0..cells.len())];
        let select = format!("SELECT {column} FROM {table} WHERE rowid = ?1");
        let update = format!("UPDATE {table} SET {column} = ?2 WHERE rowid = ?1");
        let original: Vec<u8> = conn.query_row(&select, [rowid], |r| r.get(0)).unwrap();
        let mut flipped = original.clone();
        let bit = rng.random_range(0..flipped.len() * 8);
        flipped[bit / 8] ^= 1 << (bit % 8);
        conn.execute(&update, params![rowid, flipped]).unwrap();
        match read_back(&t, *cell, key) {
            Err(VaultError::Integrity { table: got, .. }) if got == *table => n_integrity += 1,
            other => panic!("{cell:?} bit {bit}: {other:?}"),
        }
        conn.execute(&update, params![rowid, original]).unwrap();
    }
    assert_eq!(n_integrity, 1000);
    // Everything is readable again once restored.
    for (cell, _, key, _, _) in &cells {
        read_back(&t, *cell, key).unwrap();
    }
}

#[test]
fn ciphertexts_swapped_between_rows_or_columns_do_not_open() {
    let (t, samples) = filled();
    let conn = raw(&t);
    let (a, b) = (samples[1].case.id.as_str(), samples[2].case.id.as_str());
    let payload = |id: &str| -> Vec<u8> {
        conn.query_row("SELECT payload FROM cases WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    };
    let (pa, pb) = (payload(a), payload(b));
    conn.execute("UPDATE cases SET payload = ?2 WHERE id = ?1", params![a, pb]).unwrap();
    conn.execute("UPDATE cases SET payload = ?2 WHERE id = ?1", params![b, pa]).unwrap();
    for id in [a, b] {
        match t.vault.case(&CaseId::parse(id).unwrap()) {
            Err(VaultError::Integrity { table: "cases", row }) => assert_eq!(row, id),
            other => panic!("{other:?}"),
        }
    }
    // Between columns: an outbox payload moved into a case payload.
    let outbox: Vec<u8> = conn.query_row("SELECT payload FROM outbox", [], |r| r.get(0)).unwrap();
    conn.execute("UPDATE cases SET payload = ?2 WHERE id = ?1", params![a, outbox]).unwrap();
    assert!(matches!(
        t.vault.case(&CaseId::parse(a).unwrap()),
        Err(VaultError::Integrity { table: "cases", .. })
    ));
    // Between media objects: a chunk of another image at the same index.
    let (m1, m2) = (samples[1].media[0].0.as_str(), samples[2].media[0].0.as_str());
    let chunk: Vec<u8> = conn
        .query_row("SELECT sealed FROM media_chunks WHERE media_id = ?1 AND idx = 0", [m2], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute(
        "UPDATE media_chunks SET sealed = ?2 WHERE media_id = ?1 AND idx = 0",
        params![m1, chunk],
    )
    .unwrap();
    assert!(matches!(
        t.vault.read_media_range(&samples[1].media[0].0, Variant::Original, 0..10),
        Err(VaultError::Integrity { table: "media_chunks", .. })
    ));
}

/// Runs `edit` on the raw file against the 3-chunk front image of case 1 and expects reads
/// of the whole object to fail with Integrity.
fn chunk_edit_is_detected(edit: &str) {
    let (t, samples) = filled();
    let s = &samples[1];
    let (id, variant, bytes) = &s.media[0];
    assert_eq!(bytes.len().div_ceil(kyc_vault::CHUNK_LEN as usize), 3, "test image spans 3 chunks");
    assert_eq!(&t.vault.read_media(id, *variant).unwrap(), bytes);
    raw(&t).execute_batch(&edit.replace("$M", id.as_str())).unwrap();
    let result = t.vault.read_media(id, *variant);
    assert!(
        matches!(result, Err(VaultError::Integrity { table, .. }) if table == "media_chunks" || table == "media"),
        "{edit}: {result:?}"
    );
}

#[test]
fn reordered_chunks_are_detected() {
    chunk_edit_is_detected(
        "UPDATE media_chunks SET idx = 99 WHERE media_id = '$M' AND idx = 0;
         UPDATE media_chunks SET idx = 0 WHERE media_id = '$M' AND idx = 1;
         UPDATE media_chunks SET idx = 1 WHERE media_id = '$M' AND idx = 99;",
    );
}

#[test]
fn a_dropped_middle_chunk_is_detected() {
    chunk_edit_is_detected("DELETE FROM media_chunks WHERE media_id = '$M' AND idx = 1;");
}

#[test]
fn a_dropped_last_chunk_is_detected() {
    chunk_edit_is_detected("DELETE FROM media_chunks WHERE media_id = '$M' AND idx = 2;");
}

#[test]
fn truncation_with_matching_plain_metadata_is_detected() {
    // The attacker also rewrites the plain length and chunk count so that the object looks
    // complete: the chunk's authenticated total length and last flag still disagree.
    chunk_edit_is_detected(&format!(
        "DELETE FROM media_chunks WHERE media_id = '$M' AND idx = 2;
         UPDATE media SET len = {}, n_chunks = 2 WHERE id = '$M';",
        2 * kyc_vault::CHUNK_LEN
    ));
}

#[test]
fn a_truncated_chunk_is_detected() {
    chunk_edit_is_detected(
        "UPDATE media_chunks SET sealed = substr(sealed, 1, length(sealed) - 100)
         WHERE media_id = '$M' AND idx = 1;",
    );
}

#[test]
fn an_appended_chunk_is_detected() {
    chunk_edit_is_detected(&format!(
        "INSERT INTO media_chunks (media_id, variant, idx, sealed)
         SELECT media_id, variant, 3, sealed FROM media_chunks WHERE media_id = '$M' AND idx = 2;
         UPDATE media SET len = len + {}, n_chunks = 4 WHERE id = '$M';",
        kyc_vault::CHUNK_LEN
    ));
}
