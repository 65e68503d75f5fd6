//! [`Desk`]: the reviewer workstation's application state — the session state machine
//! (signed out → unlocked ⇄ locked → signed out, wiped), the [`Workstation`] with its vault,
//! the push loop and lease renewals, the idle lock, the undo window and active time per case.
//!
//! Every command the shell delegates to is a method here. Blocking work (Argon2id, SQLite,
//! decryption) runs on `spawn_blocking`; no lock is held across an `.await`.
//!
//! **Undo window.** A decision is validated against the case at once, then held in memory for
//! [`DeskConfig::undo_window`] (10 s) before it is written to the vault's outbox — so the push
//! waits for it without any change to the outbox, and undo is dropping it. Locking, signing
//! out and quitting write held decisions first. The cost: a crash inside the window loses
//! that one decision (the case is still ready, nothing is doubled).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use kyc_model::{CaseId, Decision, DocumentKind, LocalState, Outcome, ReasonCode};
use kyc_sync::{CancellationToken, PushLoop, PushStatus, SyncError, Workstation};
use kyc_vault::{AuditAction, AuditEvent, KdfParams, OutboxPayload, Variant, VaultError};
use time::OffsetDateTime;
use tokio::task::JoinHandle;

use crate::error::{AppError, ErrorCode};
use crate::ipc::{
    CaseView, DecisionInput, DecisionView, DeskEvent, DeskState, Lang, LockReason, LockWatch,
    LoginRequest, OfflineWipeNotice, OutcomeCode, Phase, PullFailed, PullProgress, PullSummary,
    PushState, QueueItem, QueueState, ReasonOption, Role, Session, SignOutReport, SignedOutReason,
};
use crate::mask::{self, StoredMedia};
use crate::media::MediaResponse;
use crate::session::{self, SessionConfig};
use kyc_proto::{ClientPolicy, Secret};

/// Receives desk events (the shell wraps a `tauri::ipc::Channel`).
pub type EventSink = Arc<dyn Fn(DeskEvent) + Send + Sync>;
/// Receives pull progress.
pub type ProgressSink = Arc<dyn Fn(PullProgress) + Send + Sync>;

/// Shortest and longest reason for revealing a field, in characters.
pub const REVEAL_REASON_CHARS: std::ops::RangeInclusive<usize> = 3..=200;
/// Most cases one pull may ask for.
pub const MAX_PULL: u32 = 500;
pub use crate::settings::SETTINGS_FILE;
use crate::settings::Settings;

/// How the desk runs.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// Sign-in and sync settings (data directory, KDF, timeouts).
    pub session: SessionConfig,
    /// Idle time after which the desk locks itself (default 5 minutes), clamped into the
    /// hub policy's bounds (`idle_lock_min_secs..=idle_lock_max_secs`).
    pub idle_lock: Duration,
    /// Tests only: an idle lock used as is, outside the policy's bounds (`None` in the app).
    pub idle_lock_override: Option<Duration>,
    /// How long a decision can be undone before it is written and pushed (default 10 s).
    pub undo_window: Duration,
    /// How often the desk looks at its timers.
    pub tick: Duration,
    /// The app's log directory, whose files the support bundle carries (none in tests that
    /// do not log to files).
    pub log_dir: Option<PathBuf>,
    /// The wall clock of the maximum-offline rule (tests move it forward).
    pub clock: fn() -> OffsetDateTime,
}

impl DeskConfig {
    /// Product defaults over `data_dir`.
    pub fn new(data_dir: PathBuf) -> DeskConfig {
        DeskConfig {
            session: SessionConfig {
                data_dir,
                kdf: KdfParams::default(),
                sync: kyc_sync::SyncOptions::default(),
                connect_timeout: Duration::from_secs(10),
                request_timeout: Duration::from_secs(30),
                network: crate::session::NetworkConfig::default(),
                min_hub_api_version: kyc_proto::API_VERSION,
            },
            idle_lock: Duration::from_secs(5 * 60),
            idle_lock_override: None,
            undo_window: Duration::from_secs(10),
            tick: Duration::from_millis(250),
            log_dir: None,
            clock: OffsetDateTime::now_utc,
        }
    }
}

/// Active time of one case: the case open and the desk unlocked, on a monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
struct Clock {
    total: Duration,
    since: Option<Instant>,
}

impl Clock {
    fn start(&mut self) {
        self.since.get_or_insert_with(Instant::now);
    }
    fn stop(&mut self) {
        if let Some(t) = self.since.take() {
            self.total += t.elapsed();
        }
    }
    fn elapsed(&self) -> Duration {
        self.total + self.since.map_or(Duration::ZERO, |t| t.elapsed())
    }
}

struct Held {
    decision: Decision,
    deadline: Instant,
    undo_until_ms: i64,
}

struct Active {
    ws: Arc<Workstation>,
    session: Session,
    account_dir: PathBuf,
    locked: Option<LockReason>,
    online: bool,
    push_state: PushState,
    push: Option<PushLoop>,
    tasks: Vec<JoinHandle<()>>,
    held: HashMap<CaseId, Held>,
    clocks: HashMap<CaseId, Clock>,
    open: Option<CaseId>,
    last_activity: Instant,
    /// Decisions in the outbox (cases `Decided` in the vault), refreshed off the main thread.
    written: u32,
    /// The idle-lock timeout in force (the default or the reviewer's choice, within `policy`).
    idle_lock: Duration,
    /// The hub's client policy as the vault keeps it.
    policy: ClientPolicy,
    /// What the maximum-offline rule wiped at this session's start or last unlock.
    offline_wipe: Option<OfflineWipeNotice>,
}

/// The IPC name of a lock-watch mechanism.
fn lock_watch_of(mechanism: kyc_lockwatch::Mechanism) -> LockWatch {
    use kyc_lockwatch::Mechanism as M;
    match mechanism {
        M::Logind => LockWatch::Logind,
        M::ScreenSaver => LockWatch::Screensaver,
        M::WindowsSession => LockWatch::Windows,
        M::MacosWorkspace => LockWatch::Macos,
        M::TimeJump => LockWatch::TimeJump,
    }
}

/// `wanted` clamped into the policy's idle-lock bounds.
fn clamp_idle_lock(wanted: Duration, policy: &ClientPolicy) -> Duration {
    let secs = wanted.as_secs().clamp(
        u64::from(policy.idle_lock_min_secs),
        u64::from(policy.idle_lock_max_secs.max(policy.idle_lock_min_secs)),
    );
    Duration::from_secs(secs)
}

