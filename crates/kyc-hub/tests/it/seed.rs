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
