//! What the command line does, as plain functions over a data directory: seeding, accounts,
//! audit verification, retention purge. They open the store directly, so they also work while
//! a hub runs on the same directory (SQLite serializes the writers).

use std::path::Path;
use std::sync::Arc;

use kyc_model::{Case, MediaId, UserId};
use kyc_proto::{AuditVerifyReport, MediaManifest, PurgeReport, Role};
use zeroize::Zeroizing;

use crate::auth::Credential;
use crate::config::PasswordHashing;
use crate::crypto::{CryptoError, HubKey, random_password, sha256_hex};
use crate::error::AppError;
use crate::media::{MediaError, MediaFiles};
use crate::store::sqlite::SqliteStore;
use crate::store::{AuditEntry, NewMedia, Store, StoreError, UserChange};
use crate::time_util::{Millis, from_ms, now_ms};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Creating the data directory failed.
    #[error("data directory: {0}")]
    DataDir(#[source] std::io::Error),
    /// The hub key could not be loaded or created.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A media file could not be written or read.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No account with that name.
    #[error("no such account")]
    NoSuchAccount,
    /// A case breaks an intake rule (names the rule).
    #[error("invalid case: {0}")]
    InvalidCase(&'static str),
}

impl From<OpsError> for AppError {
    fn from(e: OpsError) -> Self {
        match e {
            OpsError::Store(s) => s.into(),
            OpsError::NoSuchAccount => AppError::not_found("no such account"),
            OpsError::InvalidCase(why) => AppError::invalid(why),
            other => AppError::internal(&other),
        }
    }
}

/// Opens (creating, mode 0700) a data directory: its store and its sealed media files.
pub fn open_data_dir(dir: &Path) -> Result<(Arc<dyn Store>, MediaFiles), OpsError> {
    match kyc_platform::private_fs::dir_builder().recursive(true).create(dir) {
        Ok(()) => {}
        Err(e) => return Err(OpsError::DataDir(e)),
    }
    let key = Arc::new(HubKey::load_or_create(dir)?);
    let media = MediaFiles::open(dir, key.clone())?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir, key)?);
    Ok((store, media))
}

/// Checks a case before it is stored: the applicant matches the kind, and the media declared
/// (id, content type) are exactly the media the documents list, each once, of allowed types.
pub fn validate_case(case: &Case, media: &[(&MediaId, &str)]) -> Result<(), &'static str> {
    use std::collections::HashSet;
    let individual = matches!(case.applicant, kyc_model::Applicant::Individual { .. });
    if individual != case.kind.is_individual() {
        return Err("applicant type does not match the case kind");
    }
    if case.documents.is_empty() {
        return Err("a case needs at least one document");
    }
    let mut referenced = HashSet::new();
    for id in case.media_ids() {
        if !referenced.insert(id) {
            return Err("a media id is referenced twice");
        }
    }
    let mut sent = HashSet::new();
    for (id, content_type) in media {
        if !sent.insert(*id) {
            return Err("a media id is sent twice");
        }
        if !kyc_proto::ALLOWED_CONTENT_TYPES.contains(content_type) {
            return Err("unsupported media content type");
        }
    }
    if referenced != sent {
        return Err("media sent do not match the media the documents list");
    }
    Ok(())
}

/// Seals a case's media to disk and stores the case, in the documents' media order. Files of a
/// case that fails to store are deleted again.
pub fn store_case(
    store: &dyn Store,
    files: &MediaFiles,
    case: &Case,
    media: Vec<crate::demo::MediaBytes>,
    actor: &UserId,
    now: Millis,
) -> Result<Vec<MediaManifest>, OpsError> {
    let mut stored: Vec<NewMedia> = Vec::with_capacity(media.len());
    let result = (|| {
        for id in case.media_ids() {
            let Some((_, content_type, bytes)) = media.iter().find(|(m, _, _)| m == id) else {
                continue;
            };
            let file_name = files.write(bytes)?;
            stored.push(NewMedia {
                manifest: MediaManifest {
                    id: id.clone(),
                    content_type: content_type.clone(),
                    size: bytes.len() as u64,
                    sha256: sha256_hex(bytes),
                },
                file_name,
            });
        }
        store.insert_case(case, &stored, actor, now)?;
        Ok::<_, OpsError>(())
    })();
    if let Err(e) = result {
        for m in &stored {
            let _ = files.delete(&m.file_name);
        }
        return Err(e);
    }
    Ok(stored.into_iter().map(|m| m.manifest).collect())
}

