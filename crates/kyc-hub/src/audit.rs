//! The audit hash chain: how a record's hash is computed, so every backend and the verifier
//! agree byte for byte.
//!
//! `hash(n) = SHA-256(hash(n-1) as hex || canonical(n))`, with 64 zeros before the first
//! record. `canonical` is the JSON of the record's stored columns in a fixed field order. A
//! changed, inserted or deleted row breaks the link at that row (a deleted row shows as a gap
//! in `seq`). An attacker who can rewrite the whole tail could recompute it; publishing the
//! head hash elsewhere ([`crate::store::Store::audit_head`]) closes that.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::crypto::hex;
use crate::time_util::Millis;

/// The "previous hash" of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A record's stored columns, in canonical order.
#[derive(Debug, Serialize)]
pub struct CanonicalRecord<'a> {
    /// Position, from 1.
    pub seq: i64,
    /// When appended (Unix ms).
    pub recorded_at: Millis,
    /// Who caused it.
    pub actor: Option<&'a str>,
    /// Case concerned.
    pub case_id: Option<&'a str>,
    /// `AuditRecordKind` as JSON text, exactly as stored.
    pub kind: &'a str,
}

/// The hash of a record given the previous record's hash.
pub fn chain_hash(prev_hash: &str, record: &CanonicalRecord<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    // Serializing a struct of plain fields cannot fail.
    hasher.update(serde_json::to_vec(record).unwrap_or_default());
    hex(&hasher.finalize())
}

/// Walks stored records in `seq` order and returns the first broken one.
pub struct ChainVerifier {
    prev_hash: String,
    expected_seq: i64,
    /// Records checked so far.
    pub records: i64,
    /// The first record whose link fails.
    pub first_broken: Option<i64>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { prev_hash: GENESIS.to_owned(), expected_seq: 1, records: 0, first_broken: None }
    }
}

impl ChainVerifier {
    /// Checks the next stored record.
    pub fn check(&mut self, record: &CanonicalRecord<'_>, stored_hash: &str) {
        self.records += 1;
        if self.first_broken.is_none()
            && (record.seq != self.expected_seq
                || chain_hash(&self.prev_hash, record) != stored_hash)
        {
            self.first_broken = Some(record.seq);
        }
        self.expected_seq = record.seq + 1;
        // Continue from the stored hash so one edit is reported once, at its own row.
        self.prev_hash = stored_hash.to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: i64, kind: &str) -> CanonicalRecord<'_> {
        CanonicalRecord { seq, recorded_at: 1000 + seq, actor: Some("u_a"), case_id: None, kind }
    }

    #[test]
    fn an_edited_or_missing_record_is_the_first_broken_link() {
        let kinds = ["a", "b", "c", "d"];
        let mut hashes = Vec::new();
        let mut prev = GENESIS.to_owned();
        for (i, k) in kinds.iter().enumerate() {
            prev = chain_hash(&prev, &rec(i as i64 + 1, k));
            hashes.push(prev.clone());
        }
        let check = |rows: &[(i64, &str, &str)]| {
            let mut v = ChainVerifier::default();
            for (seq, kind, hash) in rows {
                v.check(&rec(*seq, kind), hash);
            }
            v.first_broken
        };
        let intact: Vec<_> = (0..4).map(|i| (i as i64 + 1, kinds[i], hashes[i].as_str())).collect();
        assert_eq!(check(&intact), None);
        let mut edited = intact.clone();
        edited[2].1 = "x";
        assert_eq!(check(&edited), Some(3));
        let mut missing = intact.clone();
        missing.remove(1);
        assert_eq!(check(&missing), Some(3));
    }
}
