//! The one-time migration from the first schema (user_version 0) to schema 2.
//!
//! Schema 0 kept free text in clear: reveal reasons inside the audit records' `kind`, which
//! the chain hashes, and supervisors' verdict notes in `decisions.verdict_note`. Schema 2
//! seals both. Verdict notes are simply sealed in place. A reason cannot leave a record
//! without changing what that record's hash covers, so the migration, in one transaction:
//!
//! 1. verifies the old chain and refuses to run if it is broken (rehashing a tampered chain
//!    would launder the tampering: the operator must see the old verifier's report first);
//! 2. moves each reason into a sealed `audit_detail` row and stores the record without it,
//!    with the detail's digest, exactly as schema 2 appends records;
//! 3. recomputes the hashes from the first changed record to the head (the append-only
//!    triggers are dropped for this and recreated before the commit);
//! 4. appends a `chain_migrated` record naming the old head's `seq` and hash, so an anchor
//!    published before the migration can still be matched against the new chain.
//!
//! Records before the first changed one keep their hashes: schema 2's canonical form of a
//! record without a detail is byte for byte schema 0's.

use kyc_proto::AuditRecordKind;
use rusqlite::{Connection, TransactionBehavior, params};

use super::{AuditEntry, SCHEMA, StoreError, append_tx, seal_detail, seal_verdict_note};
use crate::audit::{CanonicalRecord, ChainVerifier, GENESIS, chain_hash, split_free_text};
use crate::crypto::HubKey;
use crate::time_util::Millis;

struct OldRecord {
    seq: i64,
    recorded_at: i64,
    actor: Option<String>,
    case_id: Option<String>,
    kind: String,
    hash: String,
}

/// Upgrades a schema-0 database to schema 2 (see the module documentation).
pub(super) fn migrate(conn: &mut Connection, key: &HubKey, now: Millis) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let has_digest: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('audit') WHERE name = 'detail_digest')",
        [],
        |r| r.get(0),
    )?;
    if !has_digest {
        tx.execute_batch("ALTER TABLE audit ADD COLUMN detail_digest TEXT")?;
    }
    let old: Vec<OldRecord> = {
        let mut stmt = tx.prepare(
            "SELECT seq, recorded_at, actor, case_id, kind, hash FROM audit ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OldRecord {
                seq: r.get(0)?,
                recorded_at: r.get(1)?,
                actor: r.get(2)?,
                case_id: r.get(3)?,
                kind: r.get(4)?,
                hash: r.get(5)?,
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut verifier = ChainVerifier::default();
    for r in &old {
        verifier.check(&canonical(r, &r.kind, None), &r.hash);
    }
    if verifier.first_broken.is_some() {
        return Err(StoreError::Corrupt(
            "the audit chain is broken; schema 2 migration refused (verify it with the old version)",
        ));
    }

    let mut rewritten = 0u32;
    let mut first_changed = None;
    let mut new_kinds: Vec<(String, Option<String>)> = Vec::with_capacity(old.len());
    for (i, r) in old.iter().enumerate() {
        let kind: AuditRecordKind =
            serde_json::from_str(&r.kind).map_err(|_| StoreError::Corrupt("audit kind"))?;
        let (public, detail) = split_free_text(&kind);
        match detail {
            None => new_kinds.push((r.kind.clone(), None)),
            Some(detail) => {
                let (sealed, digest) = seal_detail(key, r.seq, &detail)?;
                tx.execute(
                    "INSERT INTO audit_detail (seq, sealed) VALUES (?1, ?2)",
                    params![r.seq, sealed],
                )?;
                let public = serde_json::to_string(&public)
                    .map_err(|_| StoreError::Corrupt("audit kind"))?;
                new_kinds.push((public, Some(digest)));
                rewritten += 1;
                first_changed.get_or_insert(i);
            }
        }
    }
    if let Some(start) = first_changed {
        tx.execute_batch("DROP TRIGGER IF EXISTS audit_no_update;")?;
        let mut prev = if start == 0 { GENESIS.to_owned() } else { old[start - 1].hash.clone() };
        for (r, (kind, digest)) in old.iter().zip(&new_kinds).skip(start) {
            let hash = chain_hash(&prev, &canonical(r, kind, digest.as_deref()));
            tx.execute(
                "UPDATE audit SET kind = ?2, detail_digest = ?3, hash = ?4 WHERE seq = ?1",
                params![r.seq, kind, digest, hash],
            )?;
            prev = hash;
        }
        // Recreates the trigger (every statement of the schema is IF NOT EXISTS).
        tx.execute_batch(SCHEMA)?;
        let head = old.last().ok_or(StoreError::Corrupt("audit chain"))?;
        append_tx(
            &tx,
            &[AuditEntry {
                actor: None,
                case_id: None,
                kind: AuditRecordKind::ChainMigrated {
                    old_head_seq: head.seq,
                    old_head_hash: head.hash.clone(),
                    rewritten,
                },
            }],
            now,
        )?;
    }

    let notes: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, verdict_note FROM decisions WHERE typeof(verdict_note) = 'text'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, note) in notes {
        let note = zeroize::Zeroizing::new(note);
        let sealed = seal_verdict_note(key, id, &note)?;
        tx.execute("UPDATE decisions SET verdict_note = ?2 WHERE id = ?1", params![id, sealed])?;
    }
    tx.pragma_update(None, "user_version", 2)?;
    tx.commit()?;
    // The clear text was overwritten in place (secure_delete); move the new pages into the
    // database file and empty the WAL, so no frame keeps an old copy.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    tracing::info!(rewritten, "audit chain migrated to schema 2");
    Ok(())
}

fn canonical<'a>(r: &'a OldRecord, kind: &'a str, digest: Option<&'a str>) -> CanonicalRecord<'a> {
    CanonicalRecord {
        seq: r.seq,
        recorded_at: r.recorded_at,
        actor: r.actor.as_deref(),
        case_id: r.case_id.as_deref(),
        kind,
        detail_digest: digest,
    }
}
