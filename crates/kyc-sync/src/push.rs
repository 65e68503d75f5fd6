//! Pushing the outbox: decisions with their idempotency keys, audit events, in outbox order,
//! until each has a final answer; and the background task that keeps doing it.
//!
//! Exactly once: the key of a decision is made when the decision is committed to the vault
//! and every send reuses it, so the hub applies it once however often it arrives. An entry
//! leaves the outbox only after the hub's final answer is committed in the vault. A crash at
//! any point therefore leads to a resend of the same key (answered `duplicate` if the first
//! one was applied) and never to a lost or doubled decision.
//!
//! Audit events are exactly once the same way: each outbox entry's key goes with its event,
//! and the hub appends an event once per account and key (a retry answers `duplicate`).

use std::collections::HashMap;
use std::sync::Arc;

use kyc_proto::{
    AuditAck, AuditBatch, AuditEventIn, AuditEventKind, AuditEventStatus, DecisionBatch,
    DecisionItem, DecisionStatus, IdempotencyKey as WireKey, MAX_DECISION_BATCH,
};
use kyc_vault::{AuditAction, OutboxEntry, OutboxPayload, OutboxStatus, PushOutcome, VaultError};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::error::SyncError;
use crate::workstation::{PushPoint, Workstation};

/// Most audit events per batch (the hub's limit).
const MAX_AUDIT_BATCH: usize = 500;

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Decisions the hub recorded now.
    pub accepted: u32,
    /// Decisions the hub had recorded before (a retry after a lost answer).
    pub duplicates: u32,
    /// Decisions refused with a conflict (lease lost, decided elsewhere): their cases are in
    /// the `Conflict` state with the hub's reason.
    pub conflicts: u32,
    /// Entries refused as invalid: their cases are `Failed`; entries behind them went on.
    pub invalid: u32,
    /// Audit events the hub appended now.
    pub audit_events: u32,
    /// Audit events the hub had appended before (a retry after a lost answer).
    pub audit_duplicates: u32,
}

impl PushReport {
    fn add(&mut self, other: &PushReport) {
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
        self.conflicts += other.conflicts;
        self.invalid += other.invalid;
        self.audit_events += other.audit_events;
        self.audit_duplicates += other.audit_duplicates;
    }
}

/// What the background push task is doing, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushStatus {
    /// Nothing to push, or waiting for the next look.
    Idle,
    /// Pushing.
    Pushing,
    /// The last try failed for a transient reason; retrying after a backoff.
    Retrying {
        /// Consecutive failures so far.
        attempt: u32,
    },
    /// The hub no longer accepts the session: sign in again (the task waits for a nudge).
    SignedOut,
    /// The account was revoked and the vault wiped; the task has ended.
    Revoked,
    /// The task has ended.
    Stopped,
}

/// Handle of the background push task (see [`Workstation::spawn_push_loop`]).
#[derive(Debug)]
pub struct PushLoop {
    nudge: Arc<Notify>,
    cancel: CancellationToken,
    status: watch::Receiver<PushStatus>,
    join: JoinHandle<()>,
}

impl PushLoop {
    /// Wakes the task now (after a decision was recorded, or after a login): a waiting backoff
    /// is cut short.
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// The task's status, as it changes.
    pub fn status(&self) -> watch::Receiver<PushStatus> {
        self.status.clone()
    }

    /// Stops the task after the step in progress and waits for it.
    pub async fn stop(self) {
        self.cancel.cancel();
        let _ = self.join.await;
    }
}

fn rule_code(rule: &kyc_model::DecisionError) -> String {
    serde_json::to_value(rule)
        .ok()
        .and_then(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "invalid".to_owned())
}

fn audit_kind(action: &AuditAction) -> Option<AuditEventKind> {
    match action {
        AuditAction::CaseOpened => Some(AuditEventKind::CaseOpened),
        AuditAction::FieldRevealed { field, reason } => {
            Some(AuditEventKind::FieldRevealed { field: field.clone(), reason: reason.clone() })
        }
        AuditAction::DecisionDiscarded => Some(AuditEventKind::DecisionsDiscarded { count: 1 }),
        _ => None,
    }
}

