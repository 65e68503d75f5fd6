//! Measures SQLCipher (raw key, 64 KiB pages, WAL, synchronous=FULL) on the vault benchmark's
//! media set and prints one JSON line: `{"ingest_mb_s": .., "read_mb_s": ..}`.
//! Usage: kyc-vault-sqlcipher-peer <empty directory>

use std::time::Instant;

use rusqlite::{Connection, params};

#[path = "../../benches/support/media_set.rs"]
mod media_set;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: kyc-vault-sqlcipher-peer <dir>");
    let sizes = media_set::sizes();
    let blobs: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &n)| media_set::blob(i, n)).collect();
    let total: usize = sizes.iter().sum();
    let mb = total as f64 / 1e6;

    let conn = Connection::open(std::path::Path::new(&dir).join("peer.db")).expect("open");
    // A raw 256-bit key: no PBKDF2, so only page encryption is measured.
    conn.execute_batch(
        "PRAGMA key = \"x'2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99'\";
         PRAGMA cipher_page_size = 65536;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);",
    )
    .expect("configure");

    let start = Instant::now();
    for (case_idx, case) in blobs.chunks(media_set::BLOBS_PER_CASE).enumerate() {
        let tx = conn.unchecked_transaction().expect("begin");
        for (i, blob) in case.iter().enumerate() {
            let id = (case_idx * media_set::BLOBS_PER_CASE + i) as i64;
            tx.execute("INSERT INTO blobs (id, data) VALUES (?1, ?2)", params![id, blob])
                .expect("insert");
        }
        tx.commit().expect("commit");
    }
    let ingest = mb / start.elapsed().as_secs_f64();

    let read_all = || {
        let mut stmt = conn.prepare_cached("SELECT data FROM blobs WHERE id = ?1").unwrap();
        let mut n = 0usize;
        for id in 0..blobs.len() as i64 {
            let data: Vec<u8> = stmt.query_row([id], |r| r.get(0)).unwrap();
            n += data.len();
        }
        assert_eq!(n, total);
    };
    read_all();
    let start = Instant::now();
    read_all();
    let read = mb / start.elapsed().as_secs_f64();
    println!("{{\"ingest_mb_s\": {ingest:.1}, \"read_mb_s\": {read:.1}}}");
}
