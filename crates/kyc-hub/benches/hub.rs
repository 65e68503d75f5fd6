//! 100 simulated reviewers on loopback against an embedded-SQLite hub: each leases, downloads
//! every media object, and decides, until no case is left. Prints throughput, p50/p99 latency
//! per endpoint, and the count of double leases (must be 0). Baselines measured in the same run:
//! `GET /healthz` (HTTP and runtime overhead without store work) and one reviewer alone.
//!
//! Bounded: a fixed number of cases, and every phase stops after 120 s.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kyc_hub::config::{HubConfig, PasswordHashing};
use kyc_hub::ops;
use kyc_model::{CaseKind, Decision, Outcome};
use kyc_proto::{
    DecisionBatch, DecisionBatchResult, DecisionItem, DecisionStatus, IdempotencyKey, LeaseGrant,
    LeaseRequest, LoginRequest, LoginResponse, PreloginRequest, PreloginResponse, Role, Secret,
    routes,
};
use rand::SeedableRng;

const REVIEWERS: usize = 100;
const CASES: usize = 1500;
const SOLO_CASES: usize = 100;
const MEDIA_BYTES: usize = 24 * 1024;
const LEASE_BATCH: u32 = 5;
const PHASE_LIMIT: Duration = Duration::from_secs(120);

#[derive(Default)]
struct Samples {
    by_endpoint: HashMap<&'static str, Vec<Duration>>,
}

impl Samples {
    fn add(&mut self, endpoint: &'static str, d: Duration) {
        self.by_endpoint.entry(endpoint).or_default().push(d);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

struct Outcomes {
    granted: Vec<kyc_model::CaseId>,
    accepted: usize,
    conflicts: usize,
    bytes: u64,
}

async fn reviewer(
    base: String,
    username: String,
    password: String,
    samples: Arc<Mutex<Samples>>,
    deadline: Instant,
) -> Outcomes {
    let client = reqwest::Client::new();
    let t = Instant::now();
    let prelogin: PreloginResponse = client
        .post(format!("{base}{}", routes::PRELOGIN))
        .json(&PreloginRequest { username: username.clone() })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let auth_key =
        kyc_keys::derive(&Secret::new(password), &prelogin.kdf).unwrap().hub_auth_key().to_secret();
    let login = LoginRequest { username, auth_key };
    let resp: LoginResponse = client
        .post(format!("{base}{}", routes::LOGIN))
        .json(&login)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    samples.lock().unwrap().add("login", t.elapsed());
    let token = resp.token.expose().to_owned();
    let mut out = Outcomes { granted: Vec::new(), accepted: 0, conflicts: 0, bytes: 0 };
    let mut key_counter = 0u64;
    while Instant::now() < deadline {
        let t = Instant::now();
        let grant: LeaseGrant = client
            .post(format!("{base}{}", routes::LEASES))
            .bearer_auth(&token)
            .json(&LeaseRequest { max_cases: LEASE_BATCH, kind: None, offline: false })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        samples.lock().unwrap().add("lease", t.elapsed());
        if grant.cases.is_empty() {
            break;
        }
        let mut items = Vec::new();
        for leased in &grant.cases {
            out.granted.push(leased.case.id.clone());
            for m in &leased.media {
                let t = Instant::now();
                let bytes = client
                    .get(format!("{base}{}", routes::media(&m.id)))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                samples.lock().unwrap().add("media", t.elapsed());
                assert_eq!(bytes.len() as u64, m.size);
                out.bytes += bytes.len() as u64;
            }
            key_counter += 1;
            items.push(DecisionItem {
                idempotency_key: IdempotencyKey::parse(&format!(
                    "{}-{key_counter}",
                    &leased.case.id.as_str()[2..]
                ))
                .unwrap(),
                decision: Decision {
                    case_id: leased.case.id.clone(),
                    outcome: Outcome::Approve,
                    note: None,
                    decided_at: time::OffsetDateTime::now_utc(),
                    active_ms: Some(1_000),
                    applicant_text: None,
                },
            });
        }
        let t = Instant::now();
        let result: DecisionBatchResult = client
            .post(format!("{base}{}", routes::DECISIONS))
            .bearer_auth(&token)
            .json(&DecisionBatch { items })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        samples.lock().unwrap().add("decisions", t.elapsed());
        for r in result.results {
            match r.status {
                DecisionStatus::Accepted { .. } => out.accepted += 1,
                _ => out.conflicts += 1,
            }
        }
    }
    out
}

struct Phase {
    wall: Duration,
    cases: usize,
    double_leases: usize,
    accepted: usize,
    conflicts: usize,
    bytes: u64,
    samples: Samples,
    healthz: Vec<Duration>,
}

async fn run_phase(n_reviewers: usize, n_cases: usize, seed: u64) -> Phase {
    let dir = tempfile::tempdir().unwrap();
    let mut accounts = Vec::new();
    {
        let (store, files) = ops::open_data_dir(dir.path()).unwrap();
        let admin =
            ops::add_user_with(store.as_ref(), "admin", Role::Admin, PasswordHashing::Cheap)
                .unwrap();
        for i in 0..n_reviewers {
            let name = format!("reviewer{i}");
            let acc =
                ops::add_user_with(store.as_ref(), &name, Role::Reviewer, PasswordHashing::Cheap)
                    .unwrap();
            accounts.push((name, acc.password.as_str().to_owned()));
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let today = time::OffsetDateTime::now_utc().date();
        for i in 0..n_cases {
            let mut demo = kyc_hub::demo::demo_case(CaseKind::ALL[i % 5], &mut rng, today);
            for (_, _, bytes) in &mut demo.media {
                bytes.resize(MEDIA_BYTES, (i % 251) as u8);
            }
            ops::store_case(store.as_ref(), &files, &demo.case, demo.media, &admin.id, 0).unwrap();
        }
    }
    let mut config = HubConfig::for_tests(dir.path());
    config.login_limits.attempts_per_address = 10_000;
    let hub = kyc_hub::serve(config).await.unwrap();
    let base = hub.base_url();

    // Baseline: healthz round trips from as many concurrent clients.
    let mut healthz = Vec::new();
    {
        let mut tasks = Vec::new();
        for _ in 0..n_reviewers {
            let url = format!("{base}{}", routes::HEALTHZ);
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut v = Vec::new();
                for _ in 0..20 {
                    let t = Instant::now();
                    client.get(&url).send().await.unwrap().bytes().await.unwrap();
                    v.push(t.elapsed());
                }
                v
            }));
        }
        for t in tasks {
            healthz.extend(t.await.unwrap());
        }
    }

