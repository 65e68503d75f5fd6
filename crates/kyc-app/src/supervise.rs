//! Supervisor mode: the decisions table, a case's decisions and audit trail, verdicts, and the
//! audit-chain check. Online only — every answer comes from the hub and nothing of it is kept
//! on the machine but the last audit-chain head this account saw (an id and a hash, in the
//! account's settings file), which the next check compares against so a rewritten or
//! truncated chain cannot pass as intact.

use kyc_model::{CaseId, CaseKind, Decision, Outcome, ReasonCode, UserId};
use kyc_proto::{
    AnchorCheck, AuditRecord, AuditRecordKind, ChainHead, ConflictReason, DecisionQuery,
    DecisionRecord, DecisionSort, DecisionStatus, EscalationDecision, IdempotencyKey,
    OutcomeCode as WireOutcome, SampleList, SampleRequest, SampleSummary, VerdictKind,
    VerdictRequest, VerdictState,
};
use kyc_sync::SyncError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::ipc::{
    AuditCheck, AuditLine, AuditedCase, CorrectionInput, DecisionFilter, DecisionInput,
    DecisionRow, DecisionsPage, DisputeRow, EscalationRow, Lang, OutcomeCode, QueueDecided,
    SampleDetail, SampleInput, SampleMemberRow, SampleRow, SampleStratumRow, SlotRow, VerdictInput,
    VerdictResult,
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
            reviewer: filter.reviewer.as_deref().map(parse_reviewer).transpose()?,
            kind: filter.kind.as_deref().map(parse_kind).transpose()?,
            from: filter.from.as_deref().map(|t| parse_time(t, "from")).transpose()?,
            to: filter.to.as_deref().map(|t| parse_time(t, "to")).transpose()?,
            sort: filter.sort.as_deref().map(parse_sort).transpose()?,
            limit: Some(PAGE_SIZE),
            offset: filter.offset,
            ..DecisionQuery::default()
        };
        if let (Some(from), Some(to)) = (query.from, query.to)
            && to <= from
        {
            return Err(AppError::new(ErrorCode::Invalid, "The time range ends before it starts."));
        }
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
        let mut resubmittable: Vec<String> = history
            .case
            .iter()
            .flat_map(|c| c.documents.iter().map(|d| crate::mask::code_of(&d.kind)))
            .collect();
        resubmittable.dedup();
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
            overturn_action: history.overturn_action.code().to_owned(),
            resubmittable,
            consent_given: history
                .case
                .as_ref()
                .and_then(|c| c.consent.as_ref())
                .is_some_and(|c| c.permits_approval()),
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
        if input.agree && input.corrected.is_some() {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "A corrected outcome goes with an overturn only.",
            ));
        }
        let corrected = input.corrected.as_ref().map(correction_outcome).transpose()?;
        let request = VerdictRequest {
            decision_id: input.decision_id,
            verdict: if input.agree { VerdictKind::Agree } else { VerdictKind::Overturn },
            note,
            corrected,
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
            correction_id: answer.correction_id,
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

    /// The audit-chain head this account remembers from its last good check (`seq:hash`),
    /// to copy for safekeeping elsewhere; none before the first check.
    pub async fn audit_head(&self) -> Result<Option<String>, AppError> {
        let (_, account_dir, _) = self.supervisor_session()?;
        let head = tokio::task::spawn_blocking(move || Settings::load(&account_dir).audit_head)
            .await
            .map_err(|_| AppError::new(ErrorCode::Internal, "The settings could not be read."))?;
        Ok(head.map(|h| format!("{}:{}", h.seq, h.hash)))
    }

    // ----- the supervisors' queues: escalations and disputes -----

    /// The supervisors' queue: escalated cases, longest-waiting first.
    pub async fn supervisor_escalations(&self) -> Result<Vec<EscalationRow>, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let list = ws.client().supervisor_escalations().await.map_err(|e| self.online(e))?;
        Ok(list
            .cases
            .iter()
            .map(|c| EscalationRow {
                case_id: c.case_id.as_str().to_owned(),
                kind: c.kind.code().to_owned(),
                decision_id: c.decision_id,
                escalated_by: c.escalated_by.as_str().to_owned(),
                escalated_at: rfc3339(c.escalated_at),
                waiting_secs: c.waiting_secs,
            })
            .collect())
    }

    /// Decides the escalated case of queue entry `entry` (the escalation's decision number) as
    /// a reviewer would. The idempotency key is made of the entry and the supervisor, so a
    /// retry after a lost answer is recorded once (`duplicate`), and a case decided meanwhile
    /// is a `conflict`.
    pub async fn decide_escalation(
        &self,
        entry: i64,
        input: DecisionInput,
    ) -> Result<QueueDecided, AppError> {
        let (ws, _, me) = self.supervisor_session()?;
        let (case_id, request) = self.queue_request("esc", entry, &me, &input)?;
        let answer =
            ws.client().decide_escalation(&case_id, &request).await.map_err(|e| self.online(e))?;
        let decided = queue_decided(answer.status, "escalated")?;
        tracing::info!(entry, duplicate = decided.duplicate, "escalation decided");
        Ok(decided)
    }

    /// Double reviews whose two slots disagreed, longest-waiting first.
    pub async fn supervisor_disputes(&self) -> Result<Vec<DisputeRow>, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let list = ws.client().supervisor_disputes().await.map_err(|e| self.online(e))?;
        Ok(list
            .cases
            .iter()
            .map(|c| DisputeRow {
                case_id: c.case_id.as_str().to_owned(),
                kind: c.kind.code().to_owned(),
                slots: c
                    .slots
                    .iter()
                    .map(|s| SlotRow {
                        slot: s.slot,
                        decision_id: s.decision_id,
                        reviewer: s.reviewer.as_str().to_owned(),
                        outcome: s.outcome.code().to_owned(),
                    })
                    .collect(),
                disputed_at: rfc3339(c.disputed_at),
                waiting_secs: c.waiting_secs,
            })
            .collect())
    }

    /// Resolves the disputed double review of queue entry `entry` (its second slot's decision
    /// number) with the case's outcome; once, like [`Desk::decide_escalation`].
    pub async fn resolve_dispute(
        &self,
        entry: i64,
        input: DecisionInput,
    ) -> Result<QueueDecided, AppError> {
        let (ws, _, me) = self.supervisor_session()?;
        let (case_id, request) = self.queue_request("dsp", entry, &me, &input)?;
        let answer =
            ws.client().resolve_dispute(&case_id, &request).await.map_err(|e| self.online(e))?;
        let decided = queue_decided(answer.status, "disputed")?;
        tracing::info!(entry, duplicate = decided.duplicate, "dispute resolved");
        Ok(decided)
    }

    /// The request for a supervisor's decision on a queue entry: the one sent before when this
    /// is a retry of the same decision (same outcome and note), byte for byte, so the hub
    /// answers `duplicate` if the first one arrived; a new one otherwise.
    fn queue_request(
        &self,
        path: &str,
        entry: i64,
        me: &str,
        input: &DecisionInput,
    ) -> Result<(CaseId, EscalationDecision), AppError> {
        let (case_id, fresh) = queue_decision(path, entry, me, input)?;
        let mut sent = crate::desk::guard(&self.queue_sent);
        let key = fresh.idempotency_key.as_str().to_owned();
        let same = |d: &Decision| {
            d.case_id == fresh.decision.case_id
                && d.outcome == fresh.decision.outcome
                && d.note == fresh.decision.note
        };
        match sent.get(&key) {
            Some(prior) if same(&prior.decision) => Ok((case_id, prior.clone())),
            _ => {
                sent.insert(key, fresh.clone());
                Ok((case_id, fresh))
            }
        }
    }

    // ----- QA samples -----

    /// Every review list with its progress, newest first.
    pub async fn supervisor_samples(&self) -> Result<Vec<SampleRow>, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let index = ws.client().supervisor_samples().await.map_err(|e| self.online(e))?;
        Ok(index.samples.iter().map(sample_row).collect())
    }

    /// One review list: its strata and members with their verdicts.
    pub async fn supervisor_sample(&self, sample_id: &str) -> Result<SampleDetail, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        kyc_model::ids::validate_id(sample_id).map_err(|_| AppError::not_found("review list"))?;
        let list = ws.client().supervisor_sample(sample_id).await.map_err(|e| self.online(e))?;
        Ok(sample_detail(&list))
    }

    /// Draws a named review list on the hub (reproducibly: the seed is stored with it).
    pub async fn create_sample(&self, input: SampleInput) -> Result<SampleDetail, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let name = input.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::new(ErrorCode::Invalid, "The name must be 1 to 100 characters."));
        }
        if !(1..=100).contains(&input.percent) {
            return Err(AppError::new(ErrorCode::Invalid, "The share must be 1 to 100 %."));
        }
        let from = parse_time(&input.from, "from")?;
        let to = parse_time(&input.to, "to")?;
        if to <= from {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "The time window ends before it starts.",
            ));
        }
        let seed = input.seed.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        if seed.as_deref().is_some_and(|s| kyc_model::ids::validate_id(s).is_err()) {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "The seed must be 1 to 64 of A-Z a-z 0-9 _ -.",
            ));
        }
        let request = SampleRequest { name, percent: input.percent, from, to, seed };
        let list = ws.client().create_sample(&request).await.map_err(|e| self.online(e))?;
        tracing::info!(size = list.summary.size, "sample drawn");
        Ok(sample_detail(&list))
    }

    /// Supervisor mode is online only: an unreachable hub says so plainly.
    pub(crate) fn online(&self, e: SyncError) -> AppError {
        self.online_only(e, "Supervisor mode needs the hub, which cannot be reached now.")
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

fn parse_reviewer(id: &str) -> Result<UserId, AppError> {
    UserId::parse(id).map_err(|_| AppError::new(ErrorCode::Invalid, "Unknown reviewer filter."))
}

fn parse_kind(code: &str) -> Result<CaseKind, AppError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|_| AppError::new(ErrorCode::Invalid, "Unknown case kind filter."))
}