/// Runs the retention purge: cases decided more than `retention_days` ago lose their media and
/// personal fields. Files are deleted after the store committed.
pub fn purge_with(
    store: &dyn Store,
    files: &MediaFiles,
    retention_days: u32,
    now: Millis,
) -> Result<PurgeReport, StoreError> {
    let decided_before = now - retention_days as i64 * 86_400_000;
    let outcome = store.purge(decided_before, now)?;
    let mut media_deleted = 0;
    for name in &outcome.media_files {
        match files.delete(name) {
            Ok(()) => media_deleted += 1,
            Err(e) => tracing::error!(error = %e, "purged media file could not be deleted"),
        }
    }
    tracing::info!(cases = outcome.cases, media = media_deleted, "retention purge");
    Ok(PurgeReport { cases_purged: outcome.cases, media_deleted })
}

/// `kyc-hub purge --data DIR`.
pub fn purge(dir: &Path) -> Result<PurgeReport, OpsError> {
    let (store, files) = open_data_dir(dir)?;
    let retention = store.policy()?.retention_days;
    Ok(purge_with(store.as_ref(), &files, retention, now_ms())?)
}

/// `kyc-hub audit verify --data DIR [--since-seq N --since-hash H]`: the same report as
/// `GET /api/v1/audit/verify`, from the same store method.
pub fn audit_verify(
    dir: &Path,
    anchor: Option<&kyc_proto::ChainHead>,
) -> Result<AuditVerifyReport, OpsError> {
    let (store, _) = open_data_dir(dir)?;
    Ok(store.audit_verify(anchor)?)
}

/// The lines `kyc-hub audit verify` prints for a report; the app shows the same facts.
pub fn describe_verify_report(report: &AuditVerifyReport) -> Vec<String> {
    let mut lines = Vec::new();
    match report.first_broken_seq {
        None => lines.push(format!(
            "audit chain intact: verified through record {} ({} records)",
            report.verified_through, report.records
        )),
        Some(seq) => lines.push(format!(
            "audit chain BROKEN at record {seq}: verified through record {} ({} records)",
            report.verified_through, report.records
        )),
    }
    if let Some(head) = &report.head {
        lines.push(format!("head: seq {} hash {}", head.seq, head.hash));
    }
    match report.anchor {
        None => {}
        Some(kyc_proto::AnchorCheck::Extends) => {
            lines.push("the chain extends the given head".into())
        }
        Some(kyc_proto::AnchorCheck::Rewritten) => {
            lines.push("REWRITTEN: the record at the given seq has another hash".into())
        }
        Some(kyc_proto::AnchorCheck::Truncated) => {
            lines.push("TRUNCATED: the chain is shorter than the given head".into())
        }
    }
    lines
}

/// An account created by the command line, with its password when one was generated.
pub struct CreatedAccount {
    /// The account id.
    pub id: UserId,
    /// Handle.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The generated password (shown once, never stored in plain).
    pub password: Zeroizing<String>,
}

impl std::fmt::Debug for CreatedAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedAccount").field("id", &self.id).field("role", &self.role).finish()
    }
}

fn credential_for(password: &str, cost: PasswordHashing) -> Result<String, OpsError> {
    let password = kyc_keys::Secret::new(password);
    Credential::from_password(&password, cost.kdf_params(), true)
        .map(|c| c.encode())
        .map_err(|_| OpsError::Crypto(CryptoError::PasswordHash))
}

fn audit_admin_event(store: &dyn Store, kind: kyc_proto::AuditRecordKind) -> Result<(), OpsError> {
    // The command line has no account: the actor is the hub itself.
    Ok(store.append_audit(&[AuditEntry { actor: None, case_id: None, kind }], now_ms())?)
}

/// Creates an account with a generated password (one Argon2id with `cost`'s parameters: the
/// credential is what a client deriving the same password would prove). The password is
/// marked as set by an administrator, so the workstation asks its owner to replace it.
pub fn add_user_with(
    store: &dyn Store,
    username: &str,
    role: Role,
    cost: PasswordHashing,
) -> Result<CreatedAccount, OpsError> {
    let password = random_password();
    let credential = credential_for(&password, cost)?;
    let user = store.create_user(username, role, &credential, now_ms())?;
    let event = kyc_proto::AuditRecordKind::AccountCreated { target: user.id.clone(), role };
    audit_admin_event(store, event)?;
    Ok(CreatedAccount { id: user.id, username: user.username, role, password })
}

/// `kyc-hub user add`.
pub fn add_user(dir: &Path, username: &str, role: Role) -> Result<CreatedAccount, OpsError> {
    let (store, _) = open_data_dir(dir)?;
    add_user_with(store.as_ref(), username, role, PasswordHashing::Production)
}

