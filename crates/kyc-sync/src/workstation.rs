//! [`Workstation`]: the hub client and the vault together — sign-in, lease renewal, logout
//! and revocation. Pulling is in `pull.rs`, pushing in `push.rs`.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use kyc_model::{CaseId, LocalState, UserId};
use kyc_proto::{AuditBatch, AuditEventIn, AuditEventKind, Role, Secret};
use kyc_vault::{OutboxPayload, Vault, VaultError};
use time::OffsetDateTime;

use crate::client::HubClient;
use crate::error::SyncError;
use crate::state::{DiscardNotice, StateFile};

/// The text a reviewer types to discard unpushed decisions at logout.
pub const DISCARD_CONFIRMATION: &str = "DISCARD";

/// Where the push task is in its work, for fault-injection tests (see [`SyncOptions::push_hook`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushPoint {
    /// A batch of `n` outbox entries is about to be sent (already marked sent).
    BeforeSend {
        /// Entries in the batch.
        n: usize,
    },
    /// The hub's answer arrived; nothing is marked yet.
    AfterResponse,
    /// The answer of entry `index` of the batch has been recorded in the vault.
    AfterMarked {
        /// Position in the batch.
        index: usize,
    },
}

/// A callback run at each [`PushPoint`]; tests use it to kill the process there.
pub type PushHook = Arc<dyn Fn(PushPoint) + Send + Sync>;

/// Exponential backoff with jitter for pushes that fail for transient reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay after the first failure (before jitter).
    pub base: Duration,
    /// Longest delay.
    pub ceiling: Duration,
}

impl Default for Backoff {
    /// 1 s, doubling, up to 5 min.
    fn default() -> Self {
        Backoff { base: Duration::from_secs(1), ceiling: Duration::from_secs(300) }
    }
}

impl Backoff {
    /// The delay before retry number `attempt` (1 for the first retry): `base · 2^(attempt-1)`
    /// capped at `ceiling`, then "equal jitter" (a random point in its upper half), so many
    /// workstations coming back online do not retry in step.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.ceiling);
        let half = full / 2;
        let jitter = rand::random_range(0.0..=1.0);
        half + half.mul_f64(jitter)
    }
}

/// Tuning of pulls and pushes.
#[derive(Clone)]
pub struct SyncOptions {
    /// Media downloads in flight at once, over all cases of a pull.
    pub media_concurrency: usize,
    /// Cases processed at once by a pull (download, renditions, sealing overlap).
    pub case_concurrency: usize,
    /// Tries per media download on transient failures before the case is given up.
    pub download_attempts: u32,
    /// Limits for decoding images and checking videos (default: the product's limits, as in `kyc_proto::limits`).
    pub media_limits: kyc_media::Limits,
    /// Backoff of the push loop.
    pub backoff: Backoff,
    /// How often the push loop renews leases.
    pub renew_every: Duration,
    /// How often the push loop looks at the outbox when nothing nudges it.
    pub idle_poll: Duration,
    /// Called at each [`PushPoint`] (fault-injection tests); `None` in the app.
    pub push_hook: Option<PushHook>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            media_concurrency: 4,
            case_concurrency: 2,
            download_attempts: 4,
            media_limits: kyc_media::Limits::default(),
            backoff: Backoff::default(),
            renew_every: Duration::from_secs(120),
            idle_poll: Duration::from_secs(30),
            push_hook: None,
        }
    }
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("media_concurrency", &self.media_concurrency)
            .field("case_concurrency", &self.case_concurrency)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

/// The signed-in account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Account id (opaque).
    pub user: UserId,
    /// Its role.
    pub role: Role,
    /// Absolute end of the session.
    pub expires_at: OffsetDateTime,
}

/// What a lease renewal did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenewReport {
    /// Leases renewed.
    pub renewed: u32,
    /// Cases whose lease is gone (expired and taken, or decided elsewhere).
    pub lost: Vec<CaseId>,
    /// Those of `lost` that held no pending decision: purged from the vault (payload, media
    /// and queue row). The others stay; their push comes back as a conflict.
    pub purged: Vec<CaseId>,
}

/// What a completed logout did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutReport {
    /// Undecided cases given back to the hub.
    pub released: u32,
    /// Whether the hub ended the session (false when it was unreachable).
    pub hub_session_ended: bool,
}

