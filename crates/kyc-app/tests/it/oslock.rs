//! The desk locks when the machine does: a fake `org.freedesktop.login1` served with zbus on a
//! private `dbus-daemon` started by the test emits logind's signals and sets its lock hint; the
//! desk, signed in against a real hub, watches that bus as its system bus.

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use kyc_app::Desk;
use kyc_app::ipc::{LockReason, LockWatch, Phase};
use kyc_lockwatch::{Bus, TimeJump, WatchOptions};
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedFd, OwnedObjectPath};

use crate::support::*;

const DBUS_DAEMON: &str = "/usr/bin/dbus-daemon";
const MANAGER_PATH: &str = "/org/freedesktop/login1";
const SESSION_PATH: &str = "/org/freedesktop/login1/session/_31";

/// A private message bus in a temp dir; killed on drop.
struct PrivateBus {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    /// Starts `dbus-daemon` with a minimal configuration; fails loudly without it.
    fn start() -> PrivateBus {
        assert!(
            Path::new(DBUS_DAEMON).exists(),
            "{DBUS_DAEMON} is missing: install the `dbus-daemon` package (`cargo xtask setup`)"
        );
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("bus.conf");
        let socket = dir.path().join("bus");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .unwrap();
        let mut child = Command::new(DBUS_DAEMON)
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon did not start");
        let mut out = child.stdout.take().unwrap();
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        let address = String::from_utf8(line).unwrap();
        assert!(address.starts_with("unix:"), "dbus-daemon printed no address");
        PrivateBus { child, address, _dir: dir }
    }

    fn bus(&self) -> Bus {
        Bus::Address(self.address.clone())
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One inhibitor the fake handed out: what was asked, and what the probe saw when the app
/// closed its end.
struct Inhibitor {
    what: String,
    mode: String,
    /// Set at EOF: the probe's answer at that moment (was the desk locked?).
    released: Arc<OnceLock<bool>>,
}

/// Evaluated by the fake when an inhibitor is released.
type Probe = Arc<dyn Fn() -> bool + Send + Sync>;

struct FakeManager {
    inhibitors: Arc<Mutex<Vec<Inhibitor>>>,
    probe: Arc<Mutex<Option<Probe>>>,
}

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl FakeManager {
    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, _pid: u32) -> OwnedObjectPath {
        OwnedObjectPath::try_from(SESSION_PATH).unwrap()
    }

    fn get_session(&self, _id: &str) -> OwnedObjectPath {
        OwnedObjectPath::try_from(SESSION_PATH).unwrap()
    }

    /// Hands out one end of a socket pair and watches the other for EOF (the app closed it).
    fn inhibit(
        &self,
        what: &str,
        _who: &str,
        _why: &str,
        mode: &str,
    ) -> zbus::fdo::Result<OwnedFd> {
        let (mut ours, theirs) =
            UnixStream::pair().map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        let released = Arc::new(OnceLock::new());
        let (seen, probe) = (released.clone(), self.probe.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 16];
            while ours.read(&mut buf).is_ok_and(|n| n > 0) {}
            let probe = probe.lock().unwrap().clone();
            let _ = seen.set(probe.is_some_and(|p| p()));
        });
        self.inhibitors.lock().unwrap().push(Inhibitor {
            what: what.into(),
            mode: mode.into(),
            released,
        });
        Ok(OwnedFd::from(std::os::fd::OwnedFd::from(theirs)))
    }

    #[zbus(signal)]
    async fn prepare_for_sleep(emitter: &SignalEmitter<'_>, start: bool) -> zbus::Result<()>;
}

struct FakeSession {
    locked_hint: bool,
}

#[zbus::interface(name = "org.freedesktop.login1.Session")]
impl FakeSession {
    #[zbus(property)]
    fn locked_hint(&self) -> bool {
        self.locked_hint
    }