    let samples = Arc::new(Mutex::new(Samples::default()));
    let start = Instant::now();
    let deadline = start + PHASE_LIMIT;
    let mut tasks = Vec::new();
    for (name, password) in accounts {
        tasks.push(tokio::spawn(reviewer(base.clone(), name, password, samples.clone(), deadline)));
    }
    let mut granted = Vec::new();
    let (mut accepted, mut conflicts, mut bytes) = (0, 0, 0);
    for t in tasks {
        let o = t.await.unwrap();
        granted.extend(o.granted);
        accepted += o.accepted;
        conflicts += o.conflicts;
        bytes += o.bytes;
    }
    let wall = start.elapsed();
    hub.shutdown().await.unwrap();
    let unique: HashSet<_> = granted.iter().collect();
    let samples = Arc::try_unwrap(samples).ok().unwrap().into_inner().unwrap();
    Phase {
        wall,
        cases: unique.len(),
        double_leases: granted.len() - unique.len(),
        accepted,
        conflicts,
        bytes,
        samples,
        healthz,
    }
}

fn report(label: &str, p: &mut Phase) {
    println!("\n== {label} ==");
    println!(
        "cases decided: {} accepted, {} conflicts, in {:.2} s → {:.0} cases/s, {:.1} MiB media downloaded",
        p.accepted,
        p.conflicts,
        p.wall.as_secs_f64(),
        p.accepted as f64 / p.wall.as_secs_f64(),
        p.bytes as f64 / (1024.0 * 1024.0)
    );
    println!("cases leased: {}, double leases: {}", p.cases, p.double_leases);
    p.healthz.sort();
    let h50 = percentile(&p.healthz, 0.5);
    println!(
        "{:<10} {:>7} {:>10} {:>10} {:>12}",
        "endpoint", "calls", "p50 ms", "p99 ms", "p50/healthz"
    );
    println!(
        "{:<10} {:>7} {:>10.2} {:>10.2} {:>12}",
        "healthz",
        p.healthz.len(),
        h50.as_secs_f64() * 1e3,
        percentile(&p.healthz, 0.99).as_secs_f64() * 1e3,
        "1.0"
    );
    for name in ["login", "lease", "media", "decisions"] {
        let Some(v) = p.samples.by_endpoint.get_mut(name) else { continue };
        v.sort();
        let p50 = percentile(v, 0.5);
        println!(
            "{:<10} {:>7} {:>10.2} {:>10.2} {:>12.1}",
            name,
            v.len(),
            p50.as_secs_f64() * 1e3,
            percentile(v, 0.99).as_secs_f64() * 1e3,
            p50.as_secs_f64() / h50.as_secs_f64().max(1e-9)
        );
    }
}

fn main() {
    // The client side uses ring, like the hub; reqwest needs it installed process-wide.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        println!("kyc-hub bench: {REVIEWERS} reviewers, {CASES} cases, media {MEDIA_BYTES} B each, lease batch {LEASE_BATCH}");
        let mut solo = run_phase(1, SOLO_CASES, 7).await;
        report("baseline: 1 reviewer", &mut solo);
        let mut crowd = run_phase(REVIEWERS, CASES, 8).await;
        report(&format!("{REVIEWERS} concurrent reviewers"), &mut crowd);
        let solo_rate = solo.accepted as f64 / solo.wall.as_secs_f64();
        let crowd_rate = crowd.accepted as f64 / crowd.wall.as_secs_f64();
        println!(
            "\nthroughput ratio (100 reviewers / 1 reviewer): {:.2}×; double leases: {}",
            crowd_rate / solo_rate,
            crowd.double_leases + solo.double_leases
        );
        assert_eq!(crowd.double_leases + solo.double_leases, 0, "a case was leased twice");
    });
}
