//! Hostile and malformed input gets a clear 4xx `ApiError`.

use reqwest::{Method, header};

use crate::support::*;
use kyc_proto::routes;

#[tokio::test]
async fn malformed_bodies_unknown_fields_and_wrong_types_are_invalid() {
    let hub = TestHub::start().await;
    let a = hub.login(REVIEWER_A).await;
    let url = format!("{}{}", hub.base, routes::LEASES);
    let table: &[(&str, &str, u16, &str)] = &[
        ("application/json", "{not json", 400, "invalid"),
        ("application/json", r#"{"max_cases": 1, "extra": true}"#, 422, "invalid"),
        ("application/json", r#"{"max_cases": "one"}"#, 422, "invalid"),
        ("application/json", r#"{"max_cases": 1, "kind": "martian"}"#, 422, "invalid"),
        ("application/json", r#"{"max_cases": 0}"#, 400, "invalid"),
        ("application/json", r#"{"max_cases": 51}"#, 400, "invalid"),
        ("text/plain", r#"{"max_cases": 1}"#, 415, "invalid"),
    ];
    for (content_type, body, status, code) in table {
        let req = hub
            .client
            .post(&url)
            .bearer_auth(&a)
            .header(header::CONTENT_TYPE, *content_type)
            .body(*body);
        hub.send(req).await.expect_error(*status, code);
    }
    let login = format!("{}{}", hub.base, routes::LOGIN);
    let req = hub
        .client
        .post(&login)
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"username":"a","password":"b","totp":"1"}"#);
    hub.send(req).await.expect_error(422, "invalid");
}

#[tokio::test]
async fn path_like_and_oversized_ids_are_refused_before_any_lookup() {
    let hub = TestHub::start().await;
    let a = hub.login(REVIEWER_A).await;
    let s = hub.login(SUPERVISOR).await;
    let long = "m".repeat(65);
    for raw in ["..%2F..%2Fhub.key", "%2e%2e%2fetc", "a.b", "a%00b", long.as_str()] {
        let path = format!("/api/v1/media/{raw}");
        hub.call(Method::GET, &path, Some(&a), None::<&()>).await.expect_error(400, "invalid");
        let path = format!("/api/v1/supervisor/cases/{raw}");
        hub.call(Method::GET, &path, Some(&s), None::<&()>).await.expect_error(400, "invalid");
    }
    // Ids inside JSON bodies are validated the same way.
    let body = serde_json::json!({ "case_ids": ["../../etc/passwd"] });
    hub.call(Method::POST, routes::LEASES_RENEW, Some(&a), Some(&body))
        .await
        .expect_error(422, "invalid");
    let body = serde_json::json!({ "case_ids": [long] });
    hub.call(Method::POST, routes::LEASES_RENEW, Some(&a), Some(&body))
        .await
        .expect_error(422, "invalid");
    // Unknown but well-formed ids are simply not found.
    hub.call(Method::GET, "/api/v1/media/m_nothing", Some(&a), None::<&()>)
        .await
        .expect_error(404, "not_found");
    hub.call(Method::GET, "/api/v1/nowhere", Some(&a), None::<&()>)
        .await
        .expect_error(404, "not_found");
    hub.call(Method::DELETE, routes::LEASES, Some(&a), None::<&()>)
        .await
        .expect_error(405, "invalid");
}

#[tokio::test]
async fn bodies_over_the_limit_are_payload_too_large() {
    let hub = TestHub::start_with(|c| {
        c.json_body_limit = 16 * 1024;
        c.intake_body_limit = 64 * 1024;
    })
    .await;
    let a = hub.login(REVIEWER_A).await;
    let admin = hub.login(ADMIN).await;
    let padding = "x".repeat(20 * 1024);
    let body = serde_json::json!({ "max_cases": 1, "kind": padding });
    hub.call(Method::POST, routes::LEASES, Some(&a), Some(&body))
        .await
        .expect_error(413, "payload_too_large");
    // Intake has its own, larger limit: a case with 30 KiB of media (40 KiB as base64, over
    // the ordinary limit) fits, a 100 KiB media object does not.
    let mut case = make_cases(1, 51).remove(0);
    case.media[0].2 = zeroize::Zeroizing::new(kyc_hub::demo::demo_jpeg(&[7u8; 30 * 1024]));
    let created = hub.intake(&admin, &case).await;
    assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
    case = make_cases(1, 52).remove(0);
    case.media[0].2 = zeroize::Zeroizing::new(vec![7u8; 100 * 1024]);
    hub.intake(&admin, &case).await.expect_error(413, "payload_too_large");
}
