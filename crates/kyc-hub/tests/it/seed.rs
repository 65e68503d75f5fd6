//! `seed` with the synthetic generator: every kind, served intact, nothing in plain on disk.

use std::collections::HashSet;

use kyc_hub::config::{HubConfig, PasswordHashing};
use kyc_hub::ops;
use kyc_model::CaseKind;
use kyc_proto::{
    LeaseGrant, LeaseRequest, LoginRequest, LoginResponse, PreloginRequest, PreloginResponse,
    Secret, routes,
};
use sha2::{Digest, Sha256};

use crate::support::init;

#[tokio::test]
async fn seeded_cases_cover_every_kind_and_their_media_download_intact() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let report = ops::seed(dir.path(), 5, 3, PasswordHashing::Cheap).unwrap();
    assert_eq!(report.cases, 5);
    let names: Vec<_> = report.accounts.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(names, ["reviewer1", "reviewer2", "supervisor", "admin"]);
    // Seeding again adds cases but leaves the accounts (and their passwords) alone.
    let again = ops::seed(dir.path(), 0, 3, PasswordHashing::Cheap).unwrap();
    assert!(again.accounts.is_empty());

    let hub = kyc_hub::serve(HubConfig::for_tests(dir.path())).await.unwrap();
    let client = reqwest::Client::new();
    let base = hub.base_url();
    let reviewer = &report.accounts[0];
    let prelogin: PreloginResponse = client
        .post(format!("{base}{}", routes::PRELOGIN))
        .json(&PreloginRequest { username: reviewer.username.clone() })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let master = kyc_keys::derive(&Secret::new(reviewer.password.as_str()), &prelogin.kdf).unwrap();
    let login: LoginResponse = client
        .post(format!("{base}{}", routes::LOGIN))
        .json(&LoginRequest {
            username: reviewer.username.clone(),
            auth_key: master.hub_auth_key().to_secret(),
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login.token.expose().to_owned();
    let grant: LeaseGrant = client
        .post(format!("{base}{}", routes::LEASES))
        .bearer_auth(&token)
        .json(&LeaseRequest { max_cases: 50, kind: None, offline: false })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kinds: HashSet<CaseKind> = grant.cases.iter().map(|c| c.case.kind).collect();
    assert_eq!(kinds.len(), CaseKind::ALL.len());
    for leased in &grant.cases {
        for m in &leased.media {
            let bytes = client
                .get(format!("{base}{}", routes::media(&m.id)))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let digest: String =
                Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(digest, m.sha256);
        }
    }
    hub.shutdown().await.unwrap();

    let synth = kyc_synth::generate(&kyc_synth::SynthOptions {
        n_cases: 5,
        rng_seed: 3,
        today: time::OffsetDateTime::now_utc().date(),
    });
    let markers: Vec<kyc_scan::Marker> = synth
        .iter()
        .flat_map(|c| c.markers())
        .map(|(label, value)| kyc_scan::Marker::bytes(label, value))
        .collect();
    assert!(markers.len() >= 5 * 3);
    let scan = kyc_scan::scan_dir(dir.path(), &markers).unwrap();
    assert!(scan.is_clean(), "{scan}");
}

#[tokio::test]
async fn the_demo_history_gives_charts_and_samples_something_to_show() {
    use crate::support::{SUPERVISOR, TestHub};
    use reqwest::Method;
    let hub = TestHub::start().await;
    let report = ops::seed_history(hub.dir.path(), 30, 5, 7, PasswordHashing::Cheap).unwrap();
    assert_eq!(
        report.accounts.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(),
        ["reviewer3"]
    );
    assert_eq!(report.decisions, 30);
    assert!(report.verdicts >= 5, "{}", report.verdicts);
    let s = hub.login(SUPERVISOR).await;
    let stats: kyc_proto::StatsResponse =
        hub.call(Method::GET, routes::SUPERVISOR_STATS, Some(&s), None::<&()>).await.json();
    assert_eq!(stats.reviewers.len(), 3, "three reviewers");
    assert_eq!(stats.total.per_day.len(), 5, "five days");
    assert!(stats.total.rejected > 0 && stats.total.approved > 0 && stats.total.escalated > 0);
    assert!(stats.total.overturned > 0 && stats.total.median_handling_secs.is_some());
    assert!(stats.four_eyes_backlog > 0, "enterprise approvals wait for four eyes");
    let escalations: kyc_proto::EscalationList =
        hub.call(Method::GET, routes::SUPERVISOR_ESCALATIONS, Some(&s), None::<&()>).await.json();
    assert!(!escalations.cases.is_empty());
    // Blind double review: one agreed, two disputed and waiting for a supervisor.
    assert_eq!((report.double_reviews, report.disputes), (3, 2));
    let disputes: kyc_proto::DisputeList =
        hub.call(Method::GET, routes::SUPERVISOR_DISPUTES, Some(&s), None::<&()>).await.json();
    assert_eq!(disputes.cases.len(), 2);
    assert!(stats.agreement.iter().any(|p| p.cases == 3 && p.agreed == 1), "{:?}", stats.agreement);
    let now = time::OffsetDateTime::now_utc();
    let request = kyc_proto::SampleRequest {
        name: "demo".into(),
        percent: 20,
        from: now - time::Duration::days(6),
        to: now,
        seed: Some("demo".into()),
    };
    let sample: kyc_proto::SampleList =
        hub.call(Method::POST, routes::SUPERVISOR_SAMPLES, Some(&s), Some(&request)).await.json();
    assert!(sample.strata.len() >= 10 && !sample.members.is_empty());
    let verify: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(verify.intact);
}
