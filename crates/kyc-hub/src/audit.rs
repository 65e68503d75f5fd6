//! The audit hash chain: how a record's hash is computed, so every backend and the verifier
//! agree byte for byte.
//!
//! `hash(n) = SHA-256(hash(n-1) as hex || canonical(n))`, with 64 zeros before the first
//! record. `canonical` is the JSON of the record's stored columns in a fixed field order. A
//! changed, inserted or deleted row breaks the link at that row (a deleted row shows as a gap
//! in `seq`). An attacker who can rewrite the whole tail could recompute it; publishing the
//! head hash elsewhere ([`crate::store::Store::audit_head`]) closes that.
//!
//! Free text (a reveal reason) never enters the chain: [`split_free_text`] takes it out of a
//! record before it is stored, the store seals it into a detail row of its own, and the
//! record carries the detail's digest ([`detail_digest`]). Retention deletes the detail; the
//! record and its link stay verifiable because the chain covers only the digest.

use kyc_proto::{AuditEventKind, AuditRecordKind};
use serde::{Deserialize, Serialize};
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
    /// `AuditRecordKind` as JSON text, exactly as stored (without free text).
    pub kind: &'a str,
    /// Digest of the sealed detail, for records with free text. Absent from the canonical
    /// bytes when `None`, so records without a detail, and every record made before schema
    /// 2, hash exactly as they always did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail_digest: Option<&'a str>,
}

/// The free text of one record, sealed at rest in its own row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditDetail {
    /// The reason typed for a reveal.
    pub reason: String,
}

/// Splits a record into what the chain stores in clear and its free text, if it has any.
/// Every kind carrying typed text must be handled here.
pub fn split_free_text(kind: &AuditRecordKind) -> (AuditRecordKind, Option<AuditDetail>) {
    match kind {
        AuditRecordKind::Client { event: AuditEventKind::FieldRevealed { field, reason }, at } => (
            AuditRecordKind::Client {
                event: AuditEventKind::FieldRevealed {
                    field: field.clone(),
                    reason: String::new(),
                },
                at: *at,
            },
            Some(AuditDetail { reason: reason.clone() }),
        ),
        other => (other.clone(), None),
    }
}

/// Puts opened free text back into a record split by [`split_free_text`].
pub fn restore_free_text(kind: &mut AuditRecordKind, detail: AuditDetail) {
    if let AuditRecordKind::Client { event: AuditEventKind::FieldRevealed { reason, .. }, .. } =
        kind
    {
        *reason = detail.reason;
    }
}

/// The digest of a sealed detail that the chain covers (SHA-256, hex). It is taken over the
/// ciphertext, whose nonce is random, so it says nothing about the text.
pub fn detail_digest(sealed: &[u8]) -> String {
    hex(&Sha256::digest(sealed))
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

    /// Reports a record whose stored detail does not match the digest its link covers (a
    /// detail swapped or edited). A deleted detail is not a break: retention does that.
    pub fn detail_mismatch(&mut self, seq: i64) {
        self.first_broken.get_or_insert(seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: i64, kind: &str) -> CanonicalRecord<'_> {
        CanonicalRecord {
            seq,
            recorded_at: 1000 + seq,
            actor: Some("u_a"),
            case_id: None,
            kind,
            detail_digest: None,
        }
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

    #[test]
    fn records_without_a_detail_hash_as_before_schema_2() {
        // The canonical bytes of schema 1, written out by hand.
        let v1 = r#"{"seq":1,"recorded_at":1001,"actor":"u_a","case_id":null,"kind":"a"}"#;
        let mut hasher = Sha256::new();
        hasher.update(GENESIS.as_bytes());
        hasher.update(v1.as_bytes());
        assert_eq!(chain_hash(GENESIS, &rec(1, "a")), hex(&hasher.finalize()));
        let with_detail = CanonicalRecord { detail_digest: Some("ab"), ..rec(1, "a") };
        assert_ne!(chain_hash(GENESIS, &with_detail), chain_hash(GENESIS, &rec(1, "a")));
    }

    #[test]
    fn a_reveal_reason_leaves_the_record_and_comes_back() {
        let at = time::OffsetDateTime::UNIX_EPOCH;
        let kind = AuditRecordKind::Client {
            event: AuditEventKind::FieldRevealed {
                field: "applicant.name".into(),
                reason: "r".into(),
            },
            at,
        };
        let (mut public, detail) = split_free_text(&kind);
        assert!(!serde_json::to_string(&public).unwrap().contains("\"r\""));
        restore_free_text(&mut public, detail.unwrap());
        assert_eq!(public, kind);
        assert!(split_free_text(&AuditRecordKind::CaseCreated).1.is_none());
    }
}
