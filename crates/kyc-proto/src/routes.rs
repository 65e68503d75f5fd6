//! Route paths. Path parameters are written `{name}` (axum 0.8 syntax); use [`media`] and
//! [`supervisor_case`] to fill them in on the client side.

use kyc_model::{CaseId, MediaId, UserId};

/// `GET`: liveness, no authentication.
pub const HEALTHZ: &str = "/healthz";
/// `GET`: the OpenAPI 3.1 document, no authentication.
pub const OPENAPI: &str = "/openapi.json";

/// `POST` [`crate::PreloginRequest`] → [`crate::PreloginResponse`]: the key-derivation spec
/// to use before [`LOGIN`] (rate-limited like login).
pub const PRELOGIN: &str = "/api/v1/auth/prelogin";
/// `POST` [`crate::PasswordChangeRequest`] → [`crate::LoginResponse`] (any signed-in account):
/// change one's own password; every session of the account ends, the answer is a new one.
pub const PASSWORD: &str = "/api/v1/auth/password";
/// `PUT` [`crate::VaultRecoveryKey`] → 204: deposit the recovery key of one of the caller's
/// vaults (replacing an earlier one of that vault).
pub const VAULT_RECOVERY: &str = "/api/v1/auth/vault-recovery/{vault_id}";
/// `POST` (no body) → [`crate::VaultRecoveryKey`]: release the caller's recovery key of that
/// vault (audited); 404 for another account's vault.
pub const VAULT_RECOVERY_RELEASE: &str = "/api/v1/auth/vault-recovery/{vault_id}/release";

/// `POST` [`crate::LoginRequest`] → [`crate::LoginResponse`].
pub const LOGIN: &str = "/api/v1/auth/login";
/// `POST` (no body) → 204; the token is dead at once.
pub const LOGOUT: &str = "/api/v1/auth/logout";
/// `GET` → [`crate::Me`].
pub const ME: &str = "/api/v1/auth/me";

/// `GET` → [`crate::ClientPolicy`] (any signed-in account): the offline limits and idle-lock
/// bounds a workstation applies.
pub const POLICY_CLIENT: &str = "/api/v1/policy/client";

/// `POST` [`crate::IntakeCase`] → 201 [`crate::IntakeResponse`] (admin or service role).
pub const INTAKE: &str = "/api/v1/intake/cases";

/// `POST` [`crate::LeaseRequest`] → [`crate::LeaseGrant`] (reviewer).
pub const LEASES: &str = "/api/v1/leases";
/// `POST` [`crate::RenewRequest`] → [`crate::RenewResponse`] (reviewer).
pub const LEASES_RENEW: &str = "/api/v1/leases/renew";
/// `POST` [`crate::ReleaseRequest`] → [`crate::ReleaseResponse`] (reviewer).
pub const LEASES_RELEASE: &str = "/api/v1/leases/release";

/// `POST` [`crate::MediaProblemReport`] → [`crate::MediaProblemResponse`] (reviewer holding
/// the lease): the case's media were unusable on the workstation; the hub re-checks them.
pub const CASE_MEDIA_PROBLEM: &str = "/api/v1/cases/{case_id}/media-problem";

/// `GET` media bytes; `Range: bytes=a-b` supported (single range → 206, unsatisfiable → 416).
/// Header [`crate::DIGEST_HEADER`] carries the whole object's SHA-256.
pub const MEDIA: &str = "/api/v1/media/{media_id}";

/// `POST` [`crate::DecisionBatch`] → [`crate::DecisionBatchResult`] (reviewer).
pub const DECISIONS: &str = "/api/v1/decisions";

/// `POST` [`crate::AuditBatch`] → [`crate::AuditAck`] (any signed-in user, for cases they hold
/// or audit).
pub const AUDIT_EVENTS: &str = "/api/v1/audit/events";
/// `GET` with [`crate::AuditVerifyQuery`] → [`crate::AuditVerifyReport`] (supervisor or
/// admin): verified through which record, the chain head, and whether the chain extends an
/// earlier head.
pub const AUDIT_VERIFY: &str = "/api/v1/audit/verify";

