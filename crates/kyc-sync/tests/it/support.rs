//! A real hub on 127.0.0.1:0 in a temp dir (cheap Argon2), cases fed straight into its store,
//! and workstations with cheap vault keys and fast backoff.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use kyc_hub::config::{HubConfig, PasswordHashing, TlsFiles};
use kyc_hub::{RunningHub, ops};
use kyc_model::{Case, CaseId, Decision, MediaId, Outcome, ReasonCode};
use kyc_proto::Secret;
use kyc_sync::{Backoff, ClientConfig, HubClient, Session, SyncError, SyncOptions, Workstation};
use kyc_vault::{ContentType, KdfParams, MediaInput, Password, Variant, Vault};
use tempfile::TempDir;
use zeroize::Zeroizing;

pub const REVIEWER: &str = "reviewer1";
pub const VAULT_PASSWORD: &str = "vault password for tests";

/// Media of one case: id, content type, bytes.
pub type Media = Vec<(MediaId, String, Vec<u8>)>;

/// A hub that can be stopped and started again on the same data directory.
pub struct Hub {
    pub dir: TempDir,
    config: HubConfig,
    running: Option<RunningHub>,
    passwords: Vec<(String, String)>,
}

impl Hub {
    pub async fn start() -> Hub {
        Hub::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut HubConfig)) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let report = ops::seed(dir.path(), 0, 1, PasswordHashing::Cheap).unwrap();
        let passwords =
            report.accounts.iter().map(|a| (a.username.clone(), a.password.to_string())).collect();
        let mut config = HubConfig::for_tests(dir.path());
        adjust(&mut config);
        let running = kyc_hub::serve(config.clone()).await.unwrap();
        Hub { dir, config, running: Some(running), passwords }
    }

    pub fn url(&self) -> String {
        self.running.as_ref().expect("hub running").base_url()
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.running.as_ref().expect("hub running").addr
    }

    pub fn password(&self, user: &str) -> Secret {
        Secret::new(self.passwords.iter().find(|(u, _)| u == user).unwrap().1.clone())
    }

    pub async fn stop(&mut self) {
        if let Some(hub) = self.running.take() {
            hub.shutdown().await.unwrap();
        }
    }

    /// Starts again on the same data directory (a new port).
    pub async fn start_again(&mut self) {
        assert!(self.running.is_none());
        self.running = Some(kyc_hub::serve(self.config.clone()).await.unwrap());
    }

    /// Stores cases with their media, as intake would.
    pub fn add_cases(&self, cases: &[(Case, Media)]) {
        let (store, files) = ops::open_data_dir(self.dir.path()).unwrap();
        let admin = store.user_by_name("admin").unwrap().unwrap();
        let now = kyc_hub::time_util::now_ms();
        for (case, media) in cases {
            let media = media
                .iter()
                .map(|(id, ct, bytes)| (id.clone(), ct.clone(), Zeroizing::new(bytes.clone())))
                .collect();
            ops::store_case(store.as_ref(), &files, case, media, &admin.id, now).unwrap();
        }
    }

    fn db(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.dir.path().join("hub.sqlite3")).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn
    }

    /// Runs SQL on the hub's database (what an expiry would do).
    pub fn sql(&self, sql: &str) {
        self.db().execute_batch(sql).unwrap();
    }

    /// The handling time the hub recorded for a case's decision.
    pub fn handling_ms(&self, id: &CaseId) -> Option<i64> {
        self.db()
            .query_row("SELECT handling_ms FROM decisions WHERE case_id = ?1", [id.as_str()], |r| {
                r.get(0)
            })
            .unwrap()
    }

    /// How many leases the hub ever granted on a case (its audit chain records each).
    pub fn lease_count(&self, id: &CaseId) -> i64 {
        self.db()
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE case_id = ?1 AND kind LIKE '%\"lease_granted\"%'",
                [id.as_str()],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Idempotency keys of the decisions the hub holds per case.
    pub fn decisions(&self) -> Vec<(String, String)> {
        let conn = self.db();
        let mut stmt =
            conn.prepare("SELECT case_id, idempotency_key FROM decisions ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The hub's state of a case (`open`, `leased`, `decided`, ...).
    pub fn case_state(&self, id: &CaseId) -> String {
        self.db()
            .query_row("SELECT state FROM cases WHERE id = ?1", [id.as_str()], |r| r.get(0))
            .unwrap()
    }
}

/// Small cases with tiny real media (16 × 16 JPEGs, small H.264 MP4s): for push tests that put
/// cases into the vault directly, and cheap pulls.
pub fn plain_cases(n: usize, seed: u64) -> Vec<(Case, Media)> {
    let today = time::OffsetDateTime::now_utc().date();
    kyc_hub::demo::demo_cases(n, seed, today)
        .into_iter()
        .map(|(case, media)| {
            let media = media.into_iter().map(|(id, ct, b)| (id, ct, b.to_vec())).collect();
            (case, media)
        })
        .collect()
}

/// Like [`plain_cases`], all of the kind with a single document (one media object each): the
/// cheapest cases for tests that need many.
pub fn single_media_cases(n: usize, seed: u64) -> Vec<(Case, Media)> {
    use rand::SeedableRng;
    let today = time::OffsetDateTime::now_utc().date();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let d = kyc_hub::demo::demo_case(
                kyc_model::CaseKind::IndividualOtherDocument,
                &mut rng,
                today,
            );
            let media = d.media.into_iter().map(|(id, ct, b)| (id, ct, b.to_vec())).collect();
            (d.case, media)
        })
        .collect()
}