#[derive(Default)]
struct Inner {
    active: Option<Active>,
    signing_in: bool,
    signed_out_reason: Option<SignedOutReason>,
    lang: Option<Lang>,
}

/// The reviewer workstation. Share it as `Arc<Desk>`.
pub struct Desk {
    config: DeskConfig,
    inner: Mutex<Inner>,
    events: Mutex<Option<EventSink>>,
    pull_cancel: Mutex<Option<CancellationToken>>,
    /// Active time of decided cases, kept until the wire carries it (see `decide`).
    active_ms: Mutex<HashMap<CaseId, u64>>,
    /// The last errors commands answered, codes only, for the support bundle.
    pub(crate) recent_errors: Mutex<std::collections::VecDeque<crate::support::RecentError>>,
    /// The watch on the OS session lock and sleep (`watch_os_lock`); dropping it stops it.
    os_watch: Mutex<Option<kyc_lockwatch::LockWatch>>,
    /// Supervisors' decisions on escalations and disputes as first sent, by idempotency key:
    /// a retry of the same decision resends exactly this one (see `supervise`).
    pub(crate) queue_sent: Mutex<HashMap<String, kyc_proto::EscalationDecision>>,
    /// A supervisor's open case with its evidence, in memory only (see [`crate::evidence`]).
    pub(crate) evidence: Mutex<Option<crate::evidence::Evidence>>,
}

pub(crate) fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn unix_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::internal("blocking task panicked"))?
        .map_err(AppError::from)
}

async fn blocking_sync<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::internal("blocking task panicked"))?
        .map_err(AppError::from)
}

