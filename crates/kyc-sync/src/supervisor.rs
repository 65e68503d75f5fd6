//! The supervisor's calls to the hub: decisions, a case's history, verdicts, the audit chain.
//! Online only: nothing here is kept on the machine.

use kyc_model::CaseId;
use kyc_proto::{
    AuditVerifyQuery, AuditVerifyReport, CaseHistory, ChainHead, DecisionPage, DecisionQuery,
    VerdictRequest, VerdictResponse, routes,
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
}
