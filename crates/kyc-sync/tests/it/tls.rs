//! The client over real TLS: a certificate generated in the test, served by the real hub,
//! trusted only through `ClientConfig::extra_roots_pem`.

use kyc_sync::{CancellationToken, SyncError};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_pull_and_push_work_over_tls_with_a_root_from_extra_roots_pem() {
    let certs = tempfile::tempdir().unwrap();
    let (tls, cert_pem) = self_signed_tls(certs.path(), &["127.0.0.1"]);
    let hub = Hub::start_with(|c| c.tls = Some(tls)).await;
    assert!(hub.url().starts_with("https://127.0.0.1:"), "{}", hub.url());
    let cases = &synth_cases()[..1];
    hub.add_cases(&synth_as_cases(cases));
    let data = tempfile::tempdir().unwrap();
    let mut config = client_config(&hub.url());
    config.extra_roots_pem = vec![cert_pem];
    let ws = workstation_with(config, data.path(), fast_options());

    sign_in(&ws, &hub).await.unwrap();
    let report = ws.pull(1, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.stored, vec![cases[0].case.id.clone()], "{:?}", report.failed);
    assert!(report.bytes > 0, "media came over TLS too");
    ws.vault().record_decision(&reject(&cases[0].case.id)).unwrap();
    assert_eq!(ws.push_now().await.unwrap().accepted, 1);
    assert_eq!(hub.case_state(&cases[0].case.id), "decided");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_hub_certificate_is_refused_with_a_typed_error() {
    let certs = tempfile::tempdir().unwrap();
    let (tls, _) = self_signed_tls(certs.path(), &["127.0.0.1"]);
    let hub = Hub::start_with(|c| c.tls = Some(tls)).await;
    let data = tempfile::tempdir().unwrap();
    // No extra root: the self-signed certificate chains to nothing the client trusts.
    let ws = workstation_with(client_config(&hub.url()), data.path(), fast_options());
    let err = sign_in(&ws, &hub).await.unwrap_err();
    assert!(matches!(err, SyncError::UntrustedCertificate), "{err:?}");
    assert!(!err.is_transient(), "retrying cannot help");
    assert!(!ws.client().is_signed_in());
    assert!(ws.pull(1, None, &CancellationToken::new()).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_certificate_for_another_host_name_is_refused() {
    let certs = tempfile::tempdir().unwrap();
    // Trusted, but issued for `localhost` while the client dials 127.0.0.1.
    let (tls, cert_pem) = self_signed_tls(certs.path(), &["localhost"]);
    let hub = Hub::start_with(|c| c.tls = Some(tls)).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = client_config(&hub.url());
    config.extra_roots_pem = vec![cert_pem];
    let ws = workstation_with(config, data.path(), fast_options());
    let err = sign_in(&ws, &hub).await.unwrap_err();
    assert!(matches!(err, SyncError::UntrustedCertificate), "{err:?}");
}
