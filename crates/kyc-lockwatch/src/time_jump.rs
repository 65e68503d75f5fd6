//! The fallback that works everywhere: the monotonic clock does not advance while the machine
//! sleeps, the wall clock does, so after a resume the wall clock has run ahead.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::task::JoinHandle;

use crate::{LockCause, LockHandler, LockSignals, Mechanism, WatchError};

/// The wall clock the fallback reads (tests inject one that jumps).
pub type WallClock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Locks on resume when the wall clock ran more than `threshold` ahead of the monotonic clock
/// between two looks `every` apart. A wall clock set back, or set forward by less than the
/// threshold (NTP corrections), does not lock.
#[derive(Clone)]
pub struct TimeJump {
    /// How often it compares the clocks (default 5 s).
    pub every: Duration,
    /// How far ahead the wall clock must run to count as a sleep (default 30 s).
    pub threshold: Duration,
    /// The wall clock (default `SystemTime::now`).
    pub wall: WallClock,
}

impl Default for TimeJump {
    fn default() -> Self {
        TimeJump {
            every: Duration::from_secs(5),
            threshold: Duration::from_secs(30),
            wall: Arc::new(SystemTime::now),
        }
    }
}

impl fmt::Debug for TimeJump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeJump")
            .field("every", &self.every)
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

impl LockSignals for TimeJump {
    fn mechanism(&self) -> Mechanism {
        Mechanism::TimeJump
    }

    async fn start(self, on_lock: LockHandler) -> Result<JoinHandle<()>, WatchError> {
        Ok(tokio::spawn(async move {
            let mut wall_then = (self.wall)();
            let mut mono_then = Instant::now();
            loop {
                tokio::time::sleep(self.every).await;
                let (wall_now, mono_now) = ((self.wall)(), Instant::now());
                let mono = mono_now.duration_since(mono_then);
                // A wall clock set backwards gives an error here: not a sleep.
                let wall = wall_now.duration_since(wall_then).unwrap_or(Duration::ZERO);
                (wall_then, mono_then) = (wall_now, mono_now);
                if wall.saturating_sub(mono) > self.threshold {
                    tracing::info!(
                        ahead_secs = (wall - mono).as_secs(),
                        "the wall clock jumped: the machine slept"
                    );
                    on_lock(LockCause::ClockJump).await;
                }
            }
        }))
    }
}