/// `kyc-hub user disable`: the account's sessions die; its next call gets `account_revoked`.
pub fn disable_user(dir: &Path, username: &str) -> Result<UserId, OpsError> {
    let (store, _) = open_data_dir(dir)?;
    let user = store.user_by_name(username)?.ok_or(OpsError::NoSuchAccount)?;
    let change = UserChange { disabled: Some(true), ..UserChange::default() };
    store.update_user_by(None, &user.id, &change, now_ms())?;
    Ok(user.id)
}

/// `kyc-hub user reset-password`: a new generated password (production key-derivation cost);
/// existing sessions die. The account's next online sign-in recovers its vaults through their
/// recovery keys.
pub fn reset_password(dir: &Path, username: &str) -> Result<Zeroizing<String>, OpsError> {
    reset_password_with(dir, username, PasswordHashing::Production)
}

/// [`reset_password`] with a chosen key-derivation cost (tests use the cheap one).
pub fn reset_password_with(
    dir: &Path,
    username: &str,
    cost: PasswordHashing,
) -> Result<Zeroizing<String>, OpsError> {
    let (store, _) = open_data_dir(dir)?;
    let user = store.user_by_name(username)?.ok_or(OpsError::NoSuchAccount)?;
    let password = random_password();
    let credential = credential_for(&password, cost)?;
    let change = UserChange { credential: Some(credential), ..UserChange::default() };
    store.update_user_by(None, &user.id, &change, now_ms())?;
    Ok(password)
}

/// What `seed` created.
#[derive(Debug)]
pub struct SeedReport {
    /// The demo accounts with their passwords.
    pub accounts: Vec<CreatedAccount>,
    /// Number of cases stored.
    pub cases: usize,
}

/// Demo account handles and roles created by [`seed`].
pub const DEMO_ACCOUNTS: [(&str, Role); 4] = [
    ("reviewer1", Role::Reviewer),
    ("reviewer2", Role::Reviewer),
    ("supervisor", Role::Supervisor),
    ("admin", Role::Admin),
];

/// `kyc-hub seed`: the demo accounts (skipping handles that exist) and `n_cases` synthetic
/// cases from `kyc-synth` (every kind, drawn documents, face videos, a share deliberately
/// flawed), deterministic per `rng_seed`.
pub fn seed(
    dir: &Path,
    n_cases: usize,
    rng_seed: u64,
    cost: PasswordHashing,
) -> Result<SeedReport, OpsError> {
    let (store, files) = open_data_dir(dir)?;
    let mut accounts = Vec::new();
    for (name, role) in DEMO_ACCOUNTS {
        if store.user_by_name(name)?.is_none() {
            accounts.push(add_user_with(store.as_ref(), name, role, cost)?);
        }
    }
    let admin = store.user_by_name("admin")?.ok_or(OpsError::NoSuchAccount)?;
    let today = from_ms(now_ms()).date();
    let cases = kyc_synth::generate(&kyc_synth::SynthOptions { n_cases, rng_seed, today });
    let n = cases.len();
    for synth in cases {
        let media: Vec<_> = synth
            .media
            .into_iter()
            .map(|m| (m.id, m.content_type.to_owned(), Zeroizing::new(m.bytes)))
            .collect();
        let declared: Vec<_> = media.iter().map(|(id, ct, _)| (id, ct.as_str())).collect();
        validate_case(&synth.case, &declared).map_err(OpsError::InvalidCase)?;
        store_case(store.as_ref(), &files, &synth.case, media, &admin.id, now_ms())?;
    }
    Ok(SeedReport { accounts, cases: n })
}

/// Opens a session for an account straight in the store, as a successful sign-in does, and
/// returns its bearer token. For tests and tools that need a token independent of the login
/// request's shape. It skips the password, so it is only for callers that already hold the
/// data directory (who could add an account as well).
pub fn issue_session(
    store: &dyn Store,
    username: &str,
    lifetime: std::time::Duration,
) -> Result<Zeroizing<String>, OpsError> {
    let user = store.user_by_name(username)?.ok_or(OpsError::NoSuchAccount)?;
    let (token, hash) = crate::crypto::new_token();
    let now = now_ms();
    store.create_session(&hash, &user.id, now, now + lifetime.as_millis() as i64)?;
    Ok(token)
}

/// What [`seed_history`] made.
#[derive(Debug, Default)]
pub struct HistoryReport {
    /// Accounts it had to create (the third demo reviewer), with their passwords.
    pub accounts: Vec<CreatedAccount>,
    /// Decisions recorded.
    pub decisions: usize,
    /// Verdicts given.
    pub verdicts: usize,
    /// Blind double reviews decided by two reviewers (one agreed, the others disputed and
    /// waiting for a supervisor).
    pub double_reviews: usize,
    /// Of those, disputed.
    pub disputes: usize,
}