/// A case from the vault and what the vault holds of each of its media (type, variants).
async fn stored_case(
    vault: Arc<kyc_vault::Vault>,
    id: CaseId,
) -> Result<(kyc_model::Case, HashMap<kyc_model::MediaId, StoredMedia>), AppError> {
    blocking(move || {
        let case = vault.case(&id)?;
        let mut stored = HashMap::new();
        for mid in case.media_ids() {
            let mut variants = Vec::new();
            let mut content_type = None;
            for variant in [Variant::Display, Variant::Thumbnail, Variant::Original] {
                match vault.media_info(mid, variant) {
                    Ok(info) => {
                        content_type.get_or_insert(info.content_type.mime().to_owned());
                        variants.push(variant.code().to_owned());
                    }
                    Err(VaultError::MediaNotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            if let Some(content_type) = content_type {
                stored.insert(mid.clone(), StoredMedia { content_type, variants });
            }
        }
        Ok((case, stored))
    })
    .await
}

fn parse_case_id(id: &str) -> Result<CaseId, AppError> {
    CaseId::parse(id).map_err(|_| AppError::not_found("case"))
}

fn pull_reason(reason: &kyc_sync::PullFailure) -> &'static str {
    use kyc_sync::PullFailure as F;
    match reason {
        F::Digest { .. } => "digest",
        F::Size { .. } => "size",
        F::ContentType { .. } => "content_type",
        F::Media { .. } => "media",
        F::LeaseLost => "lease_lost",
        F::Unavailable => "unavailable",
        _ => "vault",
    }
}

impl Desk {
    /// A signed-out desk over `config.session.data_dir`.
    pub fn new(config: DeskConfig) -> Arc<Desk> {
        Arc::new(Desk {
            config,
            inner: Mutex::new(Inner::default()),
            events: Mutex::new(None),
            pull_cancel: Mutex::new(None),
            active_ms: Mutex::new(HashMap::new()),
            recent_errors: Mutex::new(std::collections::VecDeque::new()),
            os_watch: Mutex::new(None),
            queue_sent: Mutex::new(HashMap::new()),
            evidence: Mutex::new(None),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DeskConfig {
        &self.config
    }

    fn lang_of(&self, inner: &Inner) -> Lang {
        inner.lang.unwrap_or_else(|| {
            Settings::load(&self.config.session.data_dir).lang.unwrap_or(Lang::En)
        })
    }

    /// What the login screen shows: [`crate::app_info`], with the hub address signed in to
    /// last when no demo address is given.
    pub async fn app_info(&self) -> crate::AppInfo {
        let mut info = crate::app_info();
        if info.default_hub_url.is_none() {
            let dir = self.config.session.data_dir.clone();
            info.default_hub_url = tokio::task::spawn_blocking(move || Settings::load(&dir))
                .await
                .unwrap_or_default()
                .last_hub_url;
        }
        info
    }

    /// The UI language.
    pub fn lang(&self) -> Lang {
        let inner = guard(&self.inner);
        self.lang_of(&inner)
    }

    /// Sets and persists the UI language (check explanations and reason labels follow it):
    /// for the login screen on this machine, and for the signed-in account.
    pub async fn set_language(&self, lang: Lang) -> Result<(), AppError> {
        let account_dir = {
            let mut inner = guard(&self.inner);
            inner.lang = Some(lang);
            inner.active.as_ref().map(|a| a.account_dir.clone())
        };
        let dir = self.config.session.data_dir.clone();
        blocking(move || {
            Settings::update(&dir, |s| s.lang = Some(lang))?;
            if let Some(account_dir) = account_dir {
                Settings::update(&account_dir, |s| s.lang = Some(lang))?;
            }
            Ok(())
        })
        .await?;
        self.emit_state();
        Ok(())
    }

    /// Sends events to `sink` from now on (one subscriber: the main window).
    pub fn subscribe(&self, sink: EventSink) {
        *guard(&self.events) = Some(sink.clone());
        sink(DeskEvent::State { state: self.state() });
    }

    fn emit(&self, event: DeskEvent) {
        let sink = guard(&self.events).clone();
        if let Some(sink) = sink {
            sink(event);
        }
    }

    fn emit_state(&self) {
        self.emit(DeskEvent::State { state: self.state() });
    }

    /// The desk's state.
    pub fn state(&self) -> DeskState {
        let lock_watch = guard(&self.os_watch).as_ref().map(|w| lock_watch_of(w.mechanism()));
        let inner = guard(&self.inner);
        let lang = self.lang_of(&inner);
        match &inner.active {
            None => DeskState {
                phase: Phase::SignedOut,
                session: None,
                online: false,
                pending_push: 0,
                push: PushState::Stopped,
                idle_lock_secs: self.config.idle_lock.as_secs() as u32,
                idle_lock_min_secs: ClientPolicy::default().idle_lock_min_secs,
                idle_lock_max_secs: ClientPolicy::default().idle_lock_max_secs,
                offline_wipe: None,
                lock_reason: None,
                lock_watch,
                signed_out_reason: inner.signed_out_reason,
                lang,
            },
            Some(a) => {
                let decided = a.written as usize;
                DeskState {
                    phase: if a.locked.is_some() { Phase::Locked } else { Phase::Unlocked },
                    session: Some(a.session.clone()),
                    online: a.online,
                    pending_push: (decided + a.held.len()) as u32,
                    push: a.push_state,
                    idle_lock_secs: a.idle_lock.as_secs() as u32,
                    idle_lock_min_secs: a.policy.idle_lock_min_secs,
                    idle_lock_max_secs: a.policy.idle_lock_max_secs,
                    offline_wipe: a.offline_wipe,
                    lock_reason: a.locked,
                    lock_watch,
                    signed_out_reason: None,
                    lang,
                }
            }
        }
    }

    /// The workstation, if signed in and unlocked.
    fn unlocked(&self) -> Result<Arc<Workstation>, AppError> {
        let inner = guard(&self.inner);
        match &inner.active {
            None => Err(AppError::new(ErrorCode::OnlineSignInRequired, "Sign in first.")),
            Some(a) if a.locked.is_some() => {
                Err(AppError::new(ErrorCode::Locked, "The desk is locked; unlock it first."))
            }
            Some(a) => Ok(a.ws.clone()),
        }
    }

    /// For supervisor and administrator calls: the unlocked session's workstation (its hub
    /// client), account directory and account id; `forbidden` for a reviewer.
    pub(crate) fn supervisor_session(
        &self,
    ) -> Result<(Arc<Workstation>, std::path::PathBuf, String), AppError> {
        let ws = self.unlocked()?;
        let inner = guard(&self.inner);
        let a = inner.active.as_ref().ok_or_else(|| AppError::not_found("session"))?;
        if a.session.role == Role::Reviewer {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "Supervisor mode is for supervisors and administrators.",
            ));
        }
        Ok((ws, a.account_dir.clone(), a.session.user_id.clone()))
    }

    /// The signed-in administrator's hub session: (workstation, own account id). Administrator
    /// mode is for the admin role only.
    pub(crate) fn admin_session(&self) -> Result<(Arc<Workstation>, String), AppError> {
        let ws = self.unlocked()?;
        let inner = guard(&self.inner);
        let a = inner.active.as_ref().ok_or_else(|| AppError::not_found("session"))?;
        if a.session.role != Role::Admin {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "Administrator mode is for administrators.",
            ));
        }
        Ok((ws, a.session.user_id.clone()))
    }

    /// [`Desk::sync_error`] for the online-only modes (supervisor, administrator): an
    /// unreachable hub is `offline`, with `why` saying plainly what needs it.
    pub(crate) fn online_only(&self, e: SyncError, why: &'static str) -> AppError {
        let e = self.sync_error(e);
        if e.code == ErrorCode::HubUnreachable { AppError::new(ErrorCode::Offline, why) } else { e }
    }

    /// Maps a sync error, handling revocation (vault already wiped by kyc-sync) on the way.
    pub(crate) fn sync_error(&self, e: SyncError) -> AppError {
        match e {
            SyncError::AccountRevoked => {
                self.end_session(SignedOutReason::Revoked);
                SyncError::AccountRevoked.into()
            }
            SyncError::Unavailable { .. } => {
                self.set_online(false);
                e.into()
            }
            SyncError::Vault(VaultError::Wiped) => {
                self.end_session(SignedOutReason::TooManyAttempts);
                e.into()
            }
            e => e.into(),
        }
    }

    fn set_online(&self, online: bool) {
        let changed = {
            let mut inner = guard(&self.inner);
            match inner.active.as_mut() {
                Some(a) if a.online != online => {
                    a.online = online;
                    true
                }
                _ => false,
            }
        };
        if changed {
            self.emit_state();
        }
    }

    /// Recounts the decisions waiting in the outbox (a plain-column read, works locked).
    async fn refresh_pending(&self) {
        let Some(ws) = guard(&self.inner).active.as_ref().map(|a| a.ws.clone()) else { return };
        let vault = ws.vault().clone();
        let count = blocking(move || {
            Ok(vault.list_cases()?.iter().filter(|c| c.state == LocalState::Decided).count())
        })
        .await;
        if let (Ok(n), Some(a)) = (count, guard(&self.inner).active.as_mut()) {
            a.written = n as u32;
        }
    }

    /// Drops the session (after a wipe by sign-out, revocation or too many attempts): stops the
    /// push loop and the timers.
    fn end_session(&self, reason: SignedOutReason) {
        self.release_evidence();
        let active = {
            let mut inner = guard(&self.inner);
            inner.signed_out_reason = Some(reason);
            inner.active.take()
        };
        if let Some(mut a) = active {
            a.ws.vault().lock();
            for t in a.tasks.drain(..) {
                t.abort();
            }
            if let Some(push) = a.push.take() {
                tokio::spawn(push.stop());
            }
        }
        guard(&self.active_ms).clear();
        self.emit_state();
        self.emit(DeskEvent::QueueChanged);
    }

    // ----- session -----

    /// Signs in (online, or offline with a vault already here) and starts the push loop,
    /// lease renewals and the idle timer.
    pub async fn sign_in(self: &Arc<Self>, request: LoginRequest) -> Result<DeskState, AppError> {
        let hub = crate::login::validate(&request)?;
        {
            let mut inner = guard(&self.inner);
            if inner.active.is_some() || inner.signing_in {
                return Err(AppError::new(ErrorCode::Invalid, "Already signed in."));
            }
            inner.signing_in = true;
        }
        let user = request.user.trim().to_owned();
        let result = session::sign_in(&self.config.session, hub, &user, &request.password).await;
        let result = match result {
            Ok(opened) => match self.apply_offline_rules(&opened.ws, opened.online, None).await {
                Ok(rules) => Ok((opened, rules)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let account_settings = match &result {
            Ok((opened, _)) => {
                let (data_dir, account_dir) =
                    (self.config.session.data_dir.clone(), opened.account_dir.clone());
                let hub_url = hub_origin_of(&request.hub_url);
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = Settings::update(&data_dir, |s| s.last_hub_url = hub_url) {
                        tracing::warn!(error = %e, "the last hub address was not kept");
                    }
                    Settings::load(&account_dir)
                })
                .await
                .unwrap_or_default()
            }
            Err(_) => Settings::default(),
        };
        {
            let mut inner = guard(&self.inner);
            inner.signing_in = false;
            let (opened, (policy, offline_wipe)) = match result {
                Ok(o) => o,
                Err(e) => {
                    if e.code == ErrorCode::Revoked {
                        inner.signed_out_reason = Some(SignedOutReason::Revoked);
                    }
                    return Err(e);
                }
            };
            // This reviewer's own preferences.
            if let Some(lang) = account_settings.lang {
                inner.lang = Some(lang);
            }
            let idle_lock_choice =
                account_settings.idle_lock_secs.map(|s| Duration::from_secs(s.into()));
            tracing::info!(
                user = %opened.session.user_id,
                role = ?opened.session.role,
                online = opened.online,
                "signed in"
            );
            let push = opened.ws.spawn_push_loop();
            let mut tasks = vec![self.watch_push(push.status())];
            tasks.push(self.tick_task());
            inner.signed_out_reason = None;
            inner.active = Some(Active {
                ws: opened.ws,
                session: opened.session,
                account_dir: opened.account_dir,
                locked: None,
                online: opened.online,
                push_state: PushState::Idle,
                push: Some(push),
                tasks,
                held: HashMap::new(),
                clocks: HashMap::new(),
                open: None,
                last_activity: Instant::now(),
                written: 0,
                idle_lock: self.config.idle_lock_override.unwrap_or_else(|| {
                    clamp_idle_lock(idle_lock_choice.unwrap_or(self.config.idle_lock), &policy)
                }),
                policy,
                offline_wipe,
            });
        }
        self.refresh_pending().await;
        let state = self.state();
        self.emit(DeskEvent::State { state: state.clone() });
        Ok(state)
    }

    /// At a start or an unlock, with the vault unlocked: fetches the hub's client policy when
    /// online (kept in the vault), then applies the maximum offline time
    /// ([`Workstation::enforce_offline_limit`]). `seen`: a hub contact made while locked.
    async fn apply_offline_rules(
        &self,
        ws: &Arc<Workstation>,
        online: bool,
        seen: Option<OffsetDateTime>,
    ) -> Result<(ClientPolicy, Option<OfflineWipeNotice>), AppError> {
        if online && let Err(e) = ws.refresh_client_policy().await {
            if matches!(e, SyncError::AccountRevoked) {
                return Err(e.into());
            }
            tracing::info!(error = %e, "client policy not refreshed; the stored one applies");
        }
        let policy = {
            let ws = ws.clone();
            blocking_sync(move || ws.client_policy()).await?
        };
        let wipe = ws.enforce_offline_limit((self.config.clock)(), seen).await?;
        let notice = wipe.map(|w| OfflineWipeNotice {
            cases_removed: w.cases_removed,
            kept_decisions: w.decisions_kept,
            max_offline_hours: policy.max_offline_hours,
        });
        if notice.is_some() {
            self.emit(DeskEvent::QueueChanged);
        }
        Ok((policy, notice))
    }

    /// Sets the idle-lock timeout, within the policy's bounds (`invalid` outside them), and
    /// keeps it in the settings file for the next sign-in (clamped again then).
    pub async fn set_idle_lock(&self, secs: u32) -> Result<DeskState, AppError> {
        {
            let mut inner = guard(&self.inner);
            let a = inner
                .active
                .as_mut()
                .ok_or_else(|| AppError::new(ErrorCode::OnlineSignInRequired, "Sign in first."))?;
            let (min, max) = (a.policy.idle_lock_min_secs, a.policy.idle_lock_max_secs);
            if !(min..=max).contains(&secs) {
                return Err(AppError::new(
                    ErrorCode::Invalid,
                    format!("The idle lock must be between {min} and {max} seconds."),
                ));
            }
            a.idle_lock = Duration::from_secs(secs.into());
            a.last_activity = Instant::now();
        }
        let dir = guard(&self.inner).active.as_ref().map(|a| a.account_dir.clone());
        if let Some(dir) = dir {
            blocking(move || Ok(Settings::update(&dir, |s| s.idle_lock_secs = Some(secs))?))
                .await?;
        }
        let state = self.state();
        self.emit(DeskEvent::State { state: state.clone() });
        Ok(state)
    }

    fn watch_push(
        self: &Arc<Self>,
        mut status: tokio::sync::watch::Receiver<PushStatus>,
    ) -> JoinHandle<()> {
        let desk: Weak<Desk> = Arc::downgrade(self);
        tokio::spawn(async move {
            while status.changed().await.is_ok() {
                let s = *status.borrow_and_update();
                let Some(desk) = desk.upgrade() else { return };
                // The loop reports `Revoked` and then `Stopped` at once; a watch may show only
                // the last, so a stopped loop over a wiped vault is a revocation too.
                let wiped = || {
                    let inner = guard(&desk.inner);
                    inner.active.as_ref().is_some_and(|a| {
                        matches!(a.ws.vault().failed_unlocks(), Err(VaultError::Wiped))
                    })
                };
                if s == PushStatus::Revoked || (s == PushStatus::Stopped && wiped()) {
                    desk.end_session(SignedOutReason::Revoked);
                    return;
                }
                let (push_state, online) = match s {
                    PushStatus::Idle => (PushState::Idle, Some(true)),
                    PushStatus::Pushing => (PushState::Pushing, None),
                    PushStatus::Retrying { .. } => (PushState::Retrying, Some(false)),
                    PushStatus::SignedOut => (PushState::SignInRequired, None),
                    _ => (PushState::Stopped, None),
                };
                {
                    let mut inner = guard(&desk.inner);
                    let Some(a) = inner.active.as_mut() else { return };
                    a.push_state = push_state;
                    // Idle after a push means the hub answered; a signed-out client did not
                    // reach it, so `online` stays as it was.
                    if let Some(online) = online
                        && (!online || a.ws.client().is_signed_in())
                    {
                        a.online = online;
                    }
                }
                desk.refresh_pending().await;
                desk.emit_state();
                if s == PushStatus::Idle {
                    desk.emit(DeskEvent::QueueChanged);
                }
            }
        })
    }

    fn tick_task(self: &Arc<Self>) -> JoinHandle<()> {
        let desk: Weak<Desk> = Arc::downgrade(self);
        let every = self.config.tick;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(desk) = desk.upgrade() else { return };
                desk.flush_held(false).await;
                let idle = {
                    let inner = guard(&desk.inner);
                    inner.active.as_ref().is_some_and(|a| {
                        a.locked.is_none() && a.last_activity.elapsed() >= a.idle_lock
                    })
                };
                if idle {
                    let _ = desk.lock_for(LockReason::Idle).await;
                }
            }
        })
    }

    /// Writes held decisions whose undo window has passed (all of them with `all`) to the
    /// vault's outbox and nudges the push.
    async fn flush_held(&self, all: bool) {
        let (ws, due) = {
            let mut inner = guard(&self.inner);
            let Some(a) = inner.active.as_mut() else { return };
            let now = Instant::now();
            let ids: Vec<CaseId> = a
                .held
                .iter()
                .filter(|(_, h)| all || h.deadline <= now)
                .map(|(id, _)| id.clone())
                .collect();
            let due: Vec<Held> = ids.iter().filter_map(|id| a.held.remove(id)).collect();
            (a.ws.clone(), due)
        };
        if due.is_empty() {
            return;
        }
        for held in due {
            let vault = ws.vault().clone();
            let decision = held.decision;
            if let Err(e) = blocking(move || vault.record_decision(&decision)).await {
                // Validated when made; only a vault failure gets here. Logged by code.
                tracing::error!(code = ?e.code, "a held decision could not be written");
            }
        }
        if let Some(push) = guard(&self.inner).active.as_ref().and_then(|a| a.push.as_ref()) {
            push.nudge();
        }
        self.refresh_pending().await;
        self.emit(DeskEvent::QueueChanged);
        self.emit_state();
    }

    /// The UI reports user activity (keys, pointer); the idle timer restarts.
    pub fn activity(&self) {
        if let Some(a) = guard(&self.inner).active.as_mut() {
            a.last_activity = Instant::now();
        }
    }

    /// Locks the desk now (button, `Ctrl+L`).
    pub async fn lock(&self) -> Result<DeskState, AppError> {
        self.lock_for(LockReason::Manual).await
    }

    /// Starts watching the operating system's session lock and sleep (logind, the
    /// screensaver, the platform's notifications, and the clock-jump fallback) and locks the
    /// desk on each signal; before sleep the lock is done before the machine may sleep.
    /// `DeskState.lockWatch` names the mechanism. Calling it again replaces the watch.
    pub async fn watch_os_lock(self: &Arc<Self>, options: kyc_lockwatch::WatchOptions) {
        let desk: Weak<Desk> = Arc::downgrade(self);
        let on_lock: kyc_lockwatch::LockHandler = Arc::new(move |cause| {
            let desk = desk.clone();
            Box::pin(async move {
                if let Some(desk) = desk.upgrade() {
                    desk.os_lock(cause).await;
                }
            })
        });
        let watch = kyc_lockwatch::watch(options, on_lock).await;
        *guard(&self.os_watch) = Some(watch);
        self.emit_state();
    }

    /// Locks because the operating system locked or the machine sleeps; nothing to do when
    /// signed out or already locked.
    pub async fn os_lock(&self, cause: kyc_lockwatch::LockCause) {
        use kyc_lockwatch::LockCause;
        let reason = match cause {
            LockCause::SessionLocked => LockReason::OsLocked,
            LockCause::Sleep | LockCause::ClockJump => LockReason::Suspend,
        };
        let signed_in = guard(&self.inner).active.is_some();
        if signed_in {
            // Only fails when signed out meanwhile: nothing left to lock.
            let _ = self.lock_for(reason).await;
        }
    }

    async fn lock_for(&self, reason: LockReason) -> Result<DeskState, AppError> {
        // A supervisor's open case is let go of at once: nothing of it outlives the unlock.
        self.release_evidence();
        // Held decisions go to the outbox while the key is still in memory.
        self.flush_held(true).await;
        {
            let mut inner = guard(&self.inner);
            let Some(a) = inner.active.as_mut() else {
                return Err(AppError::new(ErrorCode::OnlineSignInRequired, "Sign in first."));
            };
            if a.locked.is_none() {
                tracing::info!(reason = ?reason, "locked");
                a.locked = Some(reason);
                for clock in a.clocks.values_mut() {
                    clock.stop();
                }
                a.ws.vault().lock();
            }
        }
        let state = self.state();
        self.emit(DeskEvent::State { state: state.clone() });
        Ok(state)
    }

    /// Unlocks with the password (offline too; the vault's failed-unlock limit applies). When
    /// the hub session is gone, signs in again with the same password before pushing.
    pub async fn unlock(&self, password: Secret) -> Result<DeskState, AppError> {
        let (ws, user) = {
            let inner = guard(&self.inner);
            let a = inner
                .active
                .as_ref()
                .ok_or_else(|| AppError::new(ErrorCode::OnlineSignInRequired, "Sign in first."))?;
            (a.ws.clone(), a.session.username.clone())
        };
        let seen = ws.client().last_contact();
        let unlocked = match session::unlock(&ws, &user, &password).await {
            Ok(online) => match self.apply_offline_rules(&ws, online, seen).await {
                Ok(rules) => Ok((online, rules)),
                Err(e) => {
                    // The rules could not be applied: the desk stays locked.
                    ws.vault().lock();
                    Err(e)
                }
            },
            Err(e) => Err(e),
        };
        match unlocked {
            Ok((online, (policy, offline_wipe))) => {
                tracing::info!(online, "unlocked");
                let mut inner = guard(&self.inner);
                if let Some(a) = inner.active.as_mut() {
                    a.locked = None;
                    a.last_activity = Instant::now();
                    if self.config.idle_lock_override.is_none() {
                        a.idle_lock = clamp_idle_lock(a.idle_lock, &policy);
                    }
                    a.policy = policy;
                    if offline_wipe.is_some() {
                        a.offline_wipe = offline_wipe;
                    }
                    if online {
                        a.online = true;
                    }
                    if let Some(open) = a.open.clone() {
                        a.clocks.entry(open).or_default().start();
                    }
                    if let Some(push) = &a.push {
                        push.nudge();
                    }
                }
            }
            Err(e) => {
                match e.code {
                    ErrorCode::Revoked => self.end_session(SignedOutReason::Revoked),
                    ErrorCode::Wiped => self.end_session(SignedOutReason::TooManyAttempts),
                    _ => {}
                }
                return Err(e);
            }
        }
        let state = self.state();
        self.emit(DeskEvent::State { state: state.clone() });
        Ok(state)
    }

    /// Signs out: writes held decisions, pushes everything, releases undecided cases, ends the
    /// hub session and wipes the vault. If decisions cannot be pushed, returns
    /// `pending_decisions` and changes nothing — unless `discard_confirmation` is the typed
    /// `DISCARD`, which discards them (a discard notice reaches the hub's audit chain at the
    /// next sign-in).
    pub async fn sign_out(
        &self,
        discard_confirmation: Option<String>,
    ) -> Result<SignOutReport, AppError> {
        let ws = self.unlocked()?;
        self.flush_held(true).await;
        let pending = ws.pending_counts().map_err(|e| self.sync_error(e))?.0;
        let result = match ws.logout().await {
            Err(SyncError::PendingDecisions { .. }) if discard_confirmation.is_some() => {
                let text = discard_confirmation.unwrap_or_default();
                ws.logout_discarding(text.trim()).await.map(|r| (r, pending))
            }
            other => other.map(|r| (r, 0)),
        };
        let (report, discarded) = result.map_err(|e| self.sync_error(e))?;
        let account_dir = guard(&self.inner).active.as_ref().map(|a| a.account_dir.clone());
        self.end_session(SignedOutReason::SignedOut);
        let wiped = account_dir.is_some_and(|d| !d.join(session::VAULT_DIR).exists());
        tracing::info!(wiped, discarded, released = report.released, "signed out");
        Ok(SignOutReport { wiped, discarded, released: report.released })
    }

    /// Before the app quits: writes held decisions, stops the push loop and timers, and
    /// closes the vault (kept on disk, locked) so the next start signs in to it again.
    pub async fn shutdown(&self) {
        self.release_evidence();
        self.flush_held(true).await;
        let active = guard(&self.inner).active.take();
        if let Some(mut a) = active {
            for t in a.tasks.drain(..) {
                t.abort();
            }
            if let Some(push) = a.push.take() {
                push.stop().await;
            }
            a.ws.vault().lock();
        }
    }

    // ----- pulling and the queue -----

    /// Leases up to `max_cases` and makes them ready, reporting progress; `cancel_pull` stops
    /// it (cases not stored are given back).
    pub async fn pull(
        &self,
        max_cases: u32,
        progress: ProgressSink,
    ) -> Result<PullSummary, AppError> {
        self.pull_with(max_cases, false, progress).await
    }

    /// [`Desk::pull`]; `offline`: a pull for offline work, whose leases last the policy's
    /// offline lease hours.
    pub async fn pull_with(
        &self,
        max_cases: u32,
        offline: bool,
        progress: ProgressSink,
    ) -> Result<PullSummary, AppError> {
        if max_cases == 0 || max_cases > MAX_PULL {
            return Err(AppError::new(
                ErrorCode::Invalid,
                format!("Pull between 1 and {MAX_PULL} cases."),
            ));
        }
        let ws = self.unlocked()?;
        let cancel = CancellationToken::new();
        *guard(&self.pull_cancel) = Some(cancel.clone());
        let (tx, mut rx) = tokio::sync::watch::channel(kyc_sync::PullProgress::default());
        let forward = tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                let p = *rx.borrow_and_update();
                progress(PullProgress {
                    done: p.cases_done,
                    total: p.cases_total,
                    bytes: p.bytes_done,
                    bytes_total: p.bytes_total,
                });
            }
        });
        let result = ws.pull_with(max_cases, offline, Some(&tx), &cancel).await;
        drop(tx);
        let _ = forward.await;
        *guard(&self.pull_cancel) = None;
        let report = result.map_err(|e| self.sync_error(e))?;
        tracing::info!(
            stored = report.stored.len(),
            failed = report.failed.len(),
            cancelled = report.cancelled,
            "pulled"
        );
        self.set_online(true);
        self.refresh_pending().await;
        self.emit(DeskEvent::QueueChanged);
        self.emit_state();
        Ok(PullSummary {
            pulled: report.stored.len() as u32,
            failed: report
                .failed
                .iter()
                .map(|f| PullFailed {
                    case_id: f.case_id.to_string(),
                    reason: pull_reason(&f.reason).to_owned(),
                })
                .collect(),
            cancelled: report.cancelled,
        })
    }

    /// Cancels the pull in progress, if any.
    pub fn cancel_pull(&self) {
        if let Some(c) = guard(&self.pull_cancel).as_ref() {
            c.cancel();
        }
    }

    /// The queue: every case on this desk with its state (works while locked, from plain
    /// columns only; conflict reasons need the key and are left out then).
    pub async fn queue(&self) -> Result<Vec<QueueItem>, AppError> {
        let (ws, held, locked) = {
            let inner = guard(&self.inner);
            let a = inner
                .active
                .as_ref()
                .ok_or_else(|| AppError::new(ErrorCode::OnlineSignInRequired, "Sign in first."))?;
            let held: HashMap<CaseId, i64> =
                a.held.iter().map(|(id, h)| (id.clone(), h.undo_until_ms)).collect();
            (a.ws.clone(), held, a.locked.is_some())
        };
        let vault = ws.vault().clone();
        let (cases, settled) = blocking(move || {
            let cases = vault.list_cases()?;
            let settled = if locked { Vec::new() } else { vault.settled_outbox()? };
            Ok((cases, settled))
        })
        .await?;
        if let Some(a) = guard(&self.inner).active.as_mut() {
            a.written = cases.iter().filter(|c| c.state == LocalState::Decided).count() as u32;
        }
        let detail: HashMap<CaseId, String> = settled
            .into_iter()
            .filter(|e| matches!(e.payload, OutboxPayload::Decision(_)))
            .filter_map(|e| Some((e.case_id?, e.detail.unwrap_or_default())))
            .collect();
        Ok(cases
            .into_iter()
            .filter_map(|c| {
                let undo_until = held.get(&c.id).copied();
                let state = match c.state {
                    LocalState::Ready if undo_until.is_some() => QueueState::Decided,
                    LocalState::Ready => QueueState::Ready,
                    LocalState::Decided => QueueState::WaitingPush,
                    LocalState::Conflict => QueueState::Conflict,
                    LocalState::Failed => QueueState::Failed,
                    _ => return None,
                };
                Some(QueueItem {
                    state_detail: detail.get(&c.id).cloned(),
                    case_id: c.id.to_string(),
                    kind: mask::case_kind_code(c.kind),
                    priority: mask::code_of(&c.priority),
                    state,
                    lease_expires_at: unix_ms(c.lease_expires_at),
                    undo_until,
                    n_media: c.n_media,
                })
            })
            .collect())
    }

    async fn queue_item(&self, id: &CaseId) -> Result<QueueItem, AppError> {
        self.queue()
            .await?
            .into_iter()
            .find(|q| q.case_id == id.as_str())
            .ok_or_else(|| AppError::not_found("case"))
    }

    /// Acknowledges a conflict or failure (or gives up an undecided case): it leaves the desk.
    pub async fn dismiss_case(&self, case_id: &str) -> Result<(), AppError> {
        let id = parse_case_id(case_id)?;
        let ws = self.unlocked()?;
        let vault = ws.vault().clone();
        blocking(move || vault.dismiss_case(&id)).await?;
        self.emit(DeskEvent::QueueChanged);
        Ok(())
    }

    // ----- the case view -----

    /// Opens a case: the masked view, and its active-time clock starts (the previous open
    /// case's stops).
    pub async fn open_case(&self, case_id: &str) -> Result<CaseView, AppError> {
        let id = parse_case_id(case_id)?;
        let ws = self.unlocked()?;
        let lang = self.lang();
        let item = self.queue_item(&id).await?;
        let (case, stored) = stored_case(ws.vault().clone(), id.clone()).await?;
        let (watermark, held_decision, first_open) = {
            let mut inner = guard(&self.inner);
            let a = inner.active.as_mut().ok_or_else(|| AppError::not_found("session"))?;
            if let Some(prev) = a.open.take()
                && let Some(c) = a.clocks.get_mut(&prev)
            {
                c.stop();
            }
            let first_open = !a.clocks.contains_key(&id);
            a.clocks.entry(id.clone()).or_default().start();
            a.open = Some(id.clone());
            (a.session.user_id.clone(), a.held.get(&id).map(|h| h.decision.clone()), first_open)
        };
        // Who looked at whose data is part of the trail: the first open of a case in a
        // sign-in is audited (paging back and forth with j/k is not a new look each time).
        if first_open {
            let vault = ws.vault().clone();
            let event = AuditEvent {
                case_id: Some(id.clone()),
                action: AuditAction::CaseOpened,
                at: OffsetDateTime::now_utc(),
            };
            blocking(move || vault.queue_audit_event(&event)).await?;
        }
        let mut view =
            mask::case_view(&case, item.state, item.lease_expires_at, lang, watermark, |mid| {
                stored.get(mid).map(|s| StoredMedia {
                    content_type: s.content_type.clone(),
                    variants: s.variants.clone(),
                })
            });
        let decision = match held_decision {
            Some(d) => Some(d),
            None if item.state != QueueState::Ready => {
                let vault = ws.vault().clone();
                let entries = blocking(move || {
                    let mut all = vault.outbox()?;
                    all.extend(vault.settled_outbox()?);
                    Ok(all)
                })
                .await?;
                entries.into_iter().find_map(|e| match e.payload {
                    OutboxPayload::Decision(d) if d.case_id == id => Some(d),
                    _ => None,
                })
            }
            None => None,
        };
        view.decision = decision.map(|d| decision_view(&d));
        Ok(view)
    }

    /// Closes the open case: its active-time clock stops.
    pub fn close_case(&self, case_id: &str) {
        let Ok(id) = CaseId::parse(case_id) else { return };
        let mut inner = guard(&self.inner);
        if let Some(a) = inner.active.as_mut() {
            if let Some(c) = a.clocks.get_mut(&id) {
                c.stop();
            }
            if a.open.as_ref() == Some(&id) {
                a.open = None;
            }
        }
    }

    /// The masked view of a ready case without opening it: no active-time clock starts and
    /// nothing is audited. The UI asks for the case the "next case" key would open while the
    /// reviewer looks at the current one, so that case shows at once (and its images can be
    /// decoded ahead); `open_case` still follows and its answer replaces this one. `None`
    /// when the case is not ready or a decision on it is held: such a view carries a
    /// decision, and is shown only as `open_case` answers it.
    pub async fn peek_case(&self, case_id: &str) -> Result<Option<CaseView>, AppError> {
        let id = parse_case_id(case_id)?;
        let ws = self.unlocked()?;
        let lang = self.lang();
        let item = self.queue_item(&id).await?;
        if item.state != QueueState::Ready {
            return Ok(None);
        }
        let watermark = {
            let inner = guard(&self.inner);
            let a = inner.active.as_ref().ok_or_else(|| AppError::not_found("session"))?;
            if a.held.contains_key(&id) {
                return Ok(None);
            }
            a.session.user_id.clone()
        };
        let (case, stored) = stored_case(ws.vault().clone(), id).await?;
        Ok(Some(mask::case_view(
            &case,
            item.state,
            item.lease_expires_at,
            lang,
            watermark,
            |mid| {
                stored.get(mid).map(|s| StoredMedia {
                    content_type: s.content_type.clone(),
                    variants: s.variants.clone(),
                })
            },
        )))
    }

    /// Active time of a case so far (open and unlocked), in milliseconds.
    pub fn active_ms(&self, case_id: &str) -> Option<u64> {
        let id = CaseId::parse(case_id).ok()?;
        if let Some(ms) = guard(&self.active_ms).get(&id) {
            return Some(*ms);
        }
        let inner = guard(&self.inner);
        inner.active.as_ref()?.clocks.get(&id).map(|c| c.elapsed().as_millis() as u64)
    }

    /// Reveals one masked value (`applicant.name`, `doc.0.number`, `check.3`) and queues a
    /// `field_revealed` audit event with the reason (3–200 characters).
    pub async fn reveal(
        &self,
        case_id: &str,
        field: &str,
        reason: &str,
    ) -> Result<String, AppError> {
        let id = parse_case_id(case_id)?;
        let reason = reason.trim();
        if !REVEAL_REASON_CHARS.contains(&reason.chars().count()) {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "Give a reason of 3 to 200 characters for revealing the field.",
            ));
        }
        if field.len() > 64
            || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            return Err(AppError::not_found("field"));
        }
        let lang = self.lang();
        // A supervisor's open case: revealed from memory, recorded on the hub at once.
        if let Some(answer) = self.supervisor_reveal(&id, field, reason, lang).await {
            return answer;
        }
        let ws = self.unlocked()?;
        let vault = ws.vault().clone();
        let (field, reason) = (field.to_owned(), reason.to_owned());
        let value = blocking(move || {
            let case = vault.case(&id)?;
            let Some(value) = mask::reveal_value(&case, &field, lang) else {
                return Ok(None);
            };
            let event = AuditEvent {
                case_id: Some(id),
                action: AuditAction::FieldRevealed { field, reason },
                at: OffsetDateTime::now_utc(),
            };
            vault.queue_audit_event(&event)?;
            Ok(Some(value))
        })
        .await?
        .ok_or_else(|| AppError::not_found("field"))?;
        if let Some(push) = guard(&self.inner).active.as_ref().and_then(|a| a.push.as_ref()) {
            push.nudge();
        }
        Ok(value)
    }

    /// The rejection reasons in the desk's language.
    pub fn reason_catalogue(&self) -> Vec<ReasonOption> {
        let lang = self.lang();
        ReasonCode::ALL
            .iter()
            .map(|r| ReasonOption {
                code: r.code().to_owned(),
                label: match lang {
                    Lang::En => r.label_en(),
                    Lang::ZhCn => r.label_zh(),
                }
                .to_owned(),
            })
            .collect()
    }

    // ----- deciding -----

    /// Decides a case. The decision is checked against the case now (approve without
    /// consent is refused with the rule), then held for the undo window, then written to the
    /// outbox and pushed. The case's active time stops.
    pub async fn decide(&self, input: DecisionInput) -> Result<QueueItem, AppError> {
        let id = parse_case_id(&input.case_id)?;
        let outcome = outcome_of(&input)?;
        let note = input.note.filter(|n| !n.trim().is_empty());
        let applicant_text = input.applicant_text.filter(|t| !t.trim().is_empty());
        let ws = self.unlocked()?;
        let item = self.queue_item(&id).await?;
        if item.state != QueueState::Ready {
            return Err(AppError::new(ErrorCode::Conflict, "This case is already decided."));
        }
        let mut decision = Decision {
            case_id: id.clone(),
            outcome,
            note,
            decided_at: OffsetDateTime::now_utc(),
            active_ms: None,
            applicant_text,
        };
        let vault = ws.vault().clone();
        let check = decision.clone();
        blocking(move || {
            let case = vault.case(&check.case_id)?;
            check.validate(&case).map_err(VaultError::InvalidDecision)
        })
        .await?;
        let window = self.config.undo_window;
        {
            let mut inner = guard(&self.inner);
            let a = inner.active.as_mut().ok_or_else(|| AppError::not_found("session"))?;
            if a.held.contains_key(&id) {
                return Err(AppError::new(ErrorCode::Conflict, "This case is already decided."));
            }
            let ms = a.clocks.get_mut(&id).map_or(0, |c| {
                c.stop();
                c.elapsed().as_millis() as u64
            });
            // Sent with the decision; the hub clamps it to its own lease-to-receipt interval.
            decision.active_ms = Some(ms);
            guard(&self.active_ms).insert(id.clone(), ms);
            if a.open.as_ref() == Some(&id) {
                a.open = None;
            }
            let undo_until_ms = unix_ms(OffsetDateTime::now_utc()) + window.as_millis() as i64;
            a.held.insert(
                id.clone(),
                Held { decision, deadline: Instant::now() + window, undo_until_ms },
            );
        }
        if window.is_zero() {
            self.flush_held(true).await;
        }
        self.emit(DeskEvent::QueueChanged);
        self.emit_state();
        self.queue_item(&id).await
    }

    /// Takes a decision back within the undo window: the case is ready again.
    pub async fn undo_decision(&self, case_id: &str) -> Result<QueueItem, AppError> {
        let id = parse_case_id(case_id)?;
        {
            let mut inner = guard(&self.inner);
            let a = inner.active.as_mut().ok_or_else(|| AppError::not_found("session"))?;
            if a.locked.is_some() {
                return Err(AppError::new(ErrorCode::Locked, "The desk is locked."));
            }
            let open = a.held.get(&id).is_some_and(|h| h.deadline > Instant::now());
            if !open {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "The decision can no longer be undone; it is saved for the hub.",
                ));
            }
            a.held.remove(&id);
            guard(&self.active_ms).remove(&id);
        }
        self.emit(DeskEvent::QueueChanged);
        self.emit_state();
        self.queue_item(&id).await
    }

    // ----- media -----

    /// Answers a `media://` request (`path` = `/<media id>/<variant>`) from a supervisor's
    /// open case held in memory, else from the vault, decrypted in memory. Unknown,
    /// path-like, or asked while locked: 404.
    pub async fn media(&self, path: String, range: Option<String>) -> MediaResponse {
        let Ok(ws) = self.unlocked() else { return MediaResponse::not_found() };
        // A supervisor's open case, held in memory (see `crate::evidence`).
        if let Some(answer) = self.evidence_media(&path, range.as_deref()) {
            return answer;
        }
        let vault = ws.vault().clone();
        tokio::task::spawn_blocking(move || crate::media::serve(&vault, &path, range.as_deref()))
            .await
            .unwrap_or_else(|_| MediaResponse::not_found())
    }
}

