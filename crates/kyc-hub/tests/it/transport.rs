//! TLS, the loopback rule, and the OpenAPI document.

use std::net::SocketAddr;

use kyc_hub::config::{HubConfig, TlsFiles};
use kyc_hub::{ServeError, serve};
use kyc_proto::routes;
use reqwest::Method;

use crate::support::*;

#[tokio::test]
async fn plain_http_off_loopback_is_refused() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let config = HubConfig::for_tests(dir.path());
    let config = HubConfig { listen: SocketAddr::from(([0, 0, 0, 0], 0)), ..config };
    let err = serve(config).await.unwrap_err();
    assert!(matches!(err, ServeError::PlainHttpNotLoopback(_)), "{err}");
    assert!(err.to_string().contains("TLS"));
}

#[tokio::test]
async fn serves_https_with_a_certificate_and_the_client_verifies_it() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert_pem = dir.path().join("cert.pem");
    let key_pem = dir.path().join("key.pem");
    std::fs::write(&cert_pem, cert.cert.pem()).unwrap();
    std::fs::write(&key_pem, cert.signing_key.serialize_pem()).unwrap();
    let mut config = HubConfig::for_tests(dir.path().join("data"));
    config.tls = Some(TlsFiles { cert_pem: cert_pem.clone(), key_pem });
    let hub = serve(config).await.unwrap();
    assert!(hub.base_url().starts_with("https://127.0.0.1:"));
    let trusted = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap()])
        .build()
        .unwrap();
    let health =
        trusted.get(format!("{}{}", hub.base_url(), routes::HEALTHZ)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // A client that does not trust the certificate gets nowhere; plain HTTP neither.
    let untrusting = reqwest::Client::builder().tls_certs_only([]).build().unwrap();
    assert!(untrusting.get(format!("{}{}", hub.base_url(), routes::HEALTHZ)).send().await.is_err());
    let plain =
        reqwest::Client::new().get(format!("http://{}{}", hub.addr, routes::HEALTHZ)).send().await;
    assert!(plain.is_err() || plain.unwrap().status() != 200);
    hub.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let hub = TestHub::start().await;
    let doc: serde_json::Value =
        hub.call(Method::GET, routes::OPENAPI, None, None::<&()>).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        routes::HEALTHZ,
        routes::OPENAPI,
        routes::LOGIN,
        routes::LOGOUT,
        routes::ME,
        routes::INTAKE,
        routes::LEASES,
        routes::LEASES_RENEW,
        routes::LEASES_RELEASE,
        routes::MEDIA,
        routes::DECISIONS,
        routes::AUDIT_EVENTS,
        routes::AUDIT_VERIFY,
        routes::SUPERVISOR_DECISIONS,
        routes::SUPERVISOR_CASE,
        routes::SUPERVISOR_VERDICTS,
        routes::SUPERVISOR_STATS,
        routes::ADMIN_USERS,
        routes::ADMIN_USER,
        routes::ADMIN_POLICY,
        routes::ADMIN_PURGE,
        routes::CASE_MEDIA_PROBLEM,
        routes::ADMIN_NEEDS_ATTENTION,
    ] {
        assert!(paths.contains_key(route), "{route} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["DecisionStatus"].is_object());
    // Every reference resolves, so client generators can use the document as it is.
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_owned()),
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20);
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{r}"));
        assert!(doc["components"]["schemas"][name].is_object(), "dangling {r}");
    }
}
