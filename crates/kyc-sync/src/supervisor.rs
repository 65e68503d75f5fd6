//! The supervisor's calls to the hub: decisions, a case's history, verdicts, the audit chain,
//! the escalation and dispute queues, QA samples. Online only: nothing here is kept on the
//! machine.

use kyc_model::CaseId;
use kyc_proto::{
    AuditVerifyQuery, AuditVerifyReport, CaseHistory, ChainHead, DecisionPage, DecisionQuery,
    DecisionResult, DisputeList, EscalationDecision, EscalationList, SampleIndex, SampleList,
    SampleRequest, StatsQuery, StatsResponse, VerdictRequest, VerdictResponse, routes,
};
use reqwest::Method;

use crate::client::HubClient;
use crate::error::SyncError;

impl HubClient {
    /// One page of decisions matching `query` (filtered, sorted and paged by the hub).
    pub async fn supervisor_decisions(
        &self,
        query: &DecisionQuery,
    ) -> Result<DecisionPage, SyncError> {
        self.get_query(routes::SUPERVISOR_DECISIONS, query).await
    }

    /// A case's payload, media manifests, decisions and audit records. The hub records the
    /// open in the audit chain.
    pub async fn supervisor_case(&self, case_id: &CaseId) -> Result<CaseHistory, SyncError> {
        self.call::<(), CaseHistory>(Method::GET, &routes::supervisor_case(case_id), None).await
    }

    /// Agrees with or overturns a decision.
    pub async fn give_verdict(
        &self,
        verdict: &VerdictRequest,
    ) -> Result<VerdictResponse, SyncError> {
        self.call(Method::POST, routes::SUPERVISOR_VERDICTS, Some(verdict)).await
    }

    /// Asks the hub to verify its audit chain and, given an earlier head, whether the chain
    /// still extends it.
    pub async fn audit_verify(
        &self,
        since: Option<&ChainHead>,
    ) -> Result<AuditVerifyReport, SyncError> {
        let query = AuditVerifyQuery {
            since_seq: since.map(|h| h.seq),
            since_hash: since.map(|h| h.hash.clone()),
        };
        self.get_query(routes::AUDIT_VERIFY, &query).await
    }

    // ----- the supervisors' queues and QA samples -----

    /// The supervisors' queue: escalated cases, longest-waiting first.
    pub async fn supervisor_escalations(&self) -> Result<EscalationList, SyncError> {
        self.call::<(), EscalationList>(Method::GET, routes::SUPERVISOR_ESCALATIONS, None).await
    }

    /// Decides an escalated case (once per idempotency key: a retry answers `duplicate`).
    pub async fn decide_escalation(
        &self,
        case_id: &CaseId,
        decision: &EscalationDecision,
    ) -> Result<DecisionResult, SyncError> {
        let path = routes::supervisor_escalation_decision(case_id);
        self.call(Method::POST, &path, Some(decision)).await
    }

    /// Double reviews whose two slots disagreed, longest-waiting first.
    pub async fn supervisor_disputes(&self) -> Result<DisputeList, SyncError> {
        self.call::<(), DisputeList>(Method::GET, routes::SUPERVISOR_DISPUTES, None).await
    }

    /// Resolves a disputed double review with the case's outcome (once per idempotency key).
    pub async fn resolve_dispute(
        &self,
        case_id: &CaseId,
        decision: &EscalationDecision,
    ) -> Result<DecisionResult, SyncError> {
        let path = routes::supervisor_dispute_decision(case_id);
        self.call(Method::POST, &path, Some(decision)).await
    }

    /// Every QA review list, newest first.
    pub async fn supervisor_samples(&self) -> Result<SampleIndex, SyncError> {
        self.call::<(), SampleIndex>(Method::GET, routes::SUPERVISOR_SAMPLES, None).await
    }

    /// One review list with its members and progress.
    pub async fn supervisor_sample(&self, sample_id: &str) -> Result<SampleList, SyncError> {
        self.call::<(), SampleList>(Method::GET, &routes::supervisor_sample(sample_id), None).await
    }

    /// Draws a named review list.
    pub async fn create_sample(&self, request: &SampleRequest) -> Result<SampleList, SyncError> {
        self.call(Method::POST, routes::SUPERVISOR_SAMPLES, Some(request)).await
    }
}

/// Longest statistics CSV the client accepts (ids, codes and numbers only).
const MAX_STATS_CSV: usize = 8 * 1024 * 1024;

impl HubClient {
    /// The statistics over `query`'s range, per reviewer and in total.
    pub async fn supervisor_stats(&self, query: &StatsQuery) -> Result<StatsResponse, SyncError> {
        self.get_query(routes::SUPERVISOR_STATS, query).await
    }

    /// The same figures as CSV (`reviewer,day,metric,value`), never case content.
    pub async fn supervisor_stats_csv(&self, query: &StatsQuery) -> Result<String, SyncError> {
        self.get_query_text(routes::SUPERVISOR_STATS_CSV, query, MAX_STATS_CSV).await
    }
}

impl crate::Workstation {
    /// A supervisor's look at a decided case's evidence: downloads its media (the hub audits
    /// each download) and makes the renditions a reviewer's pull makes — display and
    /// thumbnail for an image, watermarked with the signed-in supervisor's id, the case and
    /// `opened_at`; a video's digest-verified original after its container check. Everything stays
    /// in memory: nothing goes to the vault or to disk. A medium that fails its checks is
    /// left out (logged by id), the others still come.
    pub async fn audit_evidence(
        &self,
        case_id: &CaseId,
        media: &[kyc_proto::MediaManifest],
        opened_at: time::OffsetDateTime,
    ) -> Result<Vec<kyc_vault::MediaInput>, SyncError> {
        let user = self.session().ok_or(SyncError::Unauthorized)?.user;
        let watermark =
            kyc_media::Watermark { reviewer: user, case_ref: case_id.to_string(), at: opened_at };
        let mut out = Vec::new();
        for manifest in media {
            let bytes = match self.client.media(manifest, &|_: u64| {}).await {
                Ok(bytes) => bytes,
                Err(SyncError::Integrity { media }) => {
                    tracing::warn!(media = %media, "audited medium failed its size check");
                    continue;
                }
                Err(e) => return Err(e),
            };
            let (limits, mark, manifest) =
                (self.options.media_limits, watermark.clone(), manifest.clone());
            let id = manifest.id.clone();
            let prepared = tokio::task::spawn_blocking(move || {
                crate::pull::prepare(vec![(manifest, bytes)], &limits, &mark)
            })
            .await
            .map_err(|_| SyncError::Protocol { what: "rendition task panicked" })?;
            match prepared {
                Ok(p) => out.extend(p.inputs),
                Err(reason) => tracing::warn!(media = %id, %reason, "audited medium left out"),
            }
        }
        Ok(out)
    }
}
