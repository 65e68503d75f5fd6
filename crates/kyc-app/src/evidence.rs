//! The supervisor's look at a case's evidence: the case opened from the hub
//! (`GET supervisor/cases/{id}`), its media downloaded for this view, the renditions made as a
//! reviewer's pull makes them (watermarked with the supervisor's id, the case and the open
//! time), and the masked case view built with [`crate::mask`] — the same masking and check
//! explanations a reviewer sees.
//!
//! **Memory only.** The payload and the renditions are held in this process's memory for the
//! one open case (never the vault, never a file) and served through the `media://` scheme with
//! the vault's rules (validated ids, unknown → 404, `no-store`). They are released when the
//! case pane closes, another case opens, the desk locks, signs out or quits; media bytes are
//! zeroed on release.
//!
//! **Reveal.** A supervisor's reveal shows one value from the held payload and is recorded on
//! the hub at once (`field_revealed` with the reason, pushed online: a supervisor keeps no
//! outbox); the value is answered only once the hub has it. The trail of the open case gets
//! the reveal's line from the hub's acknowledgement.

use std::collections::HashMap;

use kyc_model::{Case, CaseId, MediaId};
use kyc_proto::{AuditBatch, AuditEventIn, AuditEventKind, AuditEventStatus, CaseHistory};
use kyc_vault::{ContentType, MediaSource, Variant};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::desk::{Desk, guard};
use crate::error::AppError;
use crate::ipc::{AuditLine, CaseView, Lang, QueueState};
use crate::mask::{self, StoredMedia};
use crate::media::{MediaResponse, answer, parse_path};

/// One rendition held for the open case.
struct HeldMedia {
    content_type: ContentType,
    bytes: Zeroizing<Vec<u8>>,
}

/// What a supervisor's open case holds in memory.
pub(crate) struct Evidence {
    case_id: CaseId,
    case: Case,
    media: HashMap<(MediaId, Variant), HeldMedia>,
    /// The case's audit trail as opened, with this view's reveals appended.
    trail: Vec<AuditLine>,
}

impl Evidence {
    /// What the view says of one medium: its type and the variants held.
    fn stored(&self, id: &MediaId) -> Option<StoredMedia> {
        let mut variants = Vec::new();
        let mut content_type = None;
        for variant in [Variant::Display, Variant::Thumbnail, Variant::Original] {
            if let Some(m) = self.media.get(&(id.clone(), variant)) {
                content_type.get_or_insert(m.content_type.mime().to_owned());
                variants.push(variant.code().to_owned());
            }
        }
        Some(StoredMedia { content_type: content_type?, variants })
    }
}

impl Desk {
    /// Downloads and renders the evidence of an opened case, holds it for this view (in
    /// place of any other case's), and returns the masked view; `None` once retention purged
    /// the case. `trail` is the case's audit trail as opened.
    pub(crate) async fn hold_evidence(
        &self,
        history: &CaseHistory,
        trail: Vec<AuditLine>,
        lang: Lang,
    ) -> Result<Option<CaseView>, AppError> {
        self.release_evidence();
        let Some(case) = history.case.clone() else { return Ok(None) };
        let (ws, _, me) = self.supervisor_session()?;
        let opened_at = OffsetDateTime::now_utc();
        let inputs = ws
            .audit_evidence(&history.case_id, &history.media, opened_at)
            .await
            .map_err(|e| self.online(e))?;
        let mut media = HashMap::new();
        for input in inputs {
            let MediaSource::Bytes(bytes) = input.source else { continue };
            media.insert(
                (input.id, input.variant),
                HeldMedia { content_type: input.content_type, bytes: Zeroizing::new(bytes) },
            );
        }
        let evidence = Evidence { case_id: history.case_id.clone(), case, media, trail };
        let view = mask::case_view(&evidence.case, QueueState::Decided, 0, lang, me, |id| {
            evidence.stored(id)
        });
        // Locked or signed out while the media came: nothing is kept.
        self.supervisor_session()?;
        tracing::info!(
            case = %evidence.case_id,
            media = evidence.media.len(),
            "supervisor evidence held in memory"
        );
        *guard(&self.evidence) = Some(evidence);
        Ok(Some(view))
    }

    /// Releases the open case's evidence (the pane closed, the desk locks or signs out).
    pub fn release_evidence(&self) {
        if let Some(evidence) = guard(&self.evidence).take() {
            tracing::debug!(case = %evidence.case_id, "supervisor evidence released");
        }
    }

