//! Windows: session-change and power notifications to a message-only window on its own
//! thread. Not compiled on the Linux-only build machines: written against `windows-sys`'
//! documented API and unverified here.

use std::sync::OnceLock;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::System::RemoteDesktop::{
    NOTIFY_FOR_THIS_SESSION, WTSRegisterSessionNotification,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, HWND_MESSAGE, MSG,
    PBT_APMSUSPEND, RegisterClassW, WM_POWERBROADCAST, WM_WTSSESSION_CHANGE, WNDCLASSW,
    WTS_SESSION_LOCK,
};

use crate::{LockCause, LockHandler, LockSignals, Mechanism, WatchError};

/// How long a suspend notification waits for the lock (Windows allows about two seconds).
const SUSPEND_WAIT: Duration = Duration::from_millis(1500);

/// A signal from the window thread, with the channel it waits on until the lock is done.
type Signal = (LockCause, SyncSender<()>);

/// The window procedure has no context pointer to spare: one watcher per process.
static SIGNALS: OnceLock<UnboundedSender<Signal>> = OnceLock::new();

/// `WTS_SESSION_LOCK` and `PBT_APMSUSPEND`, received by a message-only window.
#[derive(Debug, Clone, Copy)]
pub struct WindowsSession;

unsafe extern "system" fn window_proc(
    hwnd: HWND,
    msg: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    let cause = match (msg, wparam as u32) {
        (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK) => Some(LockCause::SessionLocked),
        (WM_POWERBROADCAST, PBT_APMSUSPEND) => Some(LockCause::Sleep),
        _ => None,
    };
    if let (Some(cause), Some(signals)) = (cause, SIGNALS.get()) {
        let (done, wait) = sync_channel(1);
        if signals.send((cause, done)).is_ok() {
            // Returning lets Windows go on suspending: the lock is done first when it can be.
            let _ = wait.recv_timeout(SUSPEND_WAIT);
        }
    }
    unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) }
}

/// Creates the window and pumps its messages (the thread's life).
/// Fails with the name of the Win32 call that failed.
fn run_window() -> Result<(), &'static str> {
    let class: Vec<u16> = "KycDeskLockWatch\0".encode_utf16().collect();
    unsafe {
        let instance = GetModuleHandleW(std::ptr::null());
        let mut wc: WNDCLASSW = std::mem::zeroed();
        wc.lpfnWndProc = Some(window_proc);
        wc.hInstance = instance;
        wc.lpszClassName = class.as_ptr();
        if RegisterClassW(&wc) == 0 {
            return Err("RegisterClassW failed".into());
        }
        let hwnd = CreateWindowExW(
            0,
            class.as_ptr(),
            class.as_ptr(),
            0,
            0,
            0,
            0,
            0,
            HWND_MESSAGE,
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        );
        if hwnd.is_null() {
            return Err("CreateWindowExW failed".into());
        }
        if WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION) == 0 {
            return Err("WTSRegisterSessionNotification failed".into());
        }
        let mut msg: MSG = std::mem::zeroed();
        while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
            DispatchMessageW(&msg);
        }
    }
    Ok(())
}

impl LockSignals for WindowsSession {
    fn mechanism(&self) -> Mechanism {
        Mechanism::WindowsSession
    }

    async fn start(self, on_lock: LockHandler) -> Result<JoinHandle<()>, WatchError> {
        let (tx, mut rx) = unbounded_channel::<Signal>();
        if SIGNALS.set(tx).is_err() {
            return Err(WatchError::Unavailable {
                service: "windows session",
                reason: "already watched by this process".into(),
            });
        }
        std::thread::Builder::new()
            .name("lock-watch".into())
            .spawn(|| {
                if let Err(reason) = run_window() {
                    tracing::warn!(%reason, "no session notifications");
                }
            })
            .map_err(|e| WatchError::Unavailable {
                service: "windows session",
                reason: e.to_string(),
            })?;
        Ok(tokio::spawn(async move {
            while let Some((cause, done)) = rx.recv().await {
                on_lock(cause).await;
                let _ = done.send(());
            }
        }))
    }
}