fn parse_sort(code: &str) -> Result<DecisionSort, AppError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|_| AppError::new(ErrorCode::Invalid, "Unknown sort order."))
}

/// An RFC 3339 time; the error names the field, never the text.
fn parse_time(text: &str, field: &str) -> Result<OffsetDateTime, AppError> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| {
        AppError::new(
            ErrorCode::Invalid,
            format!("The time '{field}' is not a valid date and time."),
        )
    })
}

/// The outcome of a supervisor's correction (never an escalation).
fn correction_outcome(c: &CorrectionInput) -> Result<Outcome, AppError> {
    let input = DecisionInput {
        case_id: String::new(),
        outcome: c.outcome,
        reasons: c.reasons.clone(),
        documents: c.documents.clone(),
        note: None,
        applicant_text: None,
    };
    supervisor_outcome(&input)
}

/// A supervisor's outcome: the reviewer's catalogue, but no escalation (supervisors are where
/// escalations end).
fn supervisor_outcome(input: &DecisionInput) -> Result<Outcome, AppError> {
    if input.outcome == OutcomeCode::Escalate {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "A supervisor decides; there is no one to escalate to.",
        ));
    }
    let outcome = crate::desk::outcome_of(input)?;
    match &outcome {
        Outcome::Reject { reasons } if reasons.is_empty() => {
            Err(AppError::new(ErrorCode::Invalid, "A rejection needs at least one reason."))
        }
        Outcome::RequestResubmission { documents, .. } if documents.is_empty() => {
            Err(AppError::new(
                ErrorCode::Invalid,
                "A resubmission request needs at least one document.",
            ))
        }
        _ => Ok(outcome),
    }
}

