//! A real hub on loopback, seeded with the demo accounts and synthetic cases of every kind,
//! that a test can stop and start again on the same address; and the hub's own API, read as a
//! supervisor, for what the hub recorded.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use kyc_hub::config::{HubConfig, PasswordHashing};
use kyc_hub::{RunningHub, ops};
use kyc_proto::supervisor::{CaseHistory, DecisionPage, DecisionRecord};
use kyc_scan::Marker;
use kyc_synth::SynthCase;
use tempfile::TempDir;
use zeroize::Zeroizing;

/// What to seed.
pub struct Seed {
    /// Synthetic cases to generate (kinds rotate, so five or more cover every kind).
    pub cases: usize,
    /// Generator seed.
    pub rng_seed: u64,
    /// Indices of cases stored without a consent record (never approvable).
    pub without_consent: Vec<usize>,
}

/// A seeded hub serving on 127.0.0.1.
pub struct Hub {
    /// The hub's data directory (removed when the hub is dropped).
    _dir: TempDir,
    config: HubConfig,
    running: Option<RunningHub>,
    passwords: Vec<(String, String)>,
    /// The cases as generated (their payloads are the planted personal data).
    pub cases: Vec<SynthCase>,
    supervisor_token: Zeroizing<String>,
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

impl Hub {
    /// Seeds a fresh data directory and serves it. Account passwords get the production key
    /// derivation: the real app refuses anything cheaper.
    pub async fn start(seed: &Seed) -> Result<Hub> {
        let dir = tempfile::tempdir()?;
        let report = ops::seed(dir.path(), 0, 1, PasswordHashing::Production)?;
        let passwords =
            report.accounts.iter().map(|a| (a.username.clone(), a.password.to_string())).collect();
        let today = time::OffsetDateTime::now_utc().date();
        let mut cases = kyc_synth::generate(&kyc_synth::SynthOptions {
            n_cases: seed.cases,
            rng_seed: seed.rng_seed,
            today,
        });
        for &i in &seed.without_consent {
            cases[i].case.consent = None;
        }
        let (store, files) = ops::open_data_dir(dir.path())?;
        let admin = store.user_by_name("admin")?.context("seeded admin")?;
        for s in &cases {
            let media = s
                .media
                .iter()
                .map(|m| (m.id.clone(), m.content_type.to_owned(), Zeroizing::new(m.bytes.clone())))
                .collect();
            ops::store_case(store.as_ref(), &files, &s.case, media, &admin.id, now_ms())?;
        }
        let supervisor_token =
            ops::issue_session(store.as_ref(), "supervisor", Duration::from_secs(12 * 3600))?;
        drop(store);
        let mut config = HubConfig::for_tests(dir.path());
        config.password_hashing = PasswordHashing::Production;
        let running = kyc_hub::serve(config.clone()).await?;
        // Restarts bind the same port, so the app's hub address stays valid.
        config.listen = running.addr;
        Ok(Hub { _dir: dir, config, running: Some(running), passwords, cases, supervisor_token })
    }

    /// The hub's address as the app's login screen takes it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.config.listen
    }

    /// A demo account's password.
    pub fn password(&self, user: &str) -> &str {
        &self.passwords.iter().find(|(u, _)| u == user).expect("a demo account").1
    }

    /// The generated case with this id.
    pub fn case(&self, id: &str) -> &SynthCase {
        self.cases.iter().find(|c| c.case.id.as_str() == id).expect("a seeded case")
    }

    /// Every planted personal value of every case, for the privacy scans.
    pub fn markers(&self) -> Vec<Marker> {
        self.cases
            .iter()
            .flat_map(|c| c.markers())
            .map(|(label, value)| Marker::bytes(label, value))
            .collect()
    }

    /// Stops serving (the data stays).
    pub async fn stop(&mut self) -> Result<()> {
        if let Some(hub) = self.running.take() {
            hub.shutdown().await?;
        }
        Ok(())
    }