fn decision_view(d: &Decision) -> DecisionView {
    let (reasons, documents): (Vec<String>, Vec<String>) = match &d.outcome {
        Outcome::Reject { reasons } => {
            (reasons.iter().map(|r| r.code().to_owned()).collect(), vec![])
        }
        Outcome::RequestResubmission { documents, reasons } => (
            reasons.iter().map(|r| r.code().to_owned()).collect(),
            documents.iter().map(mask::code_of).collect(),
        ),
        _ => (vec![], vec![]),
    };
    DecisionView { outcome: d.outcome.code().to_owned(), reasons, documents }
}

pub(crate) fn outcome_of(input: &DecisionInput) -> Result<Outcome, AppError> {
    let reasons = input
        .reasons
        .iter()
        .map(|c| {
            ReasonCode::from_code(c).ok_or_else(|| {
                AppError::new(ErrorCode::Invalid, "A reason code is not in the catalogue.")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let documents = input
        .documents
        .iter()
        .map(|c| {
            serde_json::from_value::<DocumentKind>(serde_json::Value::String(c.clone()))
                .map_err(|_| AppError::new(ErrorCode::Invalid, "A document kind is not known."))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match input.outcome {
        OutcomeCode::Approve => Outcome::Approve,
        OutcomeCode::Reject => Outcome::Reject { reasons },
        OutcomeCode::Resubmit => Outcome::RequestResubmission { documents, reasons },
        OutcomeCode::Escalate => Outcome::Escalate,
    })
}

/// The hub address as the login screen should offer it next time: scheme, host and port only.
fn hub_origin_of(typed: &str) -> Option<String> {
    let url = url::Url::parse(typed.trim()).ok()?;
    Some(url.origin().ascii_serialization()).filter(|o| o != "null")
}