/// The hub request for a supervisor's decision on queue entry `entry`: the key is the path
/// (`esc` / `dsp`), the entry and the supervisor, the same for every retry of that decision.
fn queue_decision(
    path: &str,
    entry: i64,
    me: &str,
    input: &DecisionInput,
) -> Result<(CaseId, EscalationDecision), AppError> {
    let case_id = CaseId::parse(&input.case_id).map_err(|_| AppError::not_found("case"))?;
    if entry < 1 {
        return Err(AppError::not_found("queue entry"));
    }
    let outcome = supervisor_outcome(input)?;
    let note = input.note.as_ref().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_CHARS) {
        return Err(AppError::new(
            ErrorCode::Invalid,
            format!("The note is longer than {NOTE_CHARS} characters."),
        ));
    }
    let key = IdempotencyKey::parse(&format!("sup-{path}-{entry}-{me}"))
        .map_err(|_| AppError::internal("queue decision key"))?;
    let decision = Decision {
        case_id: case_id.clone(),
        outcome,
        note,
        decided_at: OffsetDateTime::now_utc(),
        active_ms: None,
        applicant_text: None,
    };
    Ok((case_id, EscalationDecision { idempotency_key: key, decision }))
}

/// A queue decision's answer: recorded (now or before), or why not.
fn queue_decided(status: DecisionStatus, waiting: &str) -> Result<QueueDecided, AppError> {
    match status {
        DecisionStatus::Accepted { decision_id, case_state, .. } => Ok(QueueDecided {
            decision_id,
            case_state: case_state.code().to_owned(),
            duplicate: false,
        }),
        DecisionStatus::Duplicate { decision_id, case_state, .. } => Ok(QueueDecided {
            decision_id,
            case_state: case_state.code().to_owned(),
            duplicate: true,
        }),
        DecisionStatus::Conflict { reason: ConflictReason::KeyReused } => Err(AppError::new(
            ErrorCode::Conflict,
            "You decided this case differently before and the hub has that decision; reload the queue.",
        )),
        DecisionStatus::Conflict { reason } => Err(AppError::new(
            ErrorCode::Conflict,
            format!(
                "This case is no longer {waiting} ({}): someone decided it already.",
                reason.code()
            ),
        )),
        DecisionStatus::Invalid { rule } => {
            Err(AppError::new(ErrorCode::Invalid, format!("The hub refused the decision: {rule}.")))
        }
    }
}