/// `GET` with [`crate::DecisionQuery`] as query string → [`crate::DecisionPage`] (supervisor).
pub const SUPERVISOR_DECISIONS: &str = "/api/v1/supervisor/decisions";
/// `GET` → [`crate::CaseHistory`] (supervisor).
pub const SUPERVISOR_CASE: &str = "/api/v1/supervisor/cases/{case_id}";
/// `POST` [`crate::VerdictRequest`] → [`crate::VerdictResponse`] (supervisor).
pub const SUPERVISOR_VERDICTS: &str = "/api/v1/supervisor/verdicts";
/// `GET` with [`crate::StatsQuery`] → [`crate::StatsResponse`] (supervisor).
pub const SUPERVISOR_STATS: &str = "/api/v1/supervisor/stats";
/// `GET` with [`crate::StatsQuery`] → `text/csv` (supervisor): the same figures, one
/// `reviewer,day,metric,value` row each; never case content.
pub const SUPERVISOR_STATS_CSV: &str = "/api/v1/supervisor/stats.csv";
/// `GET` → [`crate::SampleIndex`]; `POST` [`crate::SampleRequest`] → 201
/// [`crate::SampleList`] (supervisor): QA review lists.
pub const SUPERVISOR_SAMPLES: &str = "/api/v1/supervisor/samples";
/// `GET` → [`crate::SampleList`] (supervisor): one review list with its progress.
pub const SUPERVISOR_SAMPLE: &str = "/api/v1/supervisor/samples/{sample_id}";
/// `GET` → [`crate::EscalationList`] (supervisor): the supervisors' queue.
pub const SUPERVISOR_ESCALATIONS: &str = "/api/v1/supervisor/escalations";
/// `POST` [`crate::EscalationDecision`] → [`crate::DecisionResult`] (supervisor): decides an
/// escalated case.
pub const SUPERVISOR_ESCALATION_DECISION: &str =
    "/api/v1/supervisor/escalations/{case_id}/decision";
/// `GET` → [`crate::DisputeList`] (supervisor): double reviews whose slots disagreed.
pub const SUPERVISOR_DISPUTES: &str = "/api/v1/supervisor/disputes";
/// `POST` [`crate::EscalationDecision`] → [`crate::DecisionResult`] (supervisor): resolves a
/// disputed double review with the case's outcome.
pub const SUPERVISOR_DISPUTE_DECISION: &str = "/api/v1/supervisor/disputes/{case_id}/decision";

/// `GET` → `Vec<`[`crate::UserSummary`]`>`; `POST` [`crate::CreateUserRequest`] → 201
/// [`crate::UserSummary`] (admin).
pub const ADMIN_USERS: &str = "/api/v1/admin/users";
/// `PATCH` [`crate::UpdateUserRequest`] → [`crate::UserSummary`] (admin).
pub const ADMIN_USER: &str = "/api/v1/admin/users/{user_id}";
/// `GET` / `PUT` [`crate::Policy`] (admin).
pub const ADMIN_POLICY: &str = "/api/v1/admin/policy";
/// `POST` (no body) → [`crate::PurgeReport`] (admin): runs the retention purge now.
pub const ADMIN_PURGE: &str = "/api/v1/admin/purge";

/// `GET` → [`crate::NeedsAttentionList`] (admin): cases taken out of the queue because their
/// media are unusable.
pub const ADMIN_NEEDS_ATTENTION: &str = "/api/v1/admin/needs-attention";
/// `POST` [`crate::AttentionResolution`] → [`crate::AttentionResolved`] (admin).
pub const ADMIN_NEEDS_ATTENTION_CASE: &str = "/api/v1/admin/needs-attention/{case_id}";

/// `GET` with [`crate::AdminEventsQuery`] → [`crate::AdminEventList`] (admin): the latest
/// account, policy and needs-attention audit records.
pub const ADMIN_EVENTS: &str = "/api/v1/admin/events";

/// The path that resolves one case needing attention.
pub fn admin_needs_attention_case(id: &CaseId) -> String {
    ADMIN_NEEDS_ATTENTION_CASE.replace("{case_id}", id.as_str())
}

/// The path of one review list.
pub fn supervisor_sample(id: &str) -> String {
    SUPERVISOR_SAMPLE.replace("{sample_id}", id)
}

/// The path of the decision on one escalated case.
pub fn supervisor_escalation_decision(id: &CaseId) -> String {
    SUPERVISOR_ESCALATION_DECISION.replace("{case_id}", id.as_str())
}

/// The path of the resolution of one disputed double review.
pub fn supervisor_dispute_decision(id: &CaseId) -> String {
    SUPERVISOR_DISPUTE_DECISION.replace("{case_id}", id.as_str())
}

/// The path of one case's media-problem report.
pub fn case_media_problem(id: &CaseId) -> String {
    CASE_MEDIA_PROBLEM.replace("{case_id}", id.as_str())
}

/// The path of one media object.
pub fn media(id: &MediaId) -> String {
    MEDIA.replace("{media_id}", id.as_str())
}

/// The path of one case's history.
pub fn supervisor_case(id: &CaseId) -> String {
    SUPERVISOR_CASE.replace("{case_id}", id.as_str())
}

/// The path of one account.
pub fn admin_user(id: &UserId) -> String {
    ADMIN_USER.replace("{user_id}", id.as_str())
}

/// The path of one vault's recovery key (`vault_id` is an opaque id).
pub fn vault_recovery(vault_id: &str) -> String {
    VAULT_RECOVERY.replace("{vault_id}", vault_id)
}

/// The path that releases one vault's recovery key.
pub fn vault_recovery_release(vault_id: &str) -> String {
    VAULT_RECOVERY_RELEASE.replace("{vault_id}", vault_id)
}
