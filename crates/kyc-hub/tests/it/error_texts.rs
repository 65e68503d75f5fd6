//! Error texts never quote input: malformed bodies, query strings and paths carrying personal
//! markers get a `{code, message, rule}` answer without them, and the hub's log has none.

use reqwest::{Method, header};
use serde_json::json;

use crate::support::*;
use kyc_proto::{ApiError, routes};

/// Markers shaped like the personal data they stand for (a name, an ID number, a phone).
const NAME: &str = "ZHANGWEIMARKER";
const ID_NUMBER: &str = "110105194912310029";
const PHONE: &str = "13912345678";

fn markers() -> [&'static str; 3] {
    [NAME, ID_NUMBER, PHONE]
}

fn assert_clean(what: &str, answer: &Answer) {
    let text = String::from_utf8_lossy(&answer.body);
    for m in markers() {
        assert!(!text.contains(m), "{what}: the answer quotes {m}: {text}");
    }
    assert!(answer.status.is_client_error(), "{what}: status {}: {text}", answer.status);
    let err: ApiError = serde_json::from_slice(&answer.body)
        .unwrap_or_else(|e| panic!("{what}: not an ApiError ({e}): {text}"));
    assert!(!err.message.is_empty(), "{what}");
}

#[tokio::test]
async fn error_texts_name_fields_and_rules_but_never_quote_input() {
    let hub = TestHub::start_with(|c| c.json_body_limit = 64 * 1024).await;
    let reviewer = hub.login(REVIEWER_A).await;
    let supervisor = hub.login(SUPERVISOR).await;
    let admin = hub.login(ADMIN).await;
    let case = make_cases(1, 7).remove(0);
    let mut intake = serde_json::to_value(intake_body(&case)).unwrap();
    // Wrong types, unknown fields, unknown enum values and bad ids, in every JSON endpoint.
    let mut bodies: Vec<(&str, &str, &str, serde_json::Value)> = vec![
        (routes::LOGIN, "", "wrong type", json!({ "username": [NAME], "password": ID_NUMBER })),
        (routes::LOGIN, "", "unknown field", json!({ "username": "a", "password": "b", NAME: 1 })),
        (routes::LEASES, reviewer.as_str(), "wrong type", json!({ "max_cases": NAME })),
        (
            routes::LEASES,
            reviewer.as_str(),
            "unknown variant",
            json!({ "max_cases": 1, "kind": NAME }),
        ),
        (
            routes::LEASES,
            reviewer.as_str(),
            "unknown field",
            json!({ "max_cases": 1, NAME: PHONE }),
        ),
        (
            routes::LEASES_RENEW,
            reviewer.as_str(),
            "bad id",
            json!({ "case_ids": [format!("../{NAME}")] }),
        ),
        (
            routes::LEASES_RELEASE,
            reviewer.as_str(),
            "long id",
            json!({ "case_ids": [ID_NUMBER.repeat(4)] }),
        ),
        (
            routes::DECISIONS,
            reviewer.as_str(),
            "bad date",
            json!({ "items": [{ "idempotency_key": "k1", "decision": {
                "case_id": "c_1", "outcome": { "type": "approve" }, "note": NAME,
                "decided_at": format!("{PHONE}-{NAME}") } }] }),
        ),
        (
            routes::DECISIONS,
            reviewer.as_str(),
            "unknown outcome",
            json!({ "items": [{ "idempotency_key": "k1", "decision": {
                "case_id": "c_1", "outcome": { "type": NAME }, "note": null,
                "decided_at": "2026-01-01T00:00:00Z" } }] }),
        ),
        (
            routes::AUDIT_EVENTS,
            reviewer.as_str(),
            "wrong type",
            json!({ "events": [{ "case_id": "c_1", "at": "2026-01-01T00:00:00Z",
                "kind": { "type": "field_revealed", "field": 7, "reason": [NAME, PHONE] } }] }),
        ),
        (
            routes::SUPERVISOR_VERDICTS,
            supervisor.as_str(),
            "wrong type",
            json!({ "decision_id": NAME, "verdict": "agree", "note": PHONE }),
        ),
        (
            routes::SUPERVISOR_VERDICTS,
            supervisor.as_str(),
            "unknown verdict",
            json!({ "decision_id": 1, "verdict": NAME, "note": null }),
        ),
        (
            routes::ADMIN_USERS,
            admin.as_str(),
            "unknown role",
            json!({ "username": NAME.to_lowercase(), "role": NAME, "password": ID_NUMBER }),
        ),
        (
            routes::ADMIN_POLICY,
            admin.as_str(),
            "wrong type",
            json!({ "lease_secs": NAME, "retention_days": 1, "four_eyes_outcomes": [] }),
        ),
    ];
    // Intake: a personal field of the wrong type, and a document kind that does not exist.
    let mut wrong_name = intake.clone();
    wrong_name["case"]["applicant"]["name"] = json!({ NAME: ID_NUMBER });
    bodies.push((routes::INTAKE, admin.as_str(), "intake wrong type", wrong_name));
    intake["case"]["documents"][0]["kind"] = json!(NAME);
    bodies.push((routes::INTAKE, admin.as_str(), "intake unknown variant", intake));
    for (path, token, what, body) in &bodies {
        let method = if *path == routes::ADMIN_POLICY { Method::PUT } else { Method::POST };
        let token = (!token.is_empty()).then_some(*token);
        let answer = hub.call(method, path, token, Some(body)).await;
        assert_clean(&format!("{path} {what}"), &answer);
        let err = answer.error();
        assert!(err.rule.is_some(), "{path} {what}: no rule: {err:?}");
    }
    // The account PATCH, by path.
    let patch = routes::admin_user(&kyc_model::UserId::parse("u_nobody").unwrap());
    let answer =
        hub.call(Method::PATCH, &patch, Some(&admin), Some(&json!({ "disabled": NAME }))).await;
    assert_clean("admin user patch", &answer);

    // Malformed JSON and a wrong content type with markers inside.
    let raw = [
        ("application/json", format!(r#"{{"max_cases": "{NAME}"#)),
        ("application/json", format!(r#"{{"{NAME}": {PHONE}, }}"#)),
        ("text/plain", format!(r#"{{"max_cases": "{ID_NUMBER}"}}"#)),
    ];
    for (content_type, body) in raw {
        let req = hub
            .client
            .post(format!("{}{}", hub.base, routes::LEASES))
            .bearer_auth(&reviewer)
            .header(header::CONTENT_TYPE, content_type)
            .body(body);
        assert_clean("raw body", &hub.send(req).await);
    }
    // Oversized: the marker first, then padding past the limit.
    let big = json!({ "max_cases": 1, "kind": format!("{NAME}{}", "x".repeat(80 * 1024)) });
    let answer = hub.call(Method::POST, routes::LEASES, Some(&reviewer), Some(&big)).await;
    answer.expect_error(413, "payload_too_large");
    assert_clean("oversized", &answer);

    // Query strings and paths.
    let queries = [
        format!("{}?reviewer=../{NAME}", routes::SUPERVISOR_DECISIONS),
        format!("{}?limit={PHONE}{NAME}", routes::SUPERVISOR_DECISIONS),
        format!("{}?from={ID_NUMBER}", routes::SUPERVISOR_STATS),
        format!("{}?{NAME}={PHONE}", routes::SUPERVISOR_STATS),
        format!("{}?outcome={NAME}", routes::SUPERVISOR_DECISIONS),
    ];
    for q in &queries {
        let answer = hub.call(Method::GET, q, Some(&supervisor), None::<&()>).await;
        assert_eq!(answer.status.as_u16(), 422, "{q}");
        assert_clean(q, &answer);
    }
    for path in [
        format!("/api/v1/media/{NAME}.{ID_NUMBER}"),
        format!("/api/v1/supervisor/cases/{NAME}%2F{PHONE}"),
    ] {
        let token = if path.contains("media") { &reviewer } else { &supervisor };
        let answer = hub.call(Method::GET, &path, Some(token), None::<&()>).await;
        answer.expect_error(400, "invalid");
        assert_clean(&path, &answer);
    }

    let logs = captured_logs();
    for m in markers() {
        assert!(!logs.contains(m), "the hub's log quotes {m}");
    }
}

#[tokio::test]
async fn json_data_errors_name_the_field_path_and_rule() {
    let hub = TestHub::start().await;
    let reviewer = hub.login(REVIEWER_A).await;
    let body = json!({ "items": [{ "idempotency_key": "k1", "decision": {
        "case_id": "c_1", "outcome": { "type": "approve" }, "note": null,
        "decided_at": 5 } }] });
    let err = hub.call(Method::POST, routes::DECISIONS, Some(&reviewer), Some(&body)).await;
    err.expect_error(422, "invalid");
    let err = err.error();
    assert_eq!(err.rule.as_deref(), Some("wrong_type"), "{err:?}");
    assert!(err.message.contains("items[0].decision.decided_at"), "{}", err.message);
    let missing = hub.call(Method::POST, routes::LEASES, Some(&reviewer), Some(&json!({}))).await;
    let missing = missing.error();
    assert_eq!(missing.rule.as_deref(), Some("missing_field"));
    assert!(missing.message.contains("`max_cases`"), "{}", missing.message);
}