/// The idempotency key of the `decisions_discarded` event reporting one case of a discard
/// notice. A notice lives in the state file, not in the outbox, so it has no stored key: the
/// key is derived from what identifies the event (account, case, time of the discard), and a
/// notice delivered again after a lost answer is recorded once.
pub(crate) fn discard_event_key(
    user: &kyc_model::UserId,
    case: &kyc_model::CaseId,
    at: time::OffsetDateTime,
) -> Result<WireKey, SyncError> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in [user.as_str(), case.as_str()] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.update(at.unix_timestamp_nanos().to_be_bytes());
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    WireKey::parse(&format!("discard-{hex}"))
        .map_err(|_| SyncError::Protocol { what: "derived key is not an id" })
}

/// The hub's answer for each entry of an audit batch, in the batch's order.
fn audit_outcomes(ack: &AuditAck, sent: &[&OutboxEntry]) -> Result<Vec<PushOutcome>, SyncError> {
    if ack.results.len() != sent.len() {
        // An answer that does not cover the batch would leave entries unsettled forever.
        return Err(SyncError::Protocol { what: "results do not match the batch" });
    }
    sent.iter()
        .zip(&ack.results)
        .map(|(entry, result)| {
            if result.key.as_str() != entry.key.as_str() {
                return Err(SyncError::Protocol { what: "result for an unknown key" });
            }
            Ok(match result.status {
                AuditEventStatus::Appended => PushOutcome::Accepted,
                AuditEventStatus::Duplicate => PushOutcome::Duplicate,
                AuditEventStatus::KeyReused => {
                    PushOutcome::Invalid { rule: AuditEventStatus::KeyReused.code().to_owned() }
                }
            })
        })
        .collect()
}

impl PushReport {
    fn count_audit(&mut self, outcome: &PushOutcome) {
        match outcome {
            PushOutcome::Accepted => self.audit_events += 1,
            PushOutcome::Duplicate => self.audit_duplicates += 1,
            PushOutcome::Invalid { .. } | PushOutcome::Conflict { .. } => self.invalid += 1,
        }
    }
}

impl Workstation {
    fn hook(&self, point: PushPoint) {
        if let Some(hook) = &self.options.push_hook {
            hook(point);
        }
    }

