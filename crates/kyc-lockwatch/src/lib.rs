//! Watches the operating system for the moments the vault must lock: the session locking and
//! the machine going to sleep.
//!
//! Every source of such signals is one [`LockSignals`] implementation:
//! - Linux: [`Logind`] on the system bus (the session's `Lock` signal, its `LockedHint`
//!   property, `PrepareForSleep` with a delay inhibitor so the lock finishes before the machine
//!   sleeps) and [`ScreenSaver`] on the session bus (`ActiveChanged(true)`);
//! - Windows and macOS: small watchers of the platforms' own notifications (behind `cfg`;
//!   not compiled on the Linux-only build machines);
//! - everywhere: [`TimeJump`], which notices that wall-clock time ran ahead of monotonic time
//!   (the monotonic clock stops while the machine sleeps) and reports the resume.
//!
//! [`watch`] starts every source available here and reports the strongest one running as the
//! [`Mechanism`] the UI names. The owner decides what locking means; the watcher only awaits the
//! handler before it lets the machine sleep.

#![warn(missing_docs)]
#![deny(unsafe_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::task::JoinHandle;

#[cfg(target_os = "linux")]
mod linux;
// The platforms' notification APIs are C and Objective-C: calling them is unsafe.
#[cfg(target_os = "macos")]
#[allow(unsafe_code)]
mod macos;
mod time_jump;
#[cfg(windows)]
#[allow(unsafe_code)]
mod windows;

#[cfg(target_os = "linux")]
pub use linux::{Bus, Logind, ScreenSaver};
#[cfg(target_os = "macos")]
pub use macos::MacosWorkspace;
pub use time_jump::{TimeJump, WallClock};
#[cfg(windows)]
pub use windows::WindowsSession;

/// Why the operating system wants the desk locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockCause {
    /// The OS session was locked (logind `Lock` or `LockedHint`, the screensaver came on,
    /// Windows' session lock, macOS' screen lock).
    SessionLocked,
    /// The machine is about to sleep; it waits (within the OS's delay) for the handler.
    Sleep,
    /// Wall-clock time jumped ahead of monotonic time: the machine slept and has resumed.
    ClockJump,
}

/// Which source of lock signals is the strongest one running, for the UI to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// logind on the system bus (session lock, lock hint, sleep with an inhibitor).
    Logind,
    /// Only the desktop's screensaver on the session bus.
    ScreenSaver,
    /// Windows' session-change and power notifications.
    WindowsSession,
    /// macOS' screen-lock and sleep notifications.
    MacosWorkspace,
    /// Only the wall-clock jump fallback: the lock comes on resume, not before sleep.
    TimeJump,
}

/// What the watcher awaits on every signal: lock the desk, then return.
pub type LockFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
/// The owner's reaction to a lock signal (called once per signal, awaited before the machine
/// may sleep).
pub type LockHandler = Arc<dyn Fn(LockCause) -> LockFuture + Send + Sync>;

/// Why a source of lock signals is not available here.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The bus could not be reached or the service is not on it.
    #[error("{service} is not available: {reason}")]
    Unavailable {
        /// The service asked for (`logind`, `screensaver`, ...).
        service: &'static str,
        /// What failed (a D-Bus error name or an OS error; never user data).
        reason: String,
    },
}

/// One source of lock signals.
pub trait LockSignals: Send + 'static {
    /// The mechanism this source is, for the UI.
    fn mechanism(&self) -> Mechanism;

    /// Connects and subscribes; on success the returned task calls `on_lock` for every signal
    /// until it is aborted. Fails when the source is not available on this machine.
    fn start(
        self,
        on_lock: LockHandler,
    ) -> impl Future<Output = Result<JoinHandle<()>, WatchError>> + Send;
}

/// Where [`watch`] looks for lock signals.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The system bus logind is on (`None`: do not ask logind).
    #[cfg(target_os = "linux")]
    pub system_bus: Option<Bus>,
    /// The session bus the screensaver is on (`None`: do not ask the screensaver).
    #[cfg(target_os = "linux")]
    pub session_bus: Option<Bus>,
    /// The fallback, always running as a second guard.
    pub time_jump: TimeJump,
}

impl Default for WatchOptions {
    /// The platform's buses at their standard addresses and the default fallback.
    fn default() -> Self {
        WatchOptions {
            #[cfg(target_os = "linux")]
            system_bus: Some(Bus::System),
            #[cfg(target_os = "linux")]
            session_bus: Some(Bus::Session),
            time_jump: TimeJump::default(),
        }
    }
}

/// The sources running; dropping it stops them all.
#[derive(Debug)]
pub struct LockWatch {
    mechanism: Mechanism,
    tasks: Vec<JoinHandle<()>>,
}

impl LockWatch {
    /// The strongest source running (what the UI names).
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }
}

impl Drop for LockWatch {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// How long a source may take to connect and subscribe (a bus that accepts the connection but
/// never answers must not keep the others from starting).
const START_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Starts `source`, adding its task to `tasks`; logs (no user data) when it is not available.
async fn start_into(
    source: impl LockSignals,
    on_lock: &LockHandler,
    tasks: &mut Vec<JoinHandle<()>>,
) -> Option<Mechanism> {
    let mechanism = source.mechanism();
    match tokio::time::timeout(START_TIMEOUT, source.start(on_lock.clone())).await {
        Ok(Ok(task)) => {
            tracing::info!(?mechanism, "lock signals watched");
            tasks.push(task);
            Some(mechanism)
        }
        Ok(Err(e)) => {
            tracing::info!(?mechanism, error = %e, "lock signals not available");
            None
        }
        Err(_) => {
            tracing::warn!(?mechanism, "lock signals not available: no answer in time");
            None
        }
    }
}

/// Starts every source available here (the time-jump fallback first, which always runs, then
/// the platform's) and reports the strongest one.
pub async fn watch(options: WatchOptions, on_lock: LockHandler) -> LockWatch {
    let mut tasks = Vec::new();
    let fallback = start_into(options.time_jump, &on_lock, &mut tasks).await;
    let mut best = None;
    #[cfg(target_os = "linux")]
    {
        if let Some(bus) = options.system_bus {
            best = best.or(start_into(Logind::new(bus), &on_lock, &mut tasks).await);
        }
        if let Some(bus) = options.session_bus {
            let screensaver = start_into(ScreenSaver::new(bus), &on_lock, &mut tasks).await;
            best = best.or(screensaver);
        }
    }
    #[cfg(windows)]
    {
        best = best.or(start_into(WindowsSession, &on_lock, &mut tasks).await);
    }
    #[cfg(target_os = "macos")]
    {
        best = best.or(start_into(MacosWorkspace, &on_lock, &mut tasks).await);
    }
    LockWatch { mechanism: best.or(fallback).unwrap_or(Mechanism::TimeJump), tasks }
}
