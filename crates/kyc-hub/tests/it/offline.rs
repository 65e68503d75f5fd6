//! The offline limits and idle-lock bounds of the policy: validation, the audit of a change,
//! the reviewer-readable client policy, leases for offline work and their renewals.

use kyc_proto::{
    ClientPolicy, LeaseGrant, LeaseRequest, Policy, RenewRequest, RenewResponse, routes,
};
use reqwest::{Method, StatusCode};
use time::OffsetDateTime;

use crate::support::*;

async fn policy(hub: &TestHub, admin: &str) -> Policy {
    hub.call(Method::GET, routes::ADMIN_POLICY, Some(admin), None::<&()>).await.json()
}

#[tokio::test]
async fn policy_defaults_bounds_and_rules_of_the_offline_and_idle_lock_fields() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let current = policy(&hub, &admin).await;
    assert_eq!(
        (
            current.offline_lease_hours,
            current.max_offline_hours,
            current.idle_lock_min_secs,
            current.idle_lock_max_secs
        ),
        (12, 72, 60, 900)
    );
    let put = |p: Policy| {
        let admin = admin.clone();
        let hub = &hub;
        async move { hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&p)).await }
    };
    let out_of_range = [
        Policy { offline_lease_hours: 0, ..current.clone() },
        Policy { offline_lease_hours: 73, max_offline_hours: 336, ..current.clone() },
        Policy { max_offline_hours: 337, ..current.clone() },
        Policy { idle_lock_min_secs: 29, ..current.clone() },
        Policy { idle_lock_max_secs: 3601, ..current.clone() },
    ];
    for bad in out_of_range {
        let a = put(bad).await;
        a.expect_error(400, "invalid");
        assert_eq!(a.error().rule.as_deref(), Some("out_of_range"));
    }
    let against_the_rules = [
        Policy { offline_lease_hours: 24, max_offline_hours: 12, ..current.clone() },
        Policy { idle_lock_min_secs: 600, idle_lock_max_secs: 300, ..current.clone() },
    ];
    for bad in against_the_rules {
        let a = put(bad).await;
        a.expect_error(400, "invalid");
        assert_eq!(a.error().rule.as_deref(), Some("policy_rule"));
        // The message names the fields, never a value sent.
        assert!(!a.error().message.contains("12") && !a.error().message.contains("600"));
    }
    assert_eq!(policy(&hub, &admin).await, current, "a refused policy changed nothing");
    // Bounds inclusive, and an omitted field is its default (older admin clients).
    let edge = Policy {
        offline_lease_hours: 72,
        max_offline_hours: 72,
        idle_lock_min_secs: 30,
        idle_lock_max_secs: 3600,
        ..current.clone()
    };
    assert_eq!(put(edge.clone()).await.status, StatusCode::OK);
    let mut old_client = serde_json::to_value(&current).unwrap();
    for field in
        ["offline_lease_hours", "max_offline_hours", "idle_lock_min_secs", "idle_lock_max_secs"]
    {
        old_client.as_object_mut().unwrap().remove(field);
    }
    let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&old_client)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json::<Policy>(), current);
}

#[tokio::test]
async fn a_change_of_the_offline_fields_is_audited_with_old_and_new_values() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let mut p = policy(&hub, &admin).await;
    p.offline_lease_hours = 24;
    p.idle_lock_max_secs = 1200;
    let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&p)).await;
    assert_eq!(a.status, StatusCode::OK);
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let kind: String = conn
        .query_row("SELECT kind FROM audit WHERE kind LIKE '%policy_changed%'", [], |r| r.get(0))
        .unwrap();
    let kind: kyc_proto::AuditRecordKind = serde_json::from_str(&kind).unwrap();
    let kyc_proto::AuditRecordKind::PolicyChanged { changes } = kind else { panic!("{kind:?}") };
    let changes: Vec<(&str, &str, &str)> =
        changes.iter().map(|c| (c.field.as_str(), c.from.as_str(), c.to.as_str())).collect();
    assert_eq!(
        changes,
        [("idle_lock_max_secs", "900", "1200"), ("offline_lease_hours", "12", "24")]
    );
}

