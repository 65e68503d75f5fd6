//! A real seeded hub on 127.0.0.1 in a temp dir, synthetic cases with real images and
//! videos, and desks with cheap vault keys, fast backoff and a short undo window.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use kyc_app::Secret;
use kyc_app::ipc::{DeskEvent, LoginRequest};
use kyc_app::{Desk, DeskConfig};
use kyc_hub::config::{HubConfig, PasswordHashing};
use kyc_hub::{RunningHub, ops};
use kyc_sync::Backoff;
use tempfile::TempDir;
use zeroize::Zeroizing;

pub const REVIEWER: &str = "reviewer1";
pub const REVIEWER2: &str = "reviewer2";

/// A hub that can be stopped and started again on the same address and data directory.
pub struct Hub {
    pub dir: TempDir,
    config: HubConfig,
    running: Option<RunningHub>,
    passwords: Vec<(String, String)>,
}

impl Hub {
    /// A hub with the demo accounts and `cases`.
    pub async fn start(cases: &[kyc_model::Case], synth: &[kyc_synth::SynthCase]) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let report = ops::seed(dir.path(), 0, 1, PasswordHashing::Cheap).unwrap();
        let passwords =
            report.accounts.iter().map(|a| (a.username.clone(), a.password.to_string())).collect();
        let (store, files) = ops::open_data_dir(dir.path()).unwrap();
        let admin = store.user_by_name("admin").unwrap().unwrap();
        for case in cases {
            let s = synth.iter().find(|s| s.case.id == case.id).unwrap();
            let media = s
                .media
                .iter()
                .map(|m| (m.id.clone(), m.content_type.to_owned(), Zeroizing::new(m.bytes.clone())))
                .collect();
            ops::store_case(store.as_ref(), &files, case, media, &admin.id, now_ms()).unwrap();
        }
        drop(store);
        let mut config = HubConfig::for_tests(dir.path());
        let running = kyc_hub::serve(config.clone()).await.unwrap();
        // Restarts bind the same port, so the desk's hub address stays valid.
        config.listen = running.addr;
        Hub { dir, config, running: Some(running), passwords }
    }

    /// A hub with the demo accounts, `policy` (its double-review share ignored), `cases` as
    /// ordinary cases and `double` marked for blind double review (stored under a share of
    /// 100 %).
    pub async fn start_with_policy(
        cases: &[kyc_model::Case],
        double: &[kyc_model::Case],
        synth: &[kyc_synth::SynthCase],
        policy: &kyc_proto::Policy,
    ) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let report = ops::seed(dir.path(), 0, 1, PasswordHashing::Cheap).unwrap();
        let passwords =
            report.accounts.iter().map(|a| (a.username.clone(), a.password.to_string())).collect();
        let (store, files) = ops::open_data_dir(dir.path()).unwrap();
        let admin = store.user_by_name("admin").unwrap().unwrap();
        let ordinary = kyc_proto::Policy { double_review_percent: 0, ..policy.clone() };
        for (share, batch) in [(0, cases), (100, double)] {
            store
                .set_policy(&kyc_proto::Policy { double_review_percent: share, ..policy.clone() })
                .unwrap();
            for case in batch {
                let s = synth.iter().find(|s| s.case.id == case.id).unwrap();
                let media = s
                    .media
                    .iter()
                    .map(|m| {
                        (m.id.clone(), m.content_type.to_owned(), Zeroizing::new(m.bytes.clone()))
                    })
                    .collect();
                ops::store_case(store.as_ref(), &files, case, media, &admin.id, now_ms()).unwrap();
            }
        }
        store.set_policy(&ordinary).unwrap();
        drop(store);
        let mut config = HubConfig::for_tests(dir.path());
        let running = kyc_hub::serve(config.clone()).await.unwrap();
        config.listen = running.addr;
        Hub { dir, config, running: Some(running), passwords }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    pub fn addr(&self) -> SocketAddr {
        self.config.listen
    }

    pub fn password(&self, user: &str) -> String {
        self.passwords.iter().find(|(u, _)| u == user).unwrap().1.clone()
    }

    pub async fn stop(&mut self) {
        if let Some(hub) = self.running.take() {
            hub.shutdown().await.unwrap();
        }
    }

    pub async fn start_again(&mut self) {
        assert!(self.running.is_none());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            match kyc_hub::serve(self.config.clone()).await {
                Ok(r) => {
                    self.running = Some(r);
                    return;
                }
                Err(e) if tokio::time::Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("hub did not start again: {e}"),
            }
        }
    }

    fn db(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.dir.path().join("hub.sqlite3")).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn
    }

    /// Runs SQL on the hub's database (an expiry, a policy written before a restart).
    pub fn sql(&self, sql: &str) {
        self.db().execute_batch(sql).unwrap();
    }

    /// (case id, idempotency key) of every decision the hub holds.
    pub fn decisions(&self) -> Vec<(String, String)> {
        let conn = self.db();
        let mut stmt =
            conn.prepare("SELECT case_id, idempotency_key FROM decisions ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// Audit record kinds (their JSON) filed under a case.
    pub fn audit_kinds(&self, case_id: &str) -> Vec<String> {
        let conn = self.db();
        let mut stmt =
            conn.prepare("SELECT kind FROM audit WHERE case_id = ?1 ORDER BY seq").unwrap();
        stmt.query_map([case_id], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Synthetic cases with real images and MP4 videos (generated once per process).
pub fn synth() -> &'static [kyc_synth::SynthCase] {
    static CASES: OnceLock<Vec<kyc_synth::SynthCase>> = OnceLock::new();
    CASES.get_or_init(|| {
        kyc_synth::generate(&kyc_synth::SynthOptions {
            n_cases: 6,
            rng_seed: 11,
            today: time::OffsetDateTime::now_utc().date(),
        })
    })
}

/// A desk on `data_dir` with test settings: cheap KDF, fast backoff, 300 ms undo window.
pub fn desk(data_dir: &Path) -> Arc<Desk> {
    Desk::new(desk_config(data_dir))
}

/// The test settings of [`desk`], to adjust before building one.
pub fn desk_config(data_dir: &Path) -> DeskConfig {
    let mut config = DeskConfig::new(data_dir.to_owned());
    config.session.kdf = kyc_vault::KdfParams::insecure_for_tests();
    config.session.sync.backoff =
        Backoff { base: Duration::from_millis(20), ceiling: Duration::from_millis(200) };
    config.session.sync.idle_poll = Duration::from_millis(200);
    config.session.sync.renew_every = Duration::from_millis(300);
    config.session.connect_timeout = Duration::from_secs(2);
    config.session.request_timeout = Duration::from_secs(5);
    config.undo_window = Duration::from_millis(300);
    config.tick = Duration::from_millis(50);
    config
}

pub fn login(hub: &Hub, user: &str) -> LoginRequest {
    LoginRequest {
        hub_url: hub.url(),
        user: user.into(),
        password: Secret::new(hub.password(user)),
    }
}

/// Every event a desk sends, for assertions.
pub fn record_events(desk: &Desk) -> Arc<Mutex<Vec<DeskEvent>>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    desk.subscribe(Arc::new(move |e| sink.lock().unwrap().push(e)));
    events
}

/// Waits until `check` holds, polling; panics after `secs`.
pub async fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
