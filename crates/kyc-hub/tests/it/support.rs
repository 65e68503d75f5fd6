//! A hub on 127.0.0.1:0 in a temp dir with cheap Argon2, accounts, and a small HTTP client.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use kyc_hub::config::{HubConfig, PasswordHashing};
use kyc_hub::demo::{DemoCase, demo_case};
use kyc_hub::{RunningHub, ops};
use kyc_model::{CaseKind, Decision, Outcome};
use kyc_proto::{
    ApiError, DecisionBatch, DecisionBatchResult, DecisionItem, IdempotencyKey, IntakeCase,
    IntakeMedia, LeaseGrant, LeaseRequest, LoginRequest, LoginResponse, Secret, routes,
};
use rand::SeedableRng;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tempfile::TempDir;

/// Everything the hub logged in this test process.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct BufWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs, once, the log capture and the process's TLS crypto provider.
pub fn init() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let buf = log_buffer().clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || BufWriter(buf.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Account handles created for every test hub.
pub const REVIEWER_A: &str = "reviewer1";
pub const REVIEWER_B: &str = "reviewer2";
pub const SUPERVISOR: &str = "supervisor";
pub const ADMIN: &str = "admin";
pub const SERVICE: &str = "intake-service";

/// A running test hub.
pub struct TestHub {
    pub dir: TempDir,
    pub config: HubConfig,
    hub: Option<RunningHub>,
    pub base: String,
    pub client: reqwest::Client,
    pub passwords: Vec<(String, String)>,
}

/// An HTTP answer: status and body bytes.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("status {}: {e}: {}", self.status, String::from_utf8_lossy(&self.body))
        })
    }

    pub fn error(&self) -> ApiError {
        self.json()
    }

    /// Asserts the status and error code.
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", String::from_utf8_lossy(&self.body));
        let err: serde_json::Value = self.json();
        assert_eq!(err["code"], code, "{err}");
    }
}

impl TestHub {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut HubConfig)) -> Self {
        init();
        let dir = tempfile::tempdir().unwrap();
        let report = ops::seed(dir.path(), 0, 1, PasswordHashing::Cheap).unwrap();
        let mut passwords: Vec<(String, String)> = report
            .accounts
            .iter()
            .map(|a| (a.username.clone(), a.password.as_str().to_owned()))
            .collect();
        {
            let (store, _) = ops::open_data_dir(dir.path()).unwrap();
            let svc = ops::add_user_with(
                store.as_ref(),
                SERVICE,
                kyc_proto::Role::Service,
                PasswordHashing::Cheap,
            )
            .unwrap();
            passwords.push((SERVICE.into(), svc.password.as_str().to_owned()));
        }
        let mut config = HubConfig::for_tests(dir.path());
        adjust(&mut config);
        let hub = kyc_hub::serve(config.clone()).await.unwrap();
        let base = hub.base_url();
        let client = reqwest::Client::builder().build().unwrap();
        Self { dir, config, hub: Some(hub), base, client, passwords }
    }

    /// Stops the hub and starts it again on the same data dir.
    pub async fn restart(&mut self) {
        self.hub.take().unwrap().shutdown().await.unwrap();
        let hub = kyc_hub::serve(self.config.clone()).await.unwrap();
        self.base = hub.base_url();
        self.hub = Some(hub);
    }

    pub fn password(&self, user: &str) -> String {
        self.passwords.iter().find(|(u, _)| u == user).unwrap().1.clone()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send(req).await
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.unwrap().to_vec();
        Answer { status, headers, body }
    }

    /// `POST prelogin` for `user`.
    pub async fn prelogin_raw(&self, user: &str) -> Answer {
        let req = kyc_proto::PreloginRequest { username: user.into() };
        self.call(Method::POST, routes::PRELOGIN, None, Some(&req)).await
    }

    /// The account's key-derivation spec, as a client asks for it before login.
    pub async fn prelogin(&self, user: &str) -> kyc_proto::KdfSpec {
        let answer = self.prelogin_raw(user).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        answer.json::<kyc_proto::PreloginResponse>().kdf
    }

    /// The hub key a client derives from `password` with `spec` (Argon2id, then HKDF).
    pub fn auth_key(spec: &kyc_proto::KdfSpec, password: &str) -> Secret {
        kyc_keys::derive(&Secret::new(password), spec).unwrap().hub_auth_key().to_secret()
    }

    /// Signs in as a client does: prelogin, derive, login. A refused prelogin is the answer.
    pub async fn login_raw(&self, user: &str, password: &str) -> Answer {
        let pre = self.prelogin_raw(user).await;
        if pre.status != StatusCode::OK {
            return pre;
        }
        let spec = pre.json::<kyc_proto::PreloginResponse>().kdf;
        let req = LoginRequest { username: user.into(), auth_key: Self::auth_key(&spec, password) };
        self.call(Method::POST, routes::LOGIN, None, Some(&req)).await
    }

    /// Logs in and returns the token.
    pub async fn login(&self, user: &str) -> String {
        let answer = self.login_raw(user, &self.password(user)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        let resp: LoginResponse = answer.json();
        resp.token.expose().to_owned()
    }

    /// Feeds a case in as the admin.
    pub async fn intake(&self, admin: &str, case: &DemoCase) -> Answer {
        self.call(Method::POST, routes::INTAKE, Some(admin), Some(&intake_body(case))).await
    }

    /// Feeds `n` cases in (cycling kinds) and returns them.
    pub async fn intake_many(&self, admin: &str, n: usize, seed: u64) -> Vec<DemoCase> {
        let cases = make_cases(n, seed);
        for c in &cases {
            let a = self.intake(admin, c).await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&a.body));
        }
        cases
    }

    pub async fn lease(&self, token: &str, max: u32) -> LeaseGrant {
        let a = self
            .call(
                Method::POST,
                routes::LEASES,
                Some(token),
                Some(&LeaseRequest { max_cases: max, kind: None, offline: false }),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
        a.json()
    }

    pub async fn decide(&self, token: &str, items: Vec<DecisionItem>) -> DecisionBatchResult {
        let a = self
            .call(Method::POST, routes::DECISIONS, Some(token), Some(&DecisionBatch { items }))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
        a.json()
    }

    /// Runs SQL on the hub's database (what an attacker or an expiry would do).
    pub fn sql(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.dir.path().join("hub.sqlite3")).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        conn.execute_batch(sql).unwrap();
    }
}

pub fn make_cases(n: usize, seed: u64) -> Vec<DemoCase> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let today = time::OffsetDateTime::now_utc().date();
    (0..n).map(|i| demo_case(CaseKind::ALL[i % CaseKind::ALL.len()], &mut rng, today)).collect()
}

pub fn intake_body(case: &DemoCase) -> IntakeCase {
    IntakeCase {
        case: case.case.clone(),
        media: case
            .media
            .iter()
            .map(|(id, ct, bytes)| IntakeMedia {
                id: id.clone(),
                content_type: ct.clone(),
                data_base64: base64::engine::general_purpose::STANDARD.encode(&bytes[..]),
            })
            .collect(),
    }
}

pub fn item(key: &str, case: &kyc_model::Case, outcome: Outcome) -> DecisionItem {
    DecisionItem {
        idempotency_key: IdempotencyKey::parse(key).unwrap(),
        decision: Decision {
            case_id: case.id.clone(),
            outcome,
            note: None,
            decided_at: time::OffsetDateTime::now_utc(),
            active_ms: Some(1_500),
            applicant_text: None,
        },
    }
}