#[tokio::test]
async fn every_signed_in_account_reads_the_client_policy_and_anonymous_callers_do_not() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let mut p = policy(&hub, &admin).await;
    p.max_offline_hours = 48;
    p.idle_lock_min_secs = 120;
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&p)).await;
    for user in [REVIEWER_A, SUPERVISOR, ADMIN] {
        let token = hub.login(user).await;
        let a = hub.call(Method::GET, routes::POLICY_CLIENT, Some(&token), None::<&()>).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            a.json::<ClientPolicy>(),
            ClientPolicy {
                offline_lease_hours: 12,
                max_offline_hours: 48,
                idle_lock_min_secs: 120,
                idle_lock_max_secs: 900
            }
        );
    }
    hub.call(Method::GET, routes::POLICY_CLIENT, None, None::<&()>)
        .await
        .expect_error(401, "unauthorized");
}

fn hours_from_now(at: OffsetDateTime) -> f64 {
    (at - OffsetDateTime::now_utc()).as_seconds_f64() / 3600.0
}

#[tokio::test]
async fn an_offline_pull_gets_offline_lease_hours_and_its_renewals_keep_that_length() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    hub.intake_many(&admin, 2, 61).await;
    let a = hub.login(REVIEWER_A).await;
    let lease = |offline: bool| {
        let a = a.clone();
        let hub = &hub;
        async move {
            let req = LeaseRequest { max_cases: 1, kind: None, offline };
            let answer = hub.call(Method::POST, routes::LEASES, Some(&a), Some(&req)).await;
            assert_eq!(answer.status, StatusCode::OK);
            answer.json::<LeaseGrant>().cases.remove(0)
        }
    };
    let offline = lease(true).await;
    let online = lease(false).await;
    let h = hours_from_now(offline.lease_expires_at);
    assert!((11.9..=12.01).contains(&h), "offline lease ends in {h} h");
    let h = hours_from_now(online.lease_expires_at);
    assert!((0.45..=0.51).contains(&h), "ordinary lease ends in {h} h");

    let renew = RenewRequest { case_ids: vec![offline.case.id.clone(), online.case.id.clone()] };
    let r: RenewResponse =
        hub.call(Method::POST, routes::LEASES_RENEW, Some(&a), Some(&renew)).await.json();
    assert!(r.lost.is_empty());
    let ends = |id| r.renewed.iter().find(|l| &l.case_id == id).unwrap().lease_expires_at;
    let h = hours_from_now(ends(&offline.case.id));
    assert!((11.9..=12.01).contains(&h), "renewed offline lease ends in {h} h");
    let h = hours_from_now(ends(&online.case.id));
    assert!((0.45..=0.51).contains(&h), "renewed ordinary lease ends in {h} h");

    // Without the field (an older client) a pull is an ordinary one.
    let b = hub.login(REVIEWER_B).await;
    hub.sql("UPDATE cases SET lease_expires_at = 0");
    let old_client = serde_json::json!({ "max_cases": 1 });
    let grant: LeaseGrant =
        hub.call(Method::POST, routes::LEASES, Some(&b), Some(&old_client)).await.json();
    let h = hours_from_now(grant.cases[0].lease_expires_at);
    assert!((0.45..=0.51).contains(&h), "lease of an older client ends in {h} h");
}

#[tokio::test]
async fn a_policy_stored_before_the_offline_fields_reads_with_their_defaults() {
    let mut hub = TestHub::start().await;
    hub.sql(
        "INSERT INTO policy (id, json) VALUES (1, '{\"lease_secs\":600,\"retention_days\":5,\"four_eyes_outcomes\":[]}') \
         ON CONFLICT(id) DO UPDATE SET json = excluded.json",
    );
    hub.restart().await;
    let admin = hub.login(ADMIN).await;
    let p = policy(&hub, &admin).await;
    assert_eq!((p.lease_secs, p.retention_days), (600, 5));
    assert_eq!(p.client(), ClientPolicy::default());
}