fn sample_row(s: &SampleSummary) -> SampleRow {
    SampleRow {
        sample_id: s.sample_id.clone(),
        name: s.name.clone(),
        percent: s.percent,
        from: rfc3339(s.from),
        to: rfc3339(s.to),
        seed: s.seed.clone(),
        created_by: s.created_by.as_str().to_owned(),
        created_at: rfc3339(s.created_at),
        size: s.size,
        judged: s.judged,
    }
}

fn sample_detail(list: &SampleList) -> SampleDetail {
    SampleDetail {
        summary: sample_row(&list.summary),
        strata: list
            .strata
            .iter()
            .map(|s| SampleStratumRow {
                reviewer: s.reviewer.as_str().to_owned(),
                kind: s.kind.code().to_owned(),
                eligible: s.eligible,
                drawn: s.drawn,
            })
            .collect(),
        members: list
            .members
            .iter()
            .map(|m| SampleMemberRow {
                decision_id: m.decision_id,
                case_id: m.case_id.as_str().to_owned(),
                kind: m.kind.code().to_owned(),
                reviewer: m.reviewer.as_str().to_owned(),
                verdict: m.verdict.map(|v| v.code().to_owned()),
            })
            .collect(),
    }
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
        supersedes: d.supersedes,
        superseded_by: d.superseded_by,
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

/// A hub time as the UI reads it.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
