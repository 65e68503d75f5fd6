//! macOS: the screen-lock (distributed `com.apple.screenIsLocked`) and sleep
//! (`NSWorkspaceWillSleepNotification`) notifications. Not compiled on the Linux-only build
//! machines: written against `objc2`'s documented API and unverified here.

use std::ptr::NonNull;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Duration;

use block2::RcBlock;
use objc2_app_kit::{NSWorkspace, NSWorkspaceWillSleepNotification};
use objc2_foundation::{NSDistributedNotificationCenter, NSNotification, NSString};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::{LockCause, LockHandler, LockSignals, Mechanism, WatchError};

/// How long the sleep notification (delivered on the main thread) waits for the lock.
const SLEEP_WAIT: Duration = Duration::from_millis(1500);

type Signal = (LockCause, SyncSender<()>);

/// The screen-lock and will-sleep notifications of the logged-in user's session.
#[derive(Debug, Clone, Copy)]
pub struct MacosWorkspace;

/// An observer block that forwards `cause` and waits (bounded) until the lock is done.
fn observer(
    signals: UnboundedSender<Signal>,
    cause: LockCause,
) -> RcBlock<dyn Fn(NonNull<NSNotification>)> {
    RcBlock::new(move |_note: NonNull<NSNotification>| {
        let (done, wait) = sync_channel(1);
        if signals.send((cause, done)).is_ok() {
            let _ = wait.recv_timeout(SLEEP_WAIT);
        }
    })
}

impl LockSignals for MacosWorkspace {
    fn mechanism(&self) -> Mechanism {
        Mechanism::MacosWorkspace
    }

    async fn start(self, on_lock: LockHandler) -> Result<JoinHandle<()>, WatchError> {
        let (tx, mut rx) = unbounded_channel::<Signal>();
        unsafe {
            let locked = NSString::from_str("com.apple.screenIsLocked");
            // The observers live as long as the process (the centers retain them).
            let _ = NSDistributedNotificationCenter::defaultCenter()
                .addObserverForName_object_queue_usingBlock(
                    Some(&locked),
                    None,
                    None,
                    &observer(tx.clone(), LockCause::SessionLocked),
                );
            let _ = NSWorkspace::sharedWorkspace()
                .notificationCenter()
                .addObserverForName_object_queue_usingBlock(
                    Some(NSWorkspaceWillSleepNotification),
                    None,
                    None,
                    &observer(tx, LockCause::Sleep),
                );
        }
        Ok(tokio::spawn(async move {
            while let Some((cause, done)) = rx.recv().await {
                on_lock(cause).await;
                let _ = done.send(());
            }
        }))
    }
}