/// The reviewers whose decided history [`seed_history`] writes.
pub const HISTORY_REVIEWERS: [&str; 3] = ["reviewer1", "reviewer2", "reviewer3"];

/// Blind double reviews for the demo's history, decided on its last day by the first two
/// reviewers: the second of three agreed (decided), the others disputed — one reviewer
/// rejected, the other asked for a document again — and waiting in the supervisors' list.
/// Stored while the policy marks every new case (an audited policy change, undone at once).
#[allow(clippy::too_many_arguments)]
fn seed_double_reviews(
    store: &dyn Store,
    files: &MediaFiles,
    admin: &UserId,
    reviewers: &[UserId],
    policy: &kyc_proto::Policy,
    start: Millis,
    days: i64,
    rng_seed: u64,
    report: &mut HistoryReport,
) -> Result<(), OpsError> {
    use kyc_model::{Outcome, ReasonCode};
    const N: usize = 3;
    let marking = kyc_proto::Policy { double_review_percent: 100, ..policy.clone() };
    store.set_policy_by(admin, &marking, now_ms())?;
    let cases = crate::demo::demo_cases(N, rng_seed.wrapping_add(0xd0b1e), from_ms(start).date());
    let mut ours = std::collections::BTreeSet::new();
    for (case, media) in cases {
        store_case(store, files, &case, media, admin, start - 1)?;
        ours.insert(case.id.as_str().to_owned());
    }
    store.set_policy_by(admin, policy, now_ms())?;
    let day_start = start + (days - 1) * 86_400_000;
    let mut first_order = std::collections::BTreeMap::new();
    for (slot, reviewer) in reviewers.iter().take(2).enumerate() {
        let leased_at = day_start + 15 * 3_600_000 + slot as i64 * 1_800_000;
        let granted =
            store.lease(reviewer, N as u32, None, leased_at, leased_at + 1_800_000, false)?;
        // (On a data directory with open cases of its own, the lease may hand out others: their
        // past leases simply run out.)
        let ours_granted = granted.into_iter().filter(|l| ours.contains(l.case.id.as_str()));
        for (j, leased) in ours_granted.enumerate() {
            let agrees = first_order.get(leased.case.id.as_str()) == Some(&1);
            let reject = Outcome::Reject { reasons: vec![ReasonCode::DocumentIllegible] };
            // The second reviewer agrees on the case the first decided second, and asks for a
            // document again on the others.
            let outcome = if slot == 0 || agrees {
                reject
            } else {
                Outcome::RequestResubmission {
                    documents: leased.case.documents.iter().take(1).map(|d| d.kind).collect(),
                    reasons: vec![ReasonCode::DocumentIllegible],
                }
            };
            if slot == 0 {
                first_order.insert(leased.case.id.as_str().to_owned(), j);
            }
            let active_ms = 60_000 + j as u64 * 45_000;
            let decided_at = leased_at + 60_000 + j as i64 * 120_000;
            let item = kyc_proto::DecisionItem {
                idempotency_key: kyc_proto::IdempotencyKey::parse(&format!(
                    "history-{rng_seed}-double-{slot}-{j}"
                ))
                .map_err(|_| OpsError::InvalidCase("history key"))?,
                decision: kyc_model::Decision {
                    case_id: leased.case.id.clone(),
                    outcome,
                    note: None,
                    decided_at: from_ms(decided_at),
                    active_ms: Some(active_ms),
                    applicant_text: None,
                },
            };
            let statuses = store.apply_decisions(reviewer, &[item], policy, decided_at)?;
            if slot == 1 && matches!(statuses[0], kyc_proto::DecisionStatus::Accepted { .. }) {
                report.double_reviews += 1;
                report.disputes += usize::from(!agrees);
            }
        }
    }
    Ok(())
}