    /// Serves the same data on the same address again.
    pub async fn start_again(&mut self) -> Result<()> {
        if self.running.is_some() {
            bail!("the hub is already running");
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            match kyc_hub::serve(self.config.clone()).await {
                Ok(r) => {
                    self.running = Some(r);
                    return Ok(());
                }
                Err(e) if tokio::time::Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e).context("the hub did not start again"),
            }
        }
    }

    async fn supervisor_get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let resp = reqwest::Client::new()
            .get(format!("{}{path}", self.url()))
            .bearer_auth(self.supervisor_token.as_str())
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            bail!("GET {path}: {status}: {}", resp.text().await.unwrap_or_default());
        }
        Ok(resp.json().await?)
    }

    /// Every decision the hub recorded, read from its supervisor API (oldest first).
    pub async fn decisions(&self) -> Result<Vec<DecisionRecord>> {
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let page: DecisionPage = self
                .supervisor_get(&format!(
                    "{}?limit=200&offset={offset}",
                    kyc_proto::routes::SUPERVISOR_DECISIONS
                ))
                .await?;
            all.extend(page.items);
            match page.next_offset {
                Some(next) => offset = next,
                None => break,
            }
        }
        all.sort_by_key(|d| d.decision_id);
        Ok(all)
    }

    /// Decides up to `n` cases as `user` through the hub's API, as a workstation pushes them
    /// (a lease, then one batch with handling times): approves those with consent, rejects
    /// the others for a face mismatch. Returns the decided case ids.
    pub async fn decide_as(&self, user: &str, n: u32) -> Result<Vec<String>> {
        use kyc_model::{Outcome, ReasonCode};
        self.decide_with(user, n, |_, leased| {
            if leased.case.consent.is_some() {
                Outcome::Approve
            } else {
                Outcome::Reject { reasons: vec![ReasonCode::FaceMismatch] }
            }
        })
        .await
    }

    /// Like [`Hub::decide_as`], with the outcome of each leased case (by its position in the
    /// grant) chosen by `outcome`.
    pub async fn decide_with(
        &self,
        user: &str,
        n: u32,
        outcome: impl Fn(usize, &kyc_proto::LeasedCase) -> kyc_model::Outcome,
    ) -> Result<Vec<String>> {
        use kyc_model::Decision;
        use kyc_proto::{DecisionBatch, DecisionItem, IdempotencyKey, LeaseGrant, LeaseRequest};
        let token = {
            let (store, _) = ops::open_data_dir(self._dir.path())?;
            ops::issue_session(store.as_ref(), user, Duration::from_secs(3600))?
        };
        let http = reqwest::Client::new();
        let grant: LeaseGrant = http
            .post(format!("{}{}", self.url(), kyc_proto::routes::LEASES))
            .bearer_auth(token.as_str())
            .json(&LeaseRequest { max_cases: n, kind: None, offline: false })
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut items = Vec::new();
        for (i, leased) in grant.cases.iter().enumerate() {
            items.push(DecisionItem {
                // One key per reviewer and case (a case is decided once per reviewer, a double
                // review's two slots by two): calls made one after another never collide.
                idempotency_key: IdempotencyKey::parse(&format!(
                    "e2e-{user}-{}",
                    leased.case.id.as_str()
                ))
                .context("idempotency key")?,
                decision: Decision {
                    case_id: leased.case.id.clone(),
                    outcome: outcome(i, leased),
                    note: None,
                    decided_at: time::OffsetDateTime::now_utc(),
                    active_ms: Some(42_000),
                    applicant_text: None,
                },
            });
        }
        http.post(format!("{}{}", self.url(), kyc_proto::routes::DECISIONS))
            .bearer_auth(token.as_str())
            .json(&DecisionBatch { items })
            .send()
            .await?
            .error_for_status()?;
        Ok(grant.cases.iter().map(|c| c.case.id.as_str().to_owned()).collect())
    }

    /// An account's opaque id (what the app shows and filters by).
    pub fn user_id(&self, user: &str) -> Result<String> {
        let (store, _) = ops::open_data_dir(self._dir.path())?;
        Ok(store.user_by_name(user)?.context("a demo account")?.id.as_str().to_owned())
    }

    /// Changes the hub's policy through its admin API, as an administrator would.
    pub async fn set_policy(&self, change: impl FnOnce(&mut kyc_proto::Policy)) -> Result<()> {
        let token = {
            let (store, _) = ops::open_data_dir(self._dir.path())?;
            ops::issue_session(store.as_ref(), "admin", Duration::from_secs(3600))?
        };
        let url = format!("{}{}", self.url(), kyc_proto::routes::ADMIN_POLICY);
        let http = reqwest::Client::new();
        let mut policy: kyc_proto::Policy = http
            .get(&url)
            .bearer_auth(token.as_str())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        change(&mut policy);
        let resp = http.put(&url).bearer_auth(token.as_str()).json(&policy).send().await?;
        let status = resp.status();
        if !status.is_success() {
            bail!("PUT policy: {status}: {}", resp.text().await.unwrap_or_default());
        }
        Ok(())
    }

    /// Generates `n` more synthetic cases and stores them while the hub serves (intake under
    /// the policy of now: a double-review share marks them). Returns their ids.
    pub fn add_cases(&mut self, n: usize, rng_seed: u64) -> Result<Vec<String>> {
        let today = time::OffsetDateTime::now_utc().date();
        let cases = kyc_synth::generate(&kyc_synth::SynthOptions { n_cases: n, rng_seed, today });
        let (store, files) = ops::open_data_dir(self._dir.path())?;
        let admin = store.user_by_name("admin")?.context("seeded admin")?;
        let mut ids = Vec::new();
        for s in cases {
            let media = s
                .media
                .iter()
                .map(|m| (m.id.clone(), m.content_type.to_owned(), Zeroizing::new(m.bytes.clone())))
                .collect();
            ops::store_case(store.as_ref(), &files, &s.case, media, &admin.id, now_ms())?;
            ids.push(s.case.id.as_str().to_owned());
            self.cases.push(s);
        }
        Ok(ids)
    }

    /// Takes `n` cases out of the queue as the hub does when it confirms a reviewer's report
    /// of unusable media (a lease by `user`, then the confirmation, through the store: the
    /// seeded media are sound, so the hub's own check would refute a report made over HTTP).
    /// Returns their ids.
    pub fn needs_attention_as(&self, user: &str, n: u32) -> Result<Vec<String>> {
        use kyc_hub::store::ConfirmedProblem;
        let (store, _) = ops::open_data_dir(self._dir.path())?;
        let reviewer = store.user_by_name(user)?.context("a demo account")?;
        let now = now_ms();
        let leased = store.lease(&reviewer.id, n, None, now, now + 600_000, false)?;
        let mut ids = Vec::new();
        for c in &leased {
            let problem = ConfirmedProblem {
                media_id: c.media.first().context("a case with media")?.id.clone(),
                reported: kyc_proto::MediaProblemCode::Corrupt,
                rule: "media_corrupt",
            };
            store.confirm_unusable(&reviewer.id, &c.case.id, &problem, now)?;
            ids.push(c.case.id.as_str().to_owned());
        }
        Ok(ids)
    }

    /// A decided case's history — its decisions and audit records — from the supervisor API.
    pub async fn case_history(&self, case_id: &str) -> Result<CaseHistory> {
        self.supervisor_get(&kyc_proto::routes::SUPERVISOR_CASE.replace("{case_id}", case_id)).await
    }
}