    /// The case pane closed: its evidence is released (nothing when another case is held).
    pub fn supervisor_close_case(&self, case_id: &str) {
        let mut held = guard(&self.evidence);
        if held.as_ref().is_some_and(|e| e.case_id.as_str() == case_id) {
            *held = None;
        }
    }

    /// Whether a supervisor's open case is held (tests, and the media answer).
    pub fn holds_evidence(&self, case_id: &str) -> bool {
        guard(&self.evidence).as_ref().is_some_and(|e| e.case_id.as_str() == case_id)
    }

    /// The open case's masked view again, in the desk's language now (after a language
    /// change: check explanations are rendered in it); `not_found` when it is not held.
    pub fn supervisor_evidence(&self, case_id: &str) -> Result<CaseView, AppError> {
        let (_, _, me) = self.supervisor_session()?;
        let lang = self.lang();
        let held = guard(&self.evidence);
        let evidence = held
            .as_ref()
            .filter(|e| e.case_id.as_str() == case_id)
            .ok_or_else(|| AppError::not_found("case"))?;
        Ok(mask::case_view(&evidence.case, QueueState::Decided, 0, lang, me, |id| {
            evidence.stored(id)
        }))
    }

    /// The open case's audit trail with this view's reveals; `not_found` for another case.
    pub fn supervisor_trail(&self, case_id: &str) -> Result<Vec<AuditLine>, AppError> {
        guard(&self.evidence)
            .as_ref()
            .filter(|e| e.case_id.as_str() == case_id)
            .map(|e| e.trail.clone())
            .ok_or_else(|| AppError::not_found("case"))
    }

    /// A `media://` answer from the held evidence, or `None` when the id is not one of the
    /// open case's (the caller then answers from the vault, or 404).
    pub(crate) fn evidence_media(&self, path: &str, range: Option<&str>) -> Option<MediaResponse> {
        let (id, variant) = parse_path(path)?;
        let held = guard(&self.evidence);
        let m = held.as_ref()?.media.get(&(id, variant))?;
        Some(answer(m.content_type.mime(), m.bytes.len() as u64, range, |part| {
            Some(match part {
                None => m.bytes.to_vec(),
                Some(r) => m.bytes[r.start as usize..r.end as usize].to_vec(),
            })
        }))
    }

    /// A supervisor's reveal of a field of the open case: `None` when the case is not the
    /// held one (a reviewer's reveal then). The `field_revealed` event with the reason is
    /// recorded on the hub first; the value is answered only once the hub has it.
    pub(crate) async fn supervisor_reveal(
        &self,
        case_id: &CaseId,
        field: &str,
        reason: &str,
        lang: Lang,
    ) -> Option<Result<String, AppError>> {
        let value = {
            let held = guard(&self.evidence);
            let evidence = held.as_ref().filter(|e| &e.case_id == case_id)?;
            mask::reveal_value(&evidence.case, field, lang)
        };
        Some(self.record_reveal(case_id, field, reason, value).await)
    }

    async fn record_reveal(
        &self,
        case_id: &CaseId,
        field: &str,
        reason: &str,
        value: Option<String>,
    ) -> Result<String, AppError> {
        let value = value.ok_or_else(|| AppError::not_found("field"))?;
        let (ws, _, me) = self.supervisor_session()?;
        let at = OffsetDateTime::now_utc();
        let kind =
            AuditEventKind::FieldRevealed { field: field.to_owned(), reason: reason.to_owned() };
        let key = kyc_proto::IdempotencyKey::parse(&kyc_model::ids::random_token())
            .map_err(|_| AppError::internal("idempotency key"))?;
        let batch = AuditBatch {
            events: vec![AuditEventIn { idempotency_key: key, case_id: case_id.clone(), kind, at }],
        };
        let ack = ws.client().push_audit(&batch).await.map_err(|e| {
            self.online_only(
                e,
                "A supervisor's reveal is recorded on the hub at once, which cannot be reached now.",
            )
        })?;
        let result = ack.results.first();
        let seq = match result {
            Some(r) if r.status != AuditEventStatus::KeyReused => r.seq,
            _ => return Err(AppError::internal("the hub did not record the reveal")),
        };
        tracing::info!(case = %case_id, seq = seq.unwrap_or_default(), "supervisor reveal recorded");
        if let Some(e) = guard(&self.evidence).as_mut().filter(|e| &e.case_id == case_id) {
            e.trail.push(AuditLine {
                seq: seq.unwrap_or_default(),
                at: crate::supervise::rfc3339(at),
                actor: Some(me),
                what: "client".to_owned(),
                event: Some("field_revealed".to_owned()),
                field: Some(field.to_owned()),
                reason: Some(reason.to_owned()),
            });
        }
        Ok(value)
    }
}
