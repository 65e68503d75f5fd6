//! Supervisor mode: the decisions table, a case's decisions and audit trail, verdicts, and the
//! audit-chain check. Online only — every answer comes from the hub and nothing of it is kept
//! on the machine but the last audit-chain head this account saw (an id and a hash, in the
//! account's settings file), which the next check compares against so a rewritten or
//! truncated chain cannot pass as intact.

use kyc_model::{CaseId, Outcome, ReasonCode};
use kyc_proto::{
    AnchorCheck, AuditRecord, AuditRecordKind, ChainHead, DecisionQuery, DecisionRecord,
    OutcomeCode as WireOutcome, VerdictKind, VerdictRequest, VerdictState,
};
use kyc_sync::SyncError;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::ipc::{
    AuditCheck, AuditLine, AuditedCase, DecisionFilter, DecisionRow, DecisionsPage, Lang,
    VerdictInput, VerdictResult,
};
use crate::settings::Settings;

/// Rows per page of the decisions table.
pub const PAGE_SIZE: u32 = 50;
/// Longest verdict note the hub accepts.
const NOTE_CHARS: usize = 2000;

impl Desk {
    /// One page of decisions, filtered, sorted (waiting for four-eyes first) and paged by
    /// the hub.
    pub async fn supervisor_decisions(
        &self,
        filter: DecisionFilter,
    ) -> Result<DecisionsPage, AppError> {
        let (ws, _, me) = self.supervisor_session()?;
        let query = DecisionQuery {
            outcome: filter.outcome.as_deref().map(parse_outcome).transpose()?,
            waiting: filter.waiting,
            verdict: filter.verdict.as_deref().map(parse_verdict).transpose()?,
            limit: Some(PAGE_SIZE),
            offset: filter.offset,
            ..DecisionQuery::default()
        };
        let page = ws.client().supervisor_decisions(&query).await.map_err(|e| self.online(e))?;
        let lang = self.lang();
        Ok(DecisionsPage {
            rows: page.items.iter().map(|d| row(d, &me, lang)).collect(),
            total: page.total,
            next_offset: page.next_offset,
        })
    }

    /// A case's decisions, notes and audit trail (no evidence: see
    /// [`Desk::supervisor_open_evidence`]). The hub records the open in its audit chain.
    pub async fn supervisor_case(&self, case_id: &str) -> Result<AuditedCase, AppError> {
        self.audited_case(case_id, false).await
    }

    /// [`Desk::supervisor_case`] with its evidence: the media downloaded and held in memory
    /// for this view (see [`crate::evidence`]), in place of any other case's.
    pub async fn supervisor_open_evidence(&self, case_id: &str) -> Result<AuditedCase, AppError> {
        self.audited_case(case_id, true).await
    }

    async fn audited_case(&self, case_id: &str, evidence: bool) -> Result<AuditedCase, AppError> {
        let (ws, _, me) = self.supervisor_session()?;
        let id = CaseId::parse(case_id).map_err(|_| AppError::not_found("case"))?;
        self.release_evidence();
        let history = ws.client().supervisor_case(&id).await.map_err(|e| self.online(e))?;
        let lang = self.lang();
        let audit: Vec<AuditLine> = history.audit.iter().map(audit_line).collect();
        let evidence = match evidence {
            true => self.hold_evidence(&history, audit.clone(), lang).await?,
            false => None,
        };
        Ok(AuditedCase {
            case_id: history.case_id.as_str().to_owned(),
            kind: history.kind.code().to_owned(),
            state: history.state.code().to_owned(),
            decisions: history.decisions.iter().map(|d| row(d, &me, lang)).collect(),
            audit,
            notes: history.decisions.iter().map(decision_note).collect(),
            evidence,
        })
    }