    fn mark(&self, entry: &OutboxEntry, outcome: PushOutcome) -> Result<(), SyncError> {
        tracing::debug!(key = %entry.key, ?outcome, "outbox entry settled");
        match self.vault.mark_outcome(&entry.key, outcome) {
            // Settled meanwhile by another push of the same entry.
            Ok(()) | Err(VaultError::OutboxEntryNotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Pushes the whole outbox now, in order, until every entry has a final answer or the hub
    /// cannot be reached. Returns the first error that stops it (transient errors:
    /// [`SyncError::is_transient`]); what was settled before stays settled.
    pub async fn push_now(&self) -> Result<PushReport, SyncError> {
        let _one_at_a_time = self.push_lock.lock().await;
        let mut report = PushReport::default();
        loop {
            let entries = self.vault.outbox()?;
            let Some(first) = entries.first() else { return Ok(report) };
            let is_decision = matches!(first.payload, OutboxPayload::Decision(_));
            let limit = if is_decision { MAX_DECISION_BATCH } else { MAX_AUDIT_BATCH };
            let batch: Vec<OutboxEntry> = entries
                .into_iter()
                .take_while(|e| matches!(e.payload, OutboxPayload::Decision(_)) == is_decision)
                .take(limit)
                .collect();
            for entry in &batch {
                if entry.status == OutboxStatus::Pending {
                    match self.vault.mark_sent(&entry.key) {
                        Ok(()) | Err(VaultError::OutboxEntryNotFound) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            let step = if is_decision {
                self.push_decisions(&batch).await
            } else {
                self.push_audit(&batch).await
            };
            let step = self.guard(step)?;
            tracing::debug!(entries = batch.len(), decisions = is_decision, "outbox batch pushed");
            report.add(&step);
        }
    }

    async fn push_decisions(&self, batch: &[OutboxEntry]) -> Result<PushReport, SyncError> {
        let mut report = PushReport::default();
        let mut items = Vec::with_capacity(batch.len());
        let mut sendable = Vec::with_capacity(batch.len());
        for entry in batch {
            let OutboxPayload::Decision(decision) = &entry.payload else { continue };
            match WireKey::parse(entry.key.as_str()) {
                Ok(key) => {
                    items.push(DecisionItem { idempotency_key: key, decision: decision.clone() });
                    sendable.push(entry);
                }
                Err(_) => {
                    self.mark(entry, PushOutcome::Invalid { rule: "bad_key".into() })?;
                    report.invalid += 1;
                }
            }
        }
        if items.is_empty() {
            return Ok(report);
        }
        let unsendable = report.invalid;
        self.hook(PushPoint::BeforeSend { n: items.len() });
        let answer = self.client.push_decisions(&DecisionBatch { items: items.clone() }).await;
        let results = match answer {
            Ok(answer) => answer.results,
            Err(SyncError::Invalid { .. }) if items.len() > 1 => {
                // The hub refused the whole batch for one bad item: send them one by one, so
                // a bad entry fails alone and the ones behind it still go.
                let mut results = Vec::with_capacity(items.len());
                for (item, entry) in items.into_iter().zip(&sendable) {
                    let one = DecisionBatch { items: vec![item] };
                    match self.client.push_decisions(&one).await {
                        Ok(answer) => results.extend(answer.results),
                        Err(SyncError::Invalid { rule }) => {
                            self.mark(entry, PushOutcome::Invalid { rule })?;
                            report.invalid += 1;
                        }
                        Err(e) => return Err(e),
                    }
                }
                results
            }
            Err(SyncError::Invalid { rule }) => {
                self.mark(sendable[0], PushOutcome::Invalid { rule })?;
                report.invalid += 1;
                return Ok(report);
            }
            Err(e) => return Err(e),
        };
        if results.len() + (report.invalid - unsendable) as usize != sendable.len() {
            // An answer that does not cover the batch would leave entries unsettled forever.
            return Err(SyncError::Protocol { what: "results do not match the batch" });
        }
        self.hook(PushPoint::AfterResponse);
        let by_key: HashMap<&str, &OutboxEntry> =
            sendable.iter().map(|e| (e.key.as_str(), *e)).collect();
        for (index, result) in results.iter().enumerate() {
            let Some(entry) = by_key.get(result.key.as_str()) else {
                return Err(SyncError::Protocol { what: "result for an unknown key" });
            };
            let outcome = match &result.status {
                DecisionStatus::Accepted { .. } => {
                    report.accepted += 1;
                    PushOutcome::Accepted
                }
                DecisionStatus::Duplicate { .. } => {
                    report.duplicates += 1;
                    PushOutcome::Duplicate
                }
                DecisionStatus::Conflict { reason } => {
                    report.conflicts += 1;
                    PushOutcome::Conflict { reason: reason.code().to_owned() }
                }
                DecisionStatus::Invalid { rule } => {
                    report.invalid += 1;
                    PushOutcome::Invalid { rule: rule_code(rule) }
                }
            };
            self.mark(entry, outcome)?;
            self.hook(PushPoint::AfterMarked { index });
        }
        Ok(report)
    }

    async fn push_audit(&self, batch: &[OutboxEntry]) -> Result<PushReport, SyncError> {
        let mut report = PushReport::default();
        let mut events = Vec::with_capacity(batch.len());
        let mut sendable = Vec::with_capacity(batch.len());
        for entry in batch {
            let OutboxPayload::Audit(event) = &entry.payload else { continue };
            // The hub files every client event under a case; one without is unsendable.
            let key = WireKey::parse(entry.key.as_str());
            match (&event.case_id, audit_kind(&event.action), key) {
                (Some(case_id), Some(kind), Ok(idempotency_key)) => {
                    events.push(AuditEventIn {
                        idempotency_key,
                        case_id: case_id.clone(),
                        kind,
                        at: event.at,
                    });
                    sendable.push(entry);
                }
                _ => {
                    self.mark(entry, PushOutcome::Invalid { rule: "unsendable_event".into() })?;
                    report.invalid += 1;
                }
            }
        }
        if events.is_empty() {
            return Ok(report);
        }
        self.hook(PushPoint::BeforeSend { n: events.len() });
        match self.client.push_audit(&AuditBatch { events: events.clone() }).await {
            Ok(ack) => {
                let outcomes = audit_outcomes(&ack, &sendable)?;
                self.hook(PushPoint::AfterResponse);
                for (index, (entry, outcome)) in sendable.iter().zip(outcomes).enumerate() {
                    report.count_audit(&outcome);
                    self.mark(entry, outcome)?;
                    self.hook(PushPoint::AfterMarked { index });
                }
            }
            Err(SyncError::Invalid { .. } | SyncError::Forbidden) => {
                for (event, entry) in events.into_iter().zip(&sendable) {
                    match self.client.push_audit(&AuditBatch { events: vec![event] }).await {
                        Ok(ack) => {
                            let outcome = audit_outcomes(&ack, &[*entry])?.remove(0);
                            report.count_audit(&outcome);
                            self.mark(entry, outcome)?;
                        }
                        Err(SyncError::Invalid { rule }) => {
                            self.mark(entry, PushOutcome::Invalid { rule })?;
                            report.invalid += 1;
                        }
                        Err(SyncError::Forbidden) => {
                            let rule = "not_allowed_for_case".to_owned();
                            self.mark(entry, PushOutcome::Invalid { rule })?;
                            report.invalid += 1;
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(e) => return Err(e),
        }
        Ok(report)
    }

    /// Starts the background task: pushes whenever nudged or every
    /// [`crate::SyncOptions::idle_poll`], retries transient failures with
    /// [`crate::Backoff`], renews leases every [`crate::SyncOptions::renew_every`]. It resumes
    /// where the vault's outbox stands, so a restart of the app loses nothing. Needs a tokio
    /// runtime.
    pub fn spawn_push_loop(self: &Arc<Self>) -> PushLoop {
        let nudge = Arc::new(Notify::new());
        let cancel = CancellationToken::new();
        let (status_tx, status) = watch::channel(PushStatus::Idle);
        let ws = Arc::clone(self);
        let (task_nudge, task_cancel) = (nudge.clone(), cancel.clone());
        let join = tokio::spawn(async move {
            ws.push_loop(&task_nudge, &task_cancel, &status_tx).await;
            status_tx.send_replace(PushStatus::Stopped);
        });
        PushLoop { nudge, cancel, status, join }
    }

    async fn push_loop(
        &self,
        nudge: &Notify,
        cancel: &CancellationToken,
        status: &watch::Sender<PushStatus>,
    ) {
        let options = &self.options;
        let mut attempt = 0u32;
        let mut last_renew: Option<tokio::time::Instant> = None;
        while !cancel.is_cancelled() {
            if last_renew.is_none_or(|t| t.elapsed() >= options.renew_every)
                && self.client.is_signed_in()
            {
                match self.renew_leases().await {
                    Ok(_) => last_renew = Some(tokio::time::Instant::now()),
                    Err(SyncError::AccountRevoked) => {
                        status.send_replace(PushStatus::Revoked);
                        return;
                    }
                    Err(e) => tracing::debug!(error = %e, "lease renewal failed"),
                }
            }
            status.send_replace(PushStatus::Pushing);
            let wait = match self.push_now().await {
                Ok(_) => {
                    // The hub answered (this push, or the renewal before it): note it in the
                    // vault for the maximum-offline rule. A locked vault notes it later.
                    if let Err(e) = self.record_contact() {
                        tracing::debug!(error = %e, "last contact not recorded");
                    }
                    attempt = 0;
                    status.send_replace(PushStatus::Idle);
                    options.idle_poll
                }
                Err(SyncError::AccountRevoked) => {
                    status.send_replace(PushStatus::Revoked);
                    return;
                }
                Err(SyncError::Vault(VaultError::Wiped)) => return,
                Err(SyncError::Unauthorized) => {
                    status.send_replace(PushStatus::SignedOut);
                    options.idle_poll
                }
                Err(SyncError::Vault(VaultError::Locked)) => {
                    status.send_replace(PushStatus::Idle);
                    options.idle_poll
                }
                Err(e) => {
                    attempt += 1;
                    tracing::info!(error = %e, attempt, "push failed; backing off");
                    status.send_replace(PushStatus::Retrying { attempt });
                    options.backoff.delay(attempt)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = nudge.notified() => {}
                _ = cancel.cancelled() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::Backoff;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_ceiling() {
        let b = Backoff { base: Duration::from_secs(1), ceiling: Duration::from_secs(300) };
        // (attempt, un-jittered delay): the delay lies in its upper half.
        for (attempt, full) in [(1, 1), (2, 2), (3, 4), (9, 256), (10, 300), (40, 300)] {
            for _ in 0..50 {
                let d = b.delay(attempt);
                let full = Duration::from_secs(full);
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
            }
        }
    }

    #[test]
    fn rule_codes_are_the_wire_codes() {
        assert_eq!(super::rule_code(&kyc_model::DecisionError::NoReason), "no_reason");
        assert_eq!(super::rule_code(&kyc_model::DecisionError::ConsentMissing), "consent_missing");
    }
}