/// A reviewer's workstation: the hub client, the vault, and the sync state file.
///
/// Share it with `Arc`. Pulls and pushes may run at the same time; pushes are serialized.
pub struct Workstation {
    pub(crate) client: HubClient,
    pub(crate) vault: Arc<Vault>,
    pub(crate) state: StateFile,
    pub(crate) options: SyncOptions,
    pub(crate) session: Mutex<Option<Session>>,
    /// The keys of the current sign-in (for a password change).
    pub(crate) signed_in: Mutex<Option<crate::SignedIn>>,
    pub(crate) push_lock: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Workstation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workstation").field("client", &self.client).finish_non_exhaustive()
    }
}

impl Workstation {
    /// A workstation over an open vault. `data_dir` holds the sync state file (see
    /// [`crate::state`]); it is normally the parent of the vault's directory.
    pub fn new(
        client: HubClient,
        vault: Arc<Vault>,
        data_dir: &Path,
        options: SyncOptions,
    ) -> Workstation {
        Workstation {
            client,
            vault,
            state: StateFile::new(data_dir),
            options,
            session: Mutex::new(None),
            signed_in: Mutex::new(None),
            push_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The vault.
    pub fn vault(&self) -> &Arc<Vault> {
        &self.vault
    }

    /// The hub client.
    pub fn client(&self) -> &HubClient {
        &self.client
    }

    /// The signed-in account, if any.
    pub fn session(&self) -> Option<Session> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Signs in ([`crate::sign_in`]: prelogin, one derivation, login) and opens the vault
    /// with the derived key ([`crate::unlock_vault_online`]: recovers it after a password
    /// reset or after too many failed offline unlocks). A revoked account wipes the vault.
    /// Then reports discards recorded at an earlier logout of this account to the hub (kept
    /// for later if the hub refuses for a transient reason).
    pub async fn login(&self, username: &str, password: &Secret) -> Result<Session, SyncError> {
        let signed_in = self.guard(crate::sign_in(&self.client, username, password).await)?;
        match self.guard(crate::unlock_vault_online(&self.vault, &signed_in, &self.client).await) {
            // A vault wiped at logout or revocation has nothing to open; the app makes a new
            // one with `open_vault_online`.
            Ok(()) | Err(SyncError::Vault(kyc_vault::VaultError::Wiped)) => {}
            Err(e) => return Err(e),
        }
        self.adopt(signed_in).await
    }

    /// Takes over a sign-in made with this workstation's client ([`crate::sign_in`], its vault
    /// then opened with [`crate::open_vault_online`]), so the caller derives once: records
    /// the session and delivers discard notices as [`Workstation::login`] does.
    pub async fn adopt(&self, signed_in: crate::SignedIn) -> Result<Session, SyncError> {
        let session = signed_in.session();
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(session.clone());
        *self.signed_in.lock().unwrap_or_else(PoisonError::into_inner) = Some(signed_in);
        let user = session.user.clone();
        self.state.update(|s| s.account = Some(user))?;
        if let Err(e) = self.deliver_discard_notices(&session.user).await {
            tracing::warn!(error = %e, "discard notice not delivered yet");
            if matches!(e, SyncError::AccountRevoked) {
                return Err(e);
            }
        }
        Ok(session)
    }

    /// Unlocks the vault offline ([`crate::unlock_offline`]).
    pub async fn unlock_offline(&self, password: &Secret) -> Result<(), SyncError> {
        crate::unlock_offline(&self.vault, password).await
    }

    /// Changes the signed-in account's password, hub and vault ([`crate::change_password`]).
    pub async fn change_password(&self, current: &Secret, new: &Secret) -> Result<(), SyncError> {
        let previous = self
            .signed_in
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or(SyncError::Unauthorized)?;
        let result =
            crate::change_password(&self.client, &previous, &self.vault, current, new).await;
        let result = self.guard(result);
        let keep = match result {
            Ok(next) => {
                *self.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(next.session());
                next
            }
            Err(e) => {
                *self.signed_in.lock().unwrap_or_else(PoisonError::into_inner) = Some(previous);
                return Err(e);
            }
        };
        *self.signed_in.lock().unwrap_or_else(PoisonError::into_inner) = Some(keep);
        Ok(())
    }

    /// Checks the session with the hub.
    pub async fn me(&self) -> Result<kyc_proto::Me, SyncError> {
        self.guard(self.client.me().await)
    }

    /// Passes results through; on `AccountRevoked` wipes the vault first (DESIGN §3: a remote
    /// revoke destroys the local copy).
    pub(crate) fn guard<T>(&self, result: Result<T, SyncError>) -> Result<T, SyncError> {
        if let Err(SyncError::AccountRevoked) = &result {
            self.wipe_after_revocation();
        }
        result
    }

    fn wipe_after_revocation(&self) {
        tracing::warn!("account revoked: wiping the vault");
        if let Err(e) = self.vault.wipe() {
            tracing::error!(error = %e, "wipe after revocation failed");
        }
        // The leases die with the account; the journal has nothing left to give back.
        let _ = self.state.update(|s| {
            s.pulling.clear();
            s.account = None;
        });
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self.signed_in.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Renews the leases of every case still open on this workstation (ready, or decided and
    /// not yet pushed), and records the new expiries in the vault.
    pub async fn renew_leases(&self) -> Result<RenewReport, SyncError> {
        let ids = self.leased_case_ids()?;
        let mut report = RenewReport::default();
        for chunk in ids.chunks(200) {
            let resp = self.guard(self.client.renew(chunk.to_vec()).await)?;
            for lease in resp.renewed {
                match self.vault.set_lease(&lease.case_id, lease.lease_expires_at) {
                    Ok(()) | Err(VaultError::CaseNotFound(_)) => report.renewed += 1,
                    Err(e) => return Err(e.into()),
                }
            }
            report.lost.extend(resp.lost);
        }
        report.purged = self.purge_lost(&report.lost)?;
        Ok(report)
    }

    /// Purges the cases among `lost` that are still ready (no decision waiting): nothing may
    /// be done with them any more, and their data must not stay on the laptop.
    fn purge_lost(&self, lost: &[CaseId]) -> Result<Vec<CaseId>, SyncError> {
        if lost.is_empty() {
            return Ok(Vec::new());
        }
        let ready: std::collections::HashSet<CaseId> = self
            .vault
            .list_cases()?
            .into_iter()
            .filter(|c| c.state == LocalState::Ready)
            .map(|c| c.id)
            .collect();
        let mut purged = Vec::new();
        for id in lost.iter().filter(|id| ready.contains(*id)) {
            match self.vault.purge_case(id) {
                // Decided meanwhile: the decision stays, its push answers conflict.
                Ok(()) => purged.push(id.clone()),
                Err(VaultError::CaseNotFound(_) | VaultError::DecisionPending(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if !purged.is_empty() {
            tracing::info!(purged = purged.len(), "cases whose lease was lost purged");
        }
        Ok(purged)
    }

    /// Releases leases on the hub, 200 at a time; returns how many it released. Callers keep
    /// ids in the journal when this fails, so a later run gives them back.
    pub(crate) async fn release(&self, ids: &[CaseId]) -> Result<u32, SyncError> {
        let mut released = 0;
        for chunk in ids.chunks(200) {
            let resp = self.guard(self.client.release(chunk.to_vec()).await)?;
            released += resp.released.len() as u32;
        }
        Ok(released)
    }

    /// Gives back the leases of cases a pull leased but never stored (a pull cut short by a
    /// crash or a network failure), so the hub can hand them out again at once.
    pub async fn recover_interrupted_pull(&self) -> Result<u32, SyncError> {
        let journal = self.state.load()?.pulling;
        if journal.is_empty() {
            return Ok(0);
        }
        let stored: std::collections::HashSet<CaseId> =
            self.vault.list_cases()?.into_iter().map(|c| c.id).collect();
        let orphans: Vec<CaseId> =
            journal.iter().filter(|id| !stored.contains(id)).cloned().collect();
        let released = if orphans.is_empty() { 0 } else { self.release(&orphans).await? };
        self.state.update(|s| s.pulling.retain(|id| !journal.contains(id)))?;
        Ok(released)
    }

    /// Logs out: pushes the outbox first. If anything is left unpushed (the hub is
    /// unreachable), returns [`SyncError::PendingDecisions`] and changes nothing: the reviewer
    /// may stay (lock instead) or call [`Workstation::logout_discarding`]. Otherwise releases
    /// the undecided cases, ends the session on the hub and wipes the vault.
    pub async fn logout(&self) -> Result<LogoutReport, SyncError> {
        match self.push_now().await {
            Ok(_) => {}
            Err(SyncError::AccountRevoked) => return Err(SyncError::AccountRevoked),
            Err(e) => tracing::info!(error = %e, "push before logout incomplete"),
        }
        let (decisions, audit_events) = self.pending_counts()?;
        if decisions + audit_events > 0 {
            return Err(SyncError::PendingDecisions { count: decisions, audit_events });
        }
        self.finish_logout().await
    }

    /// Logs out although decisions are unpushed, after the reviewer typed
    /// [`DISCARD_CONFIRMATION`]. Records a discard notice (account and case ids only) outside
    /// the vault that a later login of the same account reports to the hub's audit chain,
    /// then logs out and wipes as [`Workstation::logout`] does. Unpushed audit events of the
    /// vault are discarded with it.
    pub async fn logout_discarding(&self, confirmation: &str) -> Result<LogoutReport, SyncError> {
        if confirmation != DISCARD_CONFIRMATION {
            return Err(SyncError::ConfirmationMismatch);
        }
        // Offline after a restart of the app there is no session: the account that signed in
        // last on this workstation is the one whose decisions these are.
        let user = match self.session() {
            Some(session) => session.user,
            None => self.state.load()?.account.ok_or(SyncError::Unauthorized)?,
        };
        let cases: Vec<CaseId> = self
            .vault
            .outbox()?
            .into_iter()
            .filter(|e| matches!(e.payload, OutboxPayload::Decision(_)))
            .filter_map(|e| e.case_id)
            .collect();
        if !cases.is_empty() {
            let notice = DiscardNotice { user, cases, at: OffsetDateTime::now_utc() };
            self.state.update(|s| s.discards.push(notice))?;
        }
        self.finish_logout().await
    }

    /// Unpushed (decisions, audit events) in the outbox.
    pub fn pending_counts(&self) -> Result<(u32, u32), SyncError> {
        let entries = self.vault.outbox()?;
        let decisions =
            entries.iter().filter(|e| matches!(e.payload, OutboxPayload::Decision(_))).count();
        Ok((decisions as u32, (entries.len() - decisions) as u32))
    }

    /// Cases in the vault still worked on under this workstation's lease: ready, or decided
    /// and not yet pushed. What lease renewal extends and logout gives back.
    fn leased_case_ids(&self) -> Result<Vec<CaseId>, SyncError> {
        Ok(self
            .vault
            .list_cases()?
            .into_iter()
            .filter(|c| matches!(c.state, LocalState::Ready | LocalState::Decided))
            .map(|c| c.id)
            .collect())
    }

    async fn finish_logout(&self) -> Result<LogoutReport, SyncError> {
        let mut report = LogoutReport::default();
        let mut give_back = self.leased_case_ids()?;
        give_back.extend(self.state.load()?.pulling);
        give_back.sort();
        give_back.dedup();
        // Best effort: offline, the leases simply expire on the hub.
        if !give_back.is_empty() {
            match self.release(&give_back).await {
                Ok(n) => report.released = n,
                Err(SyncError::AccountRevoked) => return Err(SyncError::AccountRevoked),
                Err(e) => tracing::info!(error = %e, "leases not released at logout"),
            }
        }
        report.hub_session_ended = self.client.logout().await.is_ok();
        self.vault.wipe()?;
        self.state.update(|s| {
            s.pulling.clear();
            s.account = None;
        })?;
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self.signed_in.lock().unwrap_or_else(PoisonError::into_inner) = None;
        Ok(report)
    }

    async fn deliver_discard_notices(&self, user: &UserId) -> Result<(), SyncError> {
        let notices: Vec<DiscardNotice> =
            self.state.load()?.discards.into_iter().filter(|n| &n.user == user).collect();
        for notice in notices {
            let events: Vec<AuditEventIn> = notice
                .cases
                .iter()
                .map(|case_id| {
                    Ok(AuditEventIn {
                        idempotency_key: crate::push::discard_event_key(user, case_id, notice.at)?,
                        case_id: case_id.clone(),
                        kind: AuditEventKind::DecisionsDiscarded { count: 1 },
                        at: notice.at,
                    })
                })
                .collect::<Result<_, SyncError>>()?;
            for chunk in events.chunks(500) {
                let batch = AuditBatch { events: chunk.to_vec() };
                match self.guard(self.client.push_audit(&batch).await) {
                    Ok(_) => {}
                    // A refusal that retrying cannot change: dropping the notice beats
                    // retrying it at every login forever. Logged without ids.
                    Err(SyncError::Forbidden | SyncError::Invalid { .. }) => {
                        tracing::warn!("the hub refused a discard notice; dropped")
                    }
                    Err(e) => return Err(e),
                }
            }
            self.state.update(|s| s.discards.retain(|n| n != &notice))?;
        }
        Ok(())
    }
}