/// `kyc-hub seed --history N`: `n_cases` small demo cases decided over the `days` days before
/// today by three reviewers, through the store's own lease, decision and verdict calls at
/// past times (so handling times are clamped by those times, and the chain is built as a live
/// hub would). Some approvals of enterprise certificates wait for four-eyes confirmation (the
/// policy gets that rule), some cases are escalated and wait for a supervisor, and the
/// supervisor agrees with a share of the decisions and overturns a few. Deterministic per
/// `rng_seed`. Needs the demo accounts ([`seed`] first).
pub fn seed_history(
    dir: &Path,
    n_cases: usize,
    days: u32,
    rng_seed: u64,
    cost: PasswordHashing,
) -> Result<HistoryReport, OpsError> {
    use kyc_model::{CaseKind, Outcome, ReasonCode};
    let (store, files) = open_data_dir(dir)?;
    let mut report = HistoryReport::default();
    for name in HISTORY_REVIEWERS {
        if store.user_by_name(name)?.is_none() {
            report.accounts.push(add_user_with(store.as_ref(), name, Role::Reviewer, cost)?);
        }
    }
    let admin = store.user_by_name("admin")?.ok_or(OpsError::NoSuchAccount)?;
    let supervisor = store.user_by_name("supervisor")?.ok_or(OpsError::NoSuchAccount)?;
    let mut reviewers = Vec::new();
    for name in HISTORY_REVIEWERS {
        reviewers.push(store.user_by_name(name)?.ok_or(OpsError::NoSuchAccount)?.id);
    }
    let mut policy = store.policy()?;
    let rule = kyc_proto::FourEyesRule {
        kind: Some(CaseKind::EnterpriseCertificate),
        outcome: kyc_proto::OutcomeCode::Approve,
        reasons: Vec::new(),
    };
    if !policy.four_eyes_rules.contains(&rule) {
        policy.four_eyes_rules.push(rule);
        store.set_policy_by(&admin.id, &policy, now_ms())?;
    }
    const DAY_MS: i64 = 86_400_000;
    let days = i64::from(days.max(1));
    let today_start = now_ms() - now_ms().rem_euclid(DAY_MS);
    let start = today_start - days * DAY_MS;
    // Before the history's cases exist, so these are the only ones to lease.
    seed_double_reviews(
        store.as_ref(),
        &files,
        &admin.id,
        &reviewers,
        &policy,
        start,
        days,
        rng_seed,
        &mut report,
    )?;
    let cases = crate::demo::demo_cases(n_cases, rng_seed, from_ms(start).date());
    let n = cases.len();
    for (i, (case, media)) in cases.into_iter().enumerate() {
        store_case(store.as_ref(), &files, &case, media, &admin.id, start + i as i64)?;
    }
    for i in 0..n {
        let day = i as i64 % days;
        let reviewer = &reviewers[i % reviewers.len()];
        // Working hours from 09:00, a few minutes apart; handling 40 s to about 4 minutes.
        let leased_at = start + day * DAY_MS + 9 * 3_600_000 + (i as i64 / days) * 420_000;
        let active_ms = 40_000 + (i as u64 * 37_000) % 200_000;
        let decided_at = leased_at + active_ms as i64 + 5_000;
        // Run before the live cases are stored, so the next open case is a history case.
        let granted = store.lease(reviewer, 1, None, leased_at, leased_at + 1_800_000, false)?;
        let Some(leased) = granted.into_iter().next() else { break };
        let outcome = match i % 10 {
            3 | 7 => Outcome::Reject { reasons: vec![ReasonCode::DocumentIllegible] },
            5 => Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] },
            9 if i % 20 == 9 => Outcome::Escalate,
            _ => Outcome::Approve,
        };
        let item = kyc_proto::DecisionItem {
            idempotency_key: kyc_proto::IdempotencyKey::parse(&format!("history-{rng_seed}-{i}"))
                .map_err(|_| OpsError::InvalidCase("history key"))?,
            decision: kyc_model::Decision {
                case_id: leased.case.id.clone(),
                outcome,
                note: None,
                decided_at: from_ms(decided_at),
                active_ms: Some(active_ms),
                applicant_text: None,
            },
        };
        let statuses = store.apply_decisions(reviewer, &[item], &policy, decided_at)?;
        let kyc_proto::DecisionStatus::Accepted { decision_id, case_state, .. } = statuses[0]
        else {
            continue;
        };
        report.decisions += 1;
        // The supervisor looks at every third decided case later that day: agrees with most,
        // overturns one in five of those (which sends it back to the queue by default).
        if case_state == kyc_model::CaseState::Decided && i % 3 == 0 {
            let overturn = i % 15 == 0;
            let request = kyc_proto::VerdictRequest {
                decision_id,
                verdict: if overturn {
                    kyc_proto::VerdictKind::Overturn
                } else {
                    kyc_proto::VerdictKind::Agree
                },
                note: overturn.then(|| "demo: the document check was missed".to_owned()),
                corrected: None,
            };
            store.give_verdict(&supervisor.id, &request, &policy, decided_at + 3_600_000)?;
            report.verdicts += 1;
        }
    }
    Ok(report)
}
