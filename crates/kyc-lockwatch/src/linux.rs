//! Linux: logind on the system bus and the desktop's screensaver on the session bus.

use futures_util::{Stream, StreamExt};
use tokio::task::JoinHandle;
use zbus::Connection;
use zbus::zvariant::{OwnedFd, OwnedObjectPath};

use crate::{LockCause, LockHandler, LockSignals, Mechanism, WatchError};

/// A D-Bus bus to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bus {
    /// The system bus (`DBUS_SYSTEM_BUS_ADDRESS`, else the standard socket).
    System,
    /// The user's session bus (`DBUS_SESSION_BUS_ADDRESS`).
    Session,
    /// A bus at this address (tests: a private `dbus-daemon`).
    Address(String),
}

impl Bus {
    async fn connect(&self) -> zbus::Result<Connection> {
        match self {
            Bus::System => Connection::system().await,
            Bus::Session => Connection::session().await,
            Bus::Address(address) => {
                zbus::connection::Builder::address(address.as_str())?.build().await
            }
        }
    }
}

#[zbus::proxy(
    interface = "org.freedesktop.login1.Manager",
    default_service = "org.freedesktop.login1",
    default_path = "/org/freedesktop/login1",
    gen_blocking = false
)]
trait Manager {
    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, pid: u32) -> zbus::Result<OwnedObjectPath>;
    fn get_session(&self, session_id: &str) -> zbus::Result<OwnedObjectPath>;
    fn inhibit(&self, what: &str, who: &str, why: &str, mode: &str) -> zbus::Result<OwnedFd>;
    #[zbus(signal)]
    fn prepare_for_sleep(&self, start: bool) -> zbus::Result<()>;
}

#[zbus::proxy(
    interface = "org.freedesktop.login1.Session",
    default_service = "org.freedesktop.login1",
    gen_blocking = false
)]
trait Session {
    #[zbus(signal)]
    fn lock(&self) -> zbus::Result<()>;
    #[zbus(property)]
    fn locked_hint(&self) -> zbus::Result<bool>;
}

#[zbus::proxy(
    interface = "org.freedesktop.ScreenSaver",
    default_service = "org.freedesktop.ScreenSaver",
    default_path = "/org/freedesktop/ScreenSaver",
    gen_blocking = false
)]
trait ScreenSaverService {
    fn get_active(&self) -> zbus::Result<bool>;
    #[zbus(signal)]
    fn active_changed(&self, new_value: bool) -> zbus::Result<()>;
}

fn unavailable(service: &'static str) -> impl Fn(zbus::Error) -> WatchError {
    move |e| WatchError::Unavailable { service, reason: e.to_string() }
}

