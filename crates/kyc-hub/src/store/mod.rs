//! The storage boundary. Each method is one transaction and returns wire types where the
//! result goes straight to a client, so backends differ only in SQL.
//!
//! Methods are blocking: the HTTP layer calls them on tokio's blocking pool. A PostgreSQL
//! backend implements the same trait over a connection pool; [`Store::lease`] maps to
//! `SELECT ... WHERE state = 'open' OR lease_expires_at <= now ... FOR UPDATE SKIP LOCKED
//! LIMIT n` followed by an `UPDATE`, and the audit chain append takes a row lock on the chain
//! head so appends serialize.

pub mod sqlite;

use kyc_model::{Case, CaseId, CaseKind, CaseState, MediaId, UserId};
use kyc_proto::{
    AttentionAction, AuditEventStatus, AuditRecordKind, AuditVerifyReport, CaseHistory, ChainHead,
    DecisionItem, DecisionPage, DecisionQuery, DecisionStatus, EscalatedCase, IdempotencyKey,
    LeasedCase, MediaManifest, Policy, PolicyFieldChange, Role, StatsQuery, StatsResponse,
    VerdictRequest, VerdictResponse,
};

use crate::time_util::Millis;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist.
    #[error("not found")]
    NotFound,
    /// The change clashes with what is stored (names the rule, never values).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The caller may not do this to this object.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The request breaks a rule.
    #[error("invalid: {0}")]
    Invalid(&'static str),
    /// The request breaks a rule with a stable code (answered 400 with that `rule`).
    #[error("invalid ({rule}): {message}")]
    Rule {
        /// The rule code.
        rule: &'static str,
        /// Names fields and rules, never values.
        message: &'static str,
    },
    /// Stored data could not be read back (a bug or tampering).
    #[error("corrupt stored data: {0}")]
    Corrupt(&'static str),
    /// The database failed.
    #[error("database: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// An account as stored.
#[derive(Clone)]
pub struct UserRow {
    /// Id.
    pub id: UserId,
    /// Login handle.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The stored credential ([`crate::auth::Credential`] as JSON: KDF spec and a verifier
    /// of the client's hub key; never a password).
    pub credential: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Creation time.
    pub created_at: Millis,
}

impl std::fmt::Debug for UserRow {
    // Neither the handle nor the hash belongs in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow").field("id", &self.id).field("role", &self.role).finish()
    }
}

/// A change to an account.
#[derive(Debug, Default, Clone)]
pub struct UserChange {
    /// Disable (revokes every session as `account_disabled`) or enable.
    pub disabled: Option<bool>,
    /// New credential (revokes every session).
    pub credential: Option<String>,
    /// New role.
    pub role: Option<Role>,
}

/// Why a session was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The account was disabled: the client must wipe.
    AccountDisabled,
    /// The password was reset: sign in again.
    PasswordReset,
}

/// A session with its account, as looked up by token hash.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The account.
    pub user_id: UserId,
    /// Its handle (for `me`).
    pub username: String,
    /// Its role.
    pub role: Role,
    /// Whether the account is disabled now.
    pub user_disabled: bool,
    /// Absolute expiry.
    pub expires_at: Millis,
    /// Last use.
    pub last_seen_at: Millis,
    /// Set when the session was killed by an account change.
    pub revoked: Option<Revocation>,
}

/// A media object to store with a new case (already sealed on disk).
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// Manifest as clients will see it.
    pub manifest: MediaManifest,
    /// Name of the sealed file.
    pub file_name: String,
}

/// A media object as stored, with what authorization needs about its case.
#[derive(Debug, Clone)]
pub struct MediaRow {
    /// Manifest.
    pub manifest: MediaManifest,
    /// Sealed file name.
    pub file_name: String,
    /// Case it belongs to.
    pub case_id: CaseId,
    /// Case state code.
    pub case_state: kyc_model::CaseState,
    /// Lease holder, if the case is leased.
    pub lease_holder: Option<UserId>,
    /// Lease expiry.
    pub lease_expires_at: Option<Millis>,
    /// For a case in double review: the undecided slots' leases, `(holder, expiry)`.
    pub slot_leases: Vec<(UserId, Millis)>,
}

impl MediaRow {
    /// Whether `user` holds an unexpired lease on the media's case, or on one of its
    /// double-review slots.
    pub fn held_by(&self, user: &UserId, now: Millis) -> bool {
        let case_lease = self.case_state == CaseState::Leased
            && self.lease_holder.as_ref() == Some(user)
            && self.lease_expires_at.is_some_and(|e| e > now);
        let slot_lease = self.case_state == CaseState::DoubleReview
            && self.slot_leases.iter().any(|(holder, expires)| holder == user && *expires > now);
        case_lease || slot_lease
    }
}