    /// Agrees with (confirms) or overturns a decision. An overturn needs a note; what it does
    /// to the case (requeue, or a correction) is the hub's policy for the case's kind.
    pub async fn give_verdict(&self, input: VerdictInput) -> Result<VerdictResult, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let note = input.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if !input.agree && note.is_none() {
            return Err(AppError::new(ErrorCode::Invalid, "An overturn needs a note."));
        }
        if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_CHARS) {
            return Err(AppError::new(
                ErrorCode::Invalid,
                format!("The note is longer than {NOTE_CHARS} characters."),
            ));
        }
        let request = VerdictRequest {
            decision_id: input.decision_id,
            verdict: if input.agree { VerdictKind::Agree } else { VerdictKind::Overturn },
            note,
            corrected: None,
        };
        let answer = ws.client().give_verdict(&request).await.map_err(|e| self.online(e))?;
        tracing::info!(
            decision = input.decision_id,
            verdict = request.verdict.code(),
            state = answer.case_state.code(),
            "verdict given"
        );
        Ok(VerdictResult {
            case_state: answer.case_state.code().to_owned(),
            action: answer.action.map(|a| a.code().to_owned()),
        })
    }

    /// Asks the hub to verify its audit chain, checks that it extends the head this account
    /// saw last, and remembers the new head.
    pub async fn verify_audit(&self) -> Result<AuditCheck, AppError> {
        let (ws, account_dir, _) = self.supervisor_session()?;
        let dir = account_dir.clone();
        let previous =
            tokio::task::spawn_blocking(move || Settings::load(&dir).audit_head).await.map_err(
                |_| AppError::new(ErrorCode::Internal, "The settings could not be read."),
            )?;
        let report =
            ws.client().audit_verify(previous.as_ref()).await.map_err(|e| self.online(e))?;
        let against_previous = report.anchor.map(|a| {
            match a {
                AnchorCheck::Extends => "extends",
                AnchorCheck::Rewritten => "rewritten",
                AnchorCheck::Truncated => "truncated",
            }
            .to_owned()
        });
        tracing::info!(
            records = report.records,
            intact = report.intact,
            against_previous = against_previous.as_deref().unwrap_or("none"),
            "audit chain checked"
        );
        // Only a chain that verifies and extends what was seen becomes the new reference: a
        // broken one must keep failing against the old head at the next check.
        let keep = report.intact && report.anchor.is_none_or(|a| a == AnchorCheck::Extends);
        if keep && let Some(head) = report.head.clone() {
            tokio::task::spawn_blocking(move || {
                Settings::update(&account_dir, |s| s.audit_head = Some(head))
            })
            .await
            .map_err(|_| AppError::new(ErrorCode::Internal, "The settings could not be saved."))?
            .map_err(|_| AppError::new(ErrorCode::Internal, "The settings could not be saved."))?;
        }
        Ok(AuditCheck {
            records: report.records,
            intact: report.intact,
            verified_through: report.verified_through,
            first_broken_seq: report.first_broken_seq,
            previous_head_seq: previous.map(|h| h.seq),
            against_previous,
            head: report.head.map(|h: ChainHead| format!("{}:{}", h.seq, h.hash)),
        })
    }

    /// Supervisor mode is online only: an unreachable hub says so plainly.
    pub(crate) fn online(&self, e: SyncError) -> AppError {
        let e = self.sync_error(e);
        if e.code == ErrorCode::HubUnreachable {
            return AppError::new(
                ErrorCode::Offline,
                "Supervisor mode needs the hub, which cannot be reached now.",
            );
        }
        e
    }
}

fn parse_outcome(code: &str) -> Result<WireOutcome, AppError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|_| AppError::new(ErrorCode::Invalid, "Unknown outcome filter."))
}

fn parse_verdict(code: &str) -> Result<VerdictState, AppError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|_| AppError::new(ErrorCode::Invalid, "Unknown verdict filter."))
}

fn reason_label(r: &ReasonCode, lang: Lang) -> String {
    match lang {
        Lang::En => r.label_en(),
        Lang::ZhCn => r.label_zh(),
    }
    .to_owned()
}

fn row(d: &DecisionRecord, me: &str, lang: Lang) -> DecisionRow {
    let reasons = match &d.decision.outcome {
        Outcome::Reject { reasons } | Outcome::RequestResubmission { reasons, .. } => {
            reasons.iter().map(|r| reason_label(r, lang)).collect()
        }
        Outcome::Approve | Outcome::Escalate => Vec::new(),
    };
    DecisionRow {
        decision_id: d.decision_id,
        case_id: d.case_id.as_str().to_owned(),
        kind: d.kind.code().to_owned(),
        reviewer: d.reviewer.as_str().to_owned(),
        own: d.reviewer.as_str() == me,
        outcome: WireOutcome::of(&d.decision.outcome).code().to_owned(),
        reasons,
        source: d.source.code().to_owned(),
        case_state: d.case_state.code().to_owned(),
        waiting_secs: d.waiting_secs,
        recorded_at: rfc3339(d.recorded_at),
        handling_secs: d.handling_secs,
        verdict: d.verdict.as_ref().map(|v| v.verdict.code().to_owned()),
        has_note: d.decision.note.as_ref().is_some_and(|n| !n.is_empty()),
    }
}

fn decision_note(d: &DecisionRecord) -> crate::ipc::DecisionNote {
    let text = |n: Option<&String>| n.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    crate::ipc::DecisionNote {
        decision_id: d.decision_id,
        note: text(d.decision.note.as_ref()),
        verdict_note: text(d.verdict.as_ref().and_then(|v| v.note.as_ref())),
    }
}

fn audit_line(r: &AuditRecord) -> AuditLine {
    // The kind's wire tag (`type`), a workstation event's own kind, and for a reveal the
    // field and the reason (the hub gives supervisors the sealed reason while it exists).
    let tagged = serde_json::to_value(&r.kind).unwrap_or_default();
    let what = tagged.get("type").and_then(|t| t.as_str()).unwrap_or("unknown").to_owned();
    let event = match &r.kind {
        AuditRecordKind::Client { .. } => tagged
            .get("event")
            .and_then(|e| e.get("type"))
            .and_then(|t| t.as_str())
            .map(str::to_owned),
        _ => None,
    };
    let (field, reason) = match &r.kind {
        AuditRecordKind::Client {
            event: kyc_proto::AuditEventKind::FieldRevealed { field, reason },
            ..
        } => (Some(field.clone()), Some(reason.clone())),
        _ => (None, None),
    };
    AuditLine {
        seq: r.seq,
        at: rfc3339(r.recorded_at),
        actor: r.actor.as_ref().map(|a| a.as_str().to_owned()),
        what,
        event,
        field,
        reason,
    }
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