/// The next item of an optional stream; never, when there is no stream.
async fn next_of<S: Stream + Unpin>(stream: &mut Option<S>) -> Option<S::Item> {
    match stream {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

/// A delay inhibitor: logind waits (up to its `InhibitDelayMaxSec`) until the fd is closed
/// before the machine sleeps.
async fn inhibit(manager: &ManagerProxy<'_>) -> zbus::Result<OwnedFd> {
    manager.inhibit("sleep", "KYC Desk", "Lock the vault before sleep", "delay").await
}

/// logind: this process's session (`Lock`, `LockedHint`) and the machine's sleep
/// (`PrepareForSleep`, with a delay inhibitor released once the lock is done and taken again
/// on resume).
#[derive(Debug, Clone)]
pub struct Logind {
    bus: Bus,
}

impl Logind {
    /// logind on `bus` (normally [`Bus::System`]).
    pub fn new(bus: Bus) -> Logind {
        Logind { bus }
    }
}

impl LockSignals for Logind {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Logind
    }

    async fn start(self, on_lock: LockHandler) -> Result<JoinHandle<()>, WatchError> {
        let fail = unavailable("logind");
        let conn = self.bus.connect().await.map_err(&fail)?;
        let manager = ManagerProxy::new(&conn).await.map_err(&fail)?;
        let mut sleeps = manager.receive_prepare_for_sleep().await.map_err(&fail)?;
        // The first call that needs logind itself: without it, this source is not available.
        let mut inhibitor = Some(inhibit(&manager).await.map_err(&fail)?);
        let path = match manager.get_session_by_pid(std::process::id()).await {
            Ok(path) => Ok(path),
            Err(_) => manager.get_session("auto").await,
        };
        let session = match path {
            Ok(path) => Some(
                SessionProxy::builder(&conn)
                    .path(path)
                    .map_err(&fail)?
                    .build()
                    .await
                    .map_err(&fail)?,
            ),
            Err(e) => {
                tracing::warn!(error = %e, "no logind session for this process: sleep only");
                None
            }
        };
        let (mut locks, mut hints) = match &session {
            Some(s) => {
                let locks = s.receive_lock().await.map_err(&fail)?;
                let hints = s.receive_locked_hint_changed().await;
                // Waits for the property cache, so no hint change after `start` is missed.
                s.locked_hint().await.map_err(&fail)?;
                (Some(locks), Some(hints))
            }
            None => (None, None),
        };
        Ok(tokio::spawn(async move {
            // The proxies borrow the connection; keep them for the task's life.
            let _session = session;
            loop {
                tokio::select! {
                    Some(_) = next_of(&mut locks) => on_lock(LockCause::SessionLocked).await,
                    Some(hint) = next_of(&mut hints) => {
                        if hint.get().await.unwrap_or(false) {
                            on_lock(LockCause::SessionLocked).await;
                        }
                    }
                    Some(signal) = sleeps.next() => match signal.args().map(|a| a.start) {
                        Ok(true) => {
                            on_lock(LockCause::Sleep).await;
                            // Closing the fd lets the machine sleep: the lock is done.
                            drop(inhibitor.take());
                            tracing::info!("locked before sleep; inhibitor released");
                        }
                        Ok(false) => {
                            inhibitor = match inhibit(&manager).await {
                                Ok(fd) => Some(fd),
                                Err(e) => {
                                    tracing::warn!(error = %e, "no sleep inhibitor after resume");
                                    None
                                }
                            };
                        }
                        Err(e) => tracing::warn!(error = %e, "unreadable PrepareForSleep"),
                    },
                    else => break,
                }
            }
            tracing::warn!("logind signals ended");
        }))
    }
}

/// The desktop's screensaver (`org.freedesktop.ScreenSaver` on the session bus, where the
/// desktop offers it): `ActiveChanged(true)` locks.
#[derive(Debug, Clone)]
pub struct ScreenSaver {
    bus: Bus,
}

impl ScreenSaver {
    /// The screensaver on `bus` (normally [`Bus::Session`]).
    pub fn new(bus: Bus) -> ScreenSaver {
        ScreenSaver { bus }
    }
}

impl LockSignals for ScreenSaver {
    fn mechanism(&self) -> Mechanism {
        Mechanism::ScreenSaver
    }

    async fn start(self, on_lock: LockHandler) -> Result<JoinHandle<()>, WatchError> {
        let fail = unavailable("screensaver");
        let conn = self.bus.connect().await.map_err(&fail)?;
        let screensaver = ScreenSaverServiceProxy::new(&conn).await.map_err(&fail)?;
        let mut changes = screensaver.receive_active_changed().await.map_err(&fail)?;
        // Answers only where a screensaver is there.
        screensaver.get_active().await.map_err(&fail)?;
        Ok(tokio::spawn(async move {
            let _screensaver = screensaver;
            while let Some(signal) = changes.next().await {
                if signal.args().is_ok_and(|a| a.new_value) {
                    on_lock(LockCause::SessionLocked).await;
                }
            }
            tracing::warn!("screensaver signals ended");
        }))
    }
}