/// An audit record to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who.
    pub actor: Option<UserId>,
    /// Which case.
    pub case_id: Option<CaseId>,
    /// What.
    pub kind: AuditRecordKind,
}

/// What a purge removed; the caller deletes the files after the commit.
#[derive(Debug, Clone, Default)]
pub struct PurgeOutcome {
    /// Cases purged.
    pub cases: u64,
    /// Sealed media files to delete.
    pub media_files: Vec<String>,
}

/// A media problem the hub's own check confirmed.
#[derive(Debug, Clone)]
pub struct ConfirmedProblem {
    /// The media object found unusable.
    pub media_id: MediaId,
    /// What the workstation reported.
    pub reported: kyc_proto::MediaProblemCode,
    /// The media rule the hub's check found broken (`media_corrupt`, ...).
    pub rule: &'static str,
}

/// Renewed leases with their new expiry, and cases whose lease was lost.
pub type RenewOutcome = (Vec<(CaseId, Millis)>, Vec<CaseId>);

/// The hub's storage.
pub trait Store: Send + Sync + 'static {
    /// Creates an account. `Conflict` when the handle is taken.
    fn create_user(
        &self,
        username: &str,
        role: Role,
        credential: &str,
        now: Millis,
    ) -> Result<UserRow, StoreError>;
    /// An account by handle.
    fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError>;
    /// Every account, oldest first.
    fn list_users(&self) -> Result<Vec<UserRow>, StoreError>;
    /// Changes an account; disabling or a new password revokes its sessions.
    fn update_user(&self, id: &UserId, change: &UserChange) -> Result<UserRow, StoreError>;
    /// Changes an account on an administrator's behalf (`None`: the command line) and, in the
    /// same transaction, chains one record per changed thing (disabled, password reset, role).
    /// `Forbidden` when the actor changes their own role or disables themselves.
    /// Isolation: one serializable transaction (the row is read and written in it).
    fn update_user_by(
        &self,
        actor: Option<&UserId>,
        id: &UserId,
        change: &UserChange,
        now: Millis,
    ) -> Result<UserRow, StoreError>;
    /// The hub's secret for decoy prelogin answers (32 random bytes, made on first use and
    /// kept, so the decoy for a name stays the same across restarts).
    fn prelogin_secret(&self) -> Result<[u8; 32], StoreError>;

    /// Stores (replacing) the recovery key of `user`'s vault `vault_id`, sealed under the hub
    /// key and bound to the account and vault.
    fn put_vault_recovery(
        &self,
        user: &UserId,
        vault_id: &str,
        recovery_key: &[u8],
        now: Millis,
    ) -> Result<(), StoreError>;
    /// The recovery key of `user`'s vault `vault_id`, opened; marks it released (the client
    /// replaces it with a fresh one once it has re-wrapped the vault). `None` when this account
    /// deposited none for that vault.
    fn release_vault_recovery(
        &self,
        user: &UserId,
        vault_id: &str,
        now: Millis,
    ) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, StoreError>;

    /// Stores a session under its token hash; also drops long-dead sessions.
    fn create_session(
        &self,
        token_hash: &str,
        user: &UserId,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError>;
    /// Looks up a session.
    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError>;
    /// Records use of a session (idle expiry counts from here).
    fn touch_session(&self, token_hash: &str, now: Millis) -> Result<(), StoreError>;
    /// Deletes a session (logout).
    fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// The policy (defaults until an admin sets one).
    fn policy(&self) -> Result<Policy, StoreError>;
    /// Replaces the policy.
    fn set_policy(&self, policy: &Policy) -> Result<(), StoreError>;
    /// Replaces the policy on an administrator's behalf and, in the same transaction, chains
    /// a `PolicyChanged` record naming what changed (nothing when nothing did).
    fn set_policy_by(
        &self,
        actor: &UserId,
        policy: &Policy,
        now: Millis,
    ) -> Result<Vec<PolicyFieldChange>, StoreError>;

    /// Stores a new case and its media rows; `Conflict` when the case or a media id exists.
    fn insert_case(
        &self,
        case: &Case,
        media: &[NewMedia],
        actor: &UserId,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// Grants up to `max` open (or lease-expired) cases to `user`, exclusively, until
    /// `until`, highest priority and oldest first. `offline` marks the leases as granted for
    /// offline work, so that renewals keep their length.
    fn lease(
        &self,
        user: &UserId,
        max: u32,
        kind: Option<CaseKind>,
        now: Millis,
        until: Millis,
        offline: bool,
    ) -> Result<Vec<LeasedCase>, StoreError>;
    /// Extends the caller's unexpired leases, to `until`, or to `offline_until` for leases
    /// granted for offline work; returns renewed and lost case ids.
    fn renew(
        &self,
        user: &UserId,
        cases: &[CaseId],
        now: Millis,
        until: Millis,
        offline_until: Millis,
    ) -> Result<RenewOutcome, StoreError>;
    /// Gives cases back; returns released and not-held ids.
    fn release(
        &self,
        user: &UserId,
        cases: &[CaseId],
        now: Millis,
    ) -> Result<(Vec<CaseId>, Vec<CaseId>), StoreError>;
    /// A media object and its case's lease state.
    fn media(&self, id: &MediaId) -> Result<Option<MediaRow>, StoreError>;
    /// Applies decisions in order, each under its idempotency key and judged on its own (see
    /// `DecisionStatus`), in one transaction: one durable write for the whole batch. Whether a
    /// decision waits for four-eyes confirmation is `policy.needs_four_eyes` of its case's
    /// kind and its outcome.
    fn apply_decisions(
        &self,
        user: &UserId,
        items: &[DecisionItem],
        policy: &Policy,
        now: Millis,
    ) -> Result<Vec<DecisionStatus>, StoreError>;
    /// Whether `user` ever held a lease on the case (reviewers may audit only those).
    fn ever_leased(&self, user: &UserId, case: &CaseId) -> Result<bool, StoreError>;
    /// Whether the case exists.
    fn case_exists(&self, case: &CaseId) -> Result<bool, StoreError>;

    /// Appends records to the chain, in order, in one transaction. Free text in a record (a
    /// reveal reason) is sealed into a detail outside the chain, which covers its digest.
    fn append_audit(&self, entries: &[AuditEntry], now: Millis) -> Result<(), StoreError>;
    /// Appends a workstation's events, each at most once per `(actor, key)`, in order, in one
    /// transaction: a key seen before answers `Duplicate` (same case and kind) or `KeyReused`
    /// (another event) and appends nothing. Returns each event's status and record `seq`.
    fn append_client_events(
        &self,
        actor: &UserId,
        events: &[(IdempotencyKey, AuditEntry)],
        now: Millis,
    ) -> Result<Vec<(AuditEventStatus, Option<i64>)>, StoreError>;
    /// Checks the whole chain, and whether it extends `anchor` (an earlier head) when given.
    /// Isolation: one consistent snapshot of the chain (a read transaction).
    fn audit_verify(&self, anchor: Option<&ChainHead>) -> Result<AuditVerifyReport, StoreError>;
    /// The last record's `(seq, hash)`, to anchor the chain elsewhere.
    fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError>;

    /// Supervisor decision query; waiting ages are measured to `now`.
    /// Isolation: one consistent snapshot (count and page from the same read transaction).
    fn query_decisions(
        &self,
        query: &DecisionQuery,
        now: Millis,
    ) -> Result<DecisionPage, StoreError>;
    /// A case's history; `None` when unknown. Unchecked and unaudited: for operators' tools;
    /// supervisors go through [`Store::supervisor_case`].
    fn case_history(&self, id: &CaseId) -> Result<Option<CaseHistory>, StoreError>;
    /// A case's history for a supervisor: `NotFound` when unknown, `Forbidden` unless the case
    /// is theirs to handle (decided or purged, awaiting confirmation, or escalated); the open
    /// is chained as `CaseAudited` in the same transaction.
    fn supervisor_case(
        &self,
        supervisor: &UserId,
        id: &CaseId,
        now: Millis,
    ) -> Result<CaseHistory, StoreError>;
    /// Whether a supervisor may open the case's content (same rule as
    /// [`Store::supervisor_case`]); `NotFound` when unknown.
    fn supervisor_may_open(&self, case: &CaseId) -> Result<bool, StoreError>;
    /// Records a verdict: `NotFound`, `Forbidden` (own decision), `Conflict` (already judged,
    /// or an overturn of a decision its case has moved past), `Rule` (a correction missing,
    /// not allowed, or breaking a decision rule). An overturn does what
    /// `policy.overturn_action` says for the case's kind: a correction is recorded as a new
    /// decision superseding the judged one, or the case goes back to the queue.
    /// Isolation: one serializable write transaction (the case row is read and changed in it;
    /// on PostgreSQL `SELECT ... FOR UPDATE` on the case and the decision).
    fn give_verdict(
        &self,
        supervisor: &UserId,
        request: &VerdictRequest,
        policy: &Policy,
        now: Millis,
    ) -> Result<VerdictResponse, StoreError>;
    /// Draws and stores a review list (see `kyc_proto::sample` for the draw), chaining
    /// `SampleCreated`; `seed` is the request's or one the caller drew. The eligible decisions
    /// are read in the transaction that stores the list.
    /// Isolation: one serializable write transaction, so the stored members are exactly the
    /// draw over the decisions it read.
    fn create_sample(
        &self,
        supervisor: &UserId,
        request: &kyc_proto::SampleRequest,
        seed: &str,
        now: Millis,
    ) -> Result<kyc_proto::SampleList, StoreError>;
    /// Every review list with its progress, newest first. Isolation: a read snapshot.
    fn samples(&self) -> Result<Vec<kyc_proto::SampleSummary>, StoreError>;
    /// One review list with its strata, members and progress; `NotFound` when unknown.
    /// Isolation: a read snapshot.
    fn sample(&self, id: &str) -> Result<kyc_proto::SampleList, StoreError>;
    /// The supervisors' queue: escalated cases, longest-waiting first, ages to `now`.
    /// Isolation: a read snapshot.
    fn escalations(&self, now: Millis) -> Result<Vec<EscalatedCase>, StoreError>;
    /// A supervisor decides an escalated case, once per idempotency key (a retry answers
    /// `Duplicate`); `Conflict { AlreadyDecided }` when it is no longer escalated, `Invalid`
    /// when the decision breaks a rule. The decision is final (no four-eyes: a supervisor is
    /// the second person) and chained as `DecisionRecorded`.
    /// Isolation: one serializable write transaction (`FOR UPDATE` on the case row).
    fn decide_escalation(
        &self,
        supervisor: &UserId,
        item: &DecisionItem,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError>;
    /// Disputed double reviews (the two slots decided differently), longest-waiting first,
    /// with both slots' decisions; ages to `now`. Isolation: a read snapshot.
    fn disputes(&self, now: Millis) -> Result<Vec<kyc_proto::DisputedCase>, StoreError>;
    /// A supervisor resolves a disputed double review with the case's outcome, once per
    /// idempotency key (a retry answers `Duplicate`); `Conflict { AlreadyDecided }` when it is
    /// no longer disputed, `Invalid` when the decision breaks a rule. Final, chained as
    /// `DecisionRecorded`. Isolation: one serializable write transaction.
    fn resolve_dispute(
        &self,
        supervisor: &UserId,
        item: &DecisionItem,
        now: Millis,
    ) -> Result<DecisionStatus, StoreError>;
    /// Statistics in total and per reviewer; the backlog's age is measured to `now`.
    /// Isolation: one read snapshot.
    fn stats(&self, query: &StatsQuery, now: Millis) -> Result<StatsResponse, StoreError>;

    /// Takes a case the caller holds an unexpired lease on out of the queue (`needs_attention`)
    /// after the hub confirmed its media unusable; records the finding and audits it.
    /// `Forbidden` when the caller no longer holds the lease.
    fn confirm_unusable(
        &self,
        user: &UserId,
        case: &CaseId,
        problem: &ConfirmedProblem,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// The latest `limit` audit records of the kinds in [`kyc_proto::ADMIN_EVENT_KINDS`]
    /// (account and policy changes, resolved needs-attention cases), newest first. None of
    /// them carries free text.
    fn admin_events(&self, limit: u32) -> Result<Vec<kyc_proto::AuditRecord>, StoreError>;
    /// Cases waiting for an administrator, oldest confirmation first.
    fn needs_attention(&self) -> Result<Vec<kyc_proto::NeedsAttentionCase>, StoreError>;
    /// Resolves a case that needs attention (back to the queue, or closed as unusable) and
    /// chains `AttentionResolved`; `NotFound` when unknown, `Conflict` when it does not need
    /// attention. Isolation: one serializable write transaction.
    fn resolve_attention(
        &self,
        actor: &UserId,
        case: &CaseId,
        action: AttentionAction,
        now: Millis,
    ) -> Result<CaseState, StoreError>;

    /// Purges media and personal fields of cases decided before `decided_before`: payloads,
    /// decision and verdict notes, and the sealed details (reveal reasons) of their audit
    /// records, whose links stay verifiable.
    fn purge(&self, decided_before: Millis, now: Millis) -> Result<PurgeOutcome, StoreError>;
}

/// The policy a fresh hub starts with.
pub fn default_policy() -> Policy {
    let client = kyc_proto::ClientPolicy::default();
    Policy {
        lease_secs: 30 * 60,
        retention_days: 30,
        four_eyes_outcomes: Vec::new(),
        four_eyes_rules: Vec::new(),
        overturn_actions: Vec::new(),
        offline_lease_hours: client.offline_lease_hours,
        max_offline_hours: client.max_offline_hours,
        idle_lock_min_secs: client.idle_lock_min_secs,
        idle_lock_max_secs: client.idle_lock_max_secs,
        double_review_percent: 0,
    }
}