    #[zbus(signal)]
    async fn lock(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

/// `org.freedesktop.login1` on a private bus.
struct FakeLogind {
    conn: zbus::Connection,
    inhibitors: Arc<Mutex<Vec<Inhibitor>>>,
    probe: Arc<Mutex<Option<Probe>>>,
}

impl FakeLogind {
    async fn serve(bus: &PrivateBus) -> FakeLogind {
        let inhibitors = Arc::new(Mutex::new(Vec::new()));
        let probe = Arc::new(Mutex::new(None));
        let manager = FakeManager { inhibitors: inhibitors.clone(), probe: probe.clone() };
        let conn = zbus::connection::Builder::address(bus.address.as_str())
            .unwrap()
            .name("org.freedesktop.login1")
            .unwrap()
            .serve_at(MANAGER_PATH, manager)
            .unwrap()
            .serve_at(SESSION_PATH, FakeSession { locked_hint: false })
            .unwrap()
            .build()
            .await
            .unwrap();
        FakeLogind { conn, inhibitors, probe }
    }

    async fn emit_lock(&self) {
        let iface = self.conn.object_server().interface::<_, FakeSession>(SESSION_PATH).await;
        FakeSession::lock(iface.unwrap().signal_emitter()).await.unwrap();
    }

    async fn set_locked_hint(&self, hint: bool) {
        let iface = self.conn.object_server().interface::<_, FakeSession>(SESSION_PATH).await;
        let iface = iface.unwrap();
        let mut session = iface.get_mut().await;
        session.locked_hint = hint;
        session.locked_hint_changed(iface.signal_emitter()).await.unwrap();
    }

    async fn prepare_for_sleep(&self, start: bool) {
        let iface = self.conn.object_server().interface::<_, FakeManager>(MANAGER_PATH).await;
        FakeManager::prepare_for_sleep(iface.unwrap().signal_emitter(), start).await.unwrap();
    }

    fn inhibitor_count(&self) -> usize {
        self.inhibitors.lock().unwrap().len()
    }

    /// What the probe saw when inhibitor `i` was released (`None`: still held).
    fn released(&self, i: usize) -> Option<bool> {
        self.inhibitors.lock().unwrap()[i].released.get().copied()
    }
}

/// Watches logind on `bus` only (no session bus), with the fallback running beside it.
fn logind_only(bus: &PrivateBus) -> WatchOptions {
    WatchOptions { system_bus: Some(bus.bus()), session_bus: None, time_jump: TimeJump::default() }
}

/// A hub and a desk signed in against it.
async fn signed_in_desk() -> (Hub, tempfile::TempDir, Arc<Desk>) {
    let hub = Hub::start(&[], synth()).await;
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    desk.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!(desk.state().phase, Phase::Unlocked);
    (hub, data, desk)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logind_session_lock_signal_locks_the_desk_and_the_ui_names_logind() {
    let bus = PrivateBus::start();
    let logind = FakeLogind::serve(&bus).await;
    let (_hub, _data, desk) = signed_in_desk().await;
    desk.watch_os_lock(logind_only(&bus)).await;
    assert_eq!(desk.state().lock_watch, Some(LockWatch::Logind));
    let asked = {
        let inhibitors = logind.inhibitors.lock().unwrap();
        inhibitors.iter().map(|i| (i.what.clone(), i.mode.clone())).collect::<Vec<_>>()
    };
    assert_eq!(asked, [("sleep".to_owned(), "delay".to_owned())], "one delay inhibitor for sleep");

    logind.emit_lock().await;
    eventually(5, "the lock", || desk.state().phase == Phase::Locked).await;
    assert_eq!(desk.state().lock_reason, Some(LockReason::OsLocked));
    assert_eq!(logind.released(0), None, "the sleep inhibitor is kept while awake");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logind_locked_hint_going_true_locks_the_desk() {
    let bus = PrivateBus::start();
    let logind = FakeLogind::serve(&bus).await;
    let (_hub, _data, desk) = signed_in_desk().await;
    desk.watch_os_lock(logind_only(&bus)).await;

    logind.set_locked_hint(false).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(desk.state().phase, Phase::Unlocked, "a false hint does not lock");
    logind.set_locked_hint(true).await;
    eventually(5, "the lock", || desk.state().phase == Phase::Locked).await;
    assert_eq!(desk.state().lock_reason, Some(LockReason::OsLocked));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepare_for_sleep_locks_the_desk_before_the_inhibitor_is_released_and_resume_takes_a_new_one()
 {
    let bus = PrivateBus::start();
    let logind = FakeLogind::serve(&bus).await;
    let (_hub, _data, desk) = signed_in_desk().await;
    let probed = desk.clone();
    *logind.probe.lock().unwrap() = Some(Arc::new(move || probed.state().phase == Phase::Locked));
    desk.watch_os_lock(logind_only(&bus)).await;
    assert_eq!(logind.inhibitor_count(), 1, "an inhibitor is taken at start");

    logind.prepare_for_sleep(true).await;
    eventually(5, "the inhibitor's release", || logind.released(0).is_some()).await;
    assert_eq!(logind.released(0), Some(true), "the desk was locked when the fd closed");
    assert_eq!(desk.state().lock_reason, Some(LockReason::Suspend));

    logind.prepare_for_sleep(false).await;
    eventually(5, "a new inhibitor on resume", || logind.inhibitor_count() == 2).await;
    assert_eq!(logind.released(1), None, "the new inhibitor is held");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_logind_on_the_bus_the_time_jump_fallback_is_reported() {
    let bus = PrivateBus::start();
    let data = tempfile::tempdir().unwrap();
    let desk = desk(data.path());
    assert_eq!(desk.state().lock_watch, None, "nothing watched before the watch starts");
    desk.watch_os_lock(logind_only(&bus)).await;
    assert_eq!(desk.state().lock_watch, Some(LockWatch::TimeJump));
    let ts = kyc_app::bindings::typescript();
    assert!(ts.contains(r#""logind" | "screensaver" | "windows" | "macos" | "time_jump""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wall_clock_jump_locks_the_desk_on_resume_and_a_clock_set_back_does_not() {
    let (_hub, _data, desk) = signed_in_desk().await;
    let offset_secs = Arc::new(AtomicI64::new(0));
    let offset = offset_secs.clone();
    let wall = Arc::new(move || {
        let secs = offset.load(Ordering::SeqCst);
        let now = SystemTime::now();
        if secs >= 0 {
            now + Duration::from_secs(secs as u64)
        } else {
            now - Duration::from_secs(secs.unsigned_abs())
        }
    });
    let time_jump =
        TimeJump { every: Duration::from_millis(50), threshold: Duration::from_secs(30), wall };
    desk.watch_os_lock(WatchOptions { system_bus: None, session_bus: None, time_jump }).await;
    assert_eq!(desk.state().lock_watch, Some(LockWatch::TimeJump));

    offset_secs.store(-120, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(desk.state().phase, Phase::Unlocked, "a clock set back is not a sleep");
    offset_secs.store(-120 + 90, Ordering::SeqCst);
    eventually(5, "the lock on resume", || desk.state().phase == Phase::Locked).await;
    assert_eq!(desk.state().lock_reason, Some(LockReason::Suspend));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sleep_inhibitor_is_released_only_after_the_lock_handler_returned() {
    let bus = PrivateBus::start();
    let logind = FakeLogind::serve(&bus).await;
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = done.clone();
    *logind.probe.lock().unwrap() = Some(Arc::new(move || seen.load(Ordering::SeqCst)));
    let causes = Arc::new(Mutex::new(Vec::new()));
    let (record, finish) = (causes.clone(), done.clone());
    // A lock that takes a while (a slow disk): the machine must wait for it.
    let on_lock: kyc_lockwatch::LockHandler = Arc::new(move |cause| {
        let (record, finish) = (record.clone(), finish.clone());
        Box::pin(async move {
            record.lock().unwrap().push(cause);
            tokio::time::sleep(Duration::from_millis(300)).await;
            finish.store(true, Ordering::SeqCst);
        })
    });
    let watch = kyc_lockwatch::watch(logind_only(&bus), on_lock).await;
    assert_eq!(watch.mechanism(), kyc_lockwatch::Mechanism::Logind);

    logind.prepare_for_sleep(true).await;
    eventually(5, "the inhibitor's release", || logind.released(0).is_some()).await;
    assert_eq!(logind.released(0), Some(true), "released before the lock was done");
    assert_eq!(*causes.lock().unwrap(), [kyc_lockwatch::LockCause::Sleep]);
}

struct FakeScreenSaver;

#[zbus::interface(name = "org.freedesktop.ScreenSaver")]
impl FakeScreenSaver {
    fn get_active(&self) -> bool {
        false
    }

    #[zbus(signal)]
    async fn active_changed(emitter: &SignalEmitter<'_>, new_value: bool) -> zbus::Result<()>;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_logind_the_screensaver_coming_on_locks_the_desk_and_is_reported() {
    let system = PrivateBus::start();
    let session = PrivateBus::start();
    let path = "/org/freedesktop/ScreenSaver";
    let screensaver = zbus::connection::Builder::address(session.address.as_str())
        .unwrap()
        .name("org.freedesktop.ScreenSaver")
        .unwrap()
        .serve_at(path, FakeScreenSaver)
        .unwrap()
        .build()
        .await
        .unwrap();
    let (_hub, _data, desk) = signed_in_desk().await;
    let options = WatchOptions {
        system_bus: Some(system.bus()),
        session_bus: Some(session.bus()),
        time_jump: TimeJump::default(),
    };
    desk.watch_os_lock(options).await;
    assert_eq!(desk.state().lock_watch, Some(LockWatch::Screensaver));

    let iface = screensaver.object_server().interface::<_, FakeScreenSaver>(path).await.unwrap();
    FakeScreenSaver::active_changed(iface.signal_emitter(), false).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(desk.state().phase, Phase::Unlocked, "the screensaver going off does not lock");
    FakeScreenSaver::active_changed(iface.signal_emitter(), true).await.unwrap();
    eventually(5, "the lock", || desk.state().phase == Phase::Locked).await;
    assert_eq!(desk.state().lock_reason, Some(LockReason::OsLocked));
}