/// Synthetic cases with real images and MP4 videos (generated once per process).
pub fn synth_cases() -> &'static [kyc_synth::SynthCase] {
    static CASES: OnceLock<Vec<kyc_synth::SynthCase>> = OnceLock::new();
    CASES.get_or_init(|| {
        kyc_synth::generate(&kyc_synth::SynthOptions {
            n_cases: 4,
            rng_seed: 7,
            today: time::OffsetDateTime::now_utc().date(),
        })
    })
}

pub fn synth_as_cases(cases: &[kyc_synth::SynthCase]) -> Vec<(Case, Media)> {
    cases
        .iter()
        .map(|c| {
            let media =
                c.media.iter().map(|m| (m.id.clone(), m.content_type.to_owned(), m.bytes.clone()));
            (c.case.clone(), media.collect())
        })
        .collect()
}

/// Options that make tests fast: backoff from 20 ms to 200 ms.
pub fn fast_options() -> SyncOptions {
    SyncOptions {
        backoff: Backoff { base: Duration::from_millis(20), ceiling: Duration::from_millis(200) },
        idle_poll: Duration::from_millis(200),
        ..SyncOptions::default()
    }
}

pub fn vault_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("vault")
}

/// A workstation on `data_dir` (vault created or opened and unlocked) talking to `url`.
pub fn workstation(url: &str, data_dir: &Path, options: SyncOptions) -> Arc<Workstation> {
    workstation_with(client_config(url), data_dir, options)
}

/// The client configuration tests use: short timeouts, and the test hubs' cheap KDF accepted.
pub fn client_config(url: &str) -> ClientConfig {
    let mut config = ClientConfig::new(url);
    config.request_timeout = Duration::from_secs(5);
    config.connect_timeout = Duration::from_secs(2);
    config.kdf_floor = KdfParams::insecure_for_tests();
    config
}

/// Like [`workstation`], with a client configuration of the test's own (trusted roots).
pub fn workstation_with(
    config: ClientConfig,
    data_dir: &Path,
    options: SyncOptions,
) -> Arc<Workstation> {
    let dir = vault_dir(data_dir);
    let password = Password::new(VAULT_PASSWORD);
    let vault = if Vault::exists(&dir) {
        let vault = Vault::open(&dir).unwrap();
        vault.unlock(&password).unwrap();
        vault
    } else {
        Vault::create(&dir, &password, KdfParams::insecure_for_tests()).unwrap()
    };
    let client = HubClient::new(config).unwrap();
    Arc::new(Workstation::new(client, Arc::new(vault), data_dir, options))
}

/// Leases `n` cases through the workstation's client and stores them in its vault directly
/// with their placeholder media (push tests do not need renditions).
pub async fn lease_into_vault(
    ws: &Workstation,
    hub_cases: &[(Case, Media)],
    n: u32,
) -> Vec<CaseId> {
    let mut ids = Vec::new();
    while (ids.len() as u32) < n {
        let ask = (n - ids.len() as u32).min(50);
        let grant = ws.client().lease(ask).await.unwrap();
        assert!(!grant.cases.is_empty(), "the hub ran out of cases");
        for leased in grant.cases {
            let (_, media) = hub_cases.iter().find(|(c, _)| c.id == leased.case.id).unwrap();
            let inputs = media
                .iter()
                .map(|(id, ct, bytes)| {
                    let ct = ContentType::from_mime(ct).unwrap();
                    MediaInput::bytes(id.clone(), Variant::Original, ct, bytes.clone())
                })
                .collect();
            ws.vault().put_case(&leased.case, leased.lease_expires_at, inputs).unwrap();
            ids.push(leased.case.id);
        }
    }
    ids
}

/// Signs the reviewer in on `ws` (the one place that knows how tests sign in).
pub async fn sign_in(ws: &Workstation, hub: &Hub) -> Result<Session, SyncError> {
    ws.login(REVIEWER, &hub.password(REVIEWER)).await
}

/// A self-signed certificate for `names`, generated now and written to `dir` as PEM files for
/// the hub; returns them with the certificate's PEM, for a client to trust.
pub fn self_signed_tls(dir: &Path, names: &[&str]) -> (TlsFiles, Vec<u8>) {
    let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let cert = rcgen::generate_simple_self_signed(names).unwrap();
    let files = TlsFiles { cert_pem: dir.join("cert.pem"), key_pem: dir.join("key.pem") };
    std::fs::write(&files.cert_pem, cert.cert.pem()).unwrap();
    std::fs::write(&files.key_pem, cert.signing_key.serialize_pem()).unwrap();
    (files, cert.cert.pem().into_bytes())
}

/// A decision every case accepts (a rejection with a reason).
pub fn reject(case_id: &CaseId) -> Decision {
    Decision {
        case_id: case_id.clone(),
        outcome: Outcome::Reject { reasons: vec![ReasonCode::DocumentIllegible] },
        note: None,
        decided_at: time::OffsetDateTime::now_utc(),
        active_ms: Some(2_000),
        applicant_text: None,
    }
}

/// Waits until `check` holds, polling; panics after `secs`.
pub async fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
