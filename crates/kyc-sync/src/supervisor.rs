//! The supervisor's calls to the hub: decisions, a case's history, verdicts, the audit chain,
//! the escalation and dispute queues, QA samples. Online only: nothing here is kept on the
//! machine.

use kyc_model::CaseId;
use kyc_proto::{
    AuditVerifyQuery, AuditVerifyReport, CaseHistory, ChainHead, DecisionPage, DecisionQuery,
    DecisionResult, DisputeList, EscalationDecision, EscalationList, SampleIndex, SampleList,
    SampleRequest, VerdictRequest, VerdictResponse, routes,
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
