//! Administration: account changes and policy changes are audited, never on one's own
//! account; policy fields are validated with typed errors; cases that need attention go back
//! to the queue or are closed, audited.

use kyc_model::{CaseKind, CaseState};
use kyc_proto::{
    AttentionAction, AttentionResolution, AttentionResolved, AuditRecordKind, CreateUserRequest,
    FourEyesRule, LoginResponse, Me, NeedsAttentionList, OutcomeCode, OverturnAction, OverturnRule,
    Policy, Role, UpdateUserRequest, UserSummary, routes,
};
use reqwest::Method;

use crate::support::*;

/// The audit records of one kind (by its `type`), as `(actor, kind)`.
fn audit_rows(hub: &TestHub, kind: &str) -> Vec<(Option<String>, AuditRecordKind)> {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let mut stmt = conn.prepare("SELECT actor, kind FROM audit ORDER BY seq").unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .filter(|(_, k)| serde_json::from_str::<serde_json::Value>(k).unwrap()["type"] == kind)
        .map(|(a, k)| (a, serde_json::from_str(&k).unwrap()))
        .collect()
}

async fn patch(
    hub: &TestHub,
    admin: &str,
    id: &kyc_model::UserId,
    change: &UpdateUserRequest,
) -> Answer {
    hub.call(Method::PATCH, &routes::admin_user(id), Some(admin), Some(change)).await
}

#[tokio::test]
async fn account_changes_are_audited_and_never_made_to_ones_own_account() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let me: Me = hub.call(Method::GET, routes::ME, Some(&admin), None::<&()>).await.json();
    let actor = Some(me.user.as_str().to_owned());

    // Created without a password: the hub makes a one-time one and shows it once.
    let create =
        CreateUserRequest { username: "new-reviewer".into(), role: Role::Reviewer, password: None };
    let a = hub.call(Method::POST, routes::ADMIN_USERS, Some(&admin), Some(&create)).await;
    assert_eq!(a.status.as_u16(), 201);
    let created: UserSummary = a.json();
    let one_time = created.one_time_password.clone().expect("shown once");
    let login = hub.login_raw("new-reviewer", one_time.expose()).await;
    assert!(login.json::<LoginResponse>().password_change_required);
    let listed: Vec<UserSummary> =
        hub.call(Method::GET, routes::ADMIN_USERS, Some(&admin), None::<&()>).await.json();
    assert!(listed.iter().all(|u| u.one_time_password.is_none()), "never shown again");
    assert!(
        !String::from_utf8_lossy(
            &hub.call(Method::GET, routes::ADMIN_USERS, Some(&admin), None::<&()>).await.body
        )
        .contains(one_time.expose())
    );

    // Role change, audited with both roles.
    let to_supervisor = UpdateUserRequest { role: Some(Role::Supervisor), ..Default::default() };
    let changed: UserSummary = patch(&hub, &admin, &created.id, &to_supervisor).await.json();
    assert_eq!(changed.role, Role::Supervisor);
    let token = hub.login_raw("new-reviewer", one_time.expose()).await.json::<LoginResponse>();
    assert_eq!(token.role, Role::Supervisor);
    assert_eq!(
        audit_rows(&hub, "account_role_changed"),
        [(
            actor.clone(),
            AuditRecordKind::AccountRoleChanged {
                target: created.id.clone(),
                from: Role::Reviewer,
                to: Role::Supervisor
            }
        )]
    );

    // Never one's own role, never one's own account disabled; nothing is recorded for them.
    let own_role = UpdateUserRequest { role: Some(Role::Reviewer), ..Default::default() };
    patch(&hub, &admin, &me.user, &own_role).await.expect_error(403, "forbidden");
    let own_disable = UpdateUserRequest { disabled: Some(true), ..Default::default() };
    patch(&hub, &admin, &me.user, &own_disable).await.expect_error(403, "forbidden");
    assert_eq!(audit_rows(&hub, "account_role_changed").len(), 1);

    // Reset: a generated one-time password, returned once; the old one stops working.
    let both = UpdateUserRequest {
        reset_password: Some(true),
        password: Some(kyc_proto::Secret::new("another password 1")),
        ..Default::default()
    };
    let e = patch(&hub, &admin, &created.id, &both).await.error();
    assert_eq!(e.rule.as_deref(), Some("password_choice"));
    let reset = UpdateUserRequest { reset_password: Some(true), ..Default::default() };
    let answer: UserSummary = patch(&hub, &admin, &created.id, &reset).await.json();
    let fresh = answer.one_time_password.expect("the new one-time password");
    assert_ne!(fresh.expose(), one_time.expose());
    hub.login_raw("new-reviewer", one_time.expose()).await.expect_error(401, "unauthorized");
    assert_eq!(hub.login_raw("new-reviewer", fresh.expose()).await.status.as_u16(), 200);

    // Disable; enabling again is a change too, and a no-op records nothing.
    patch(&hub, &admin, &created.id, &own_disable).await;
    patch(&hub, &admin, &created.id, &own_disable).await;
    patch(
        &hub,
        &admin,
        &created.id,
        &UpdateUserRequest { disabled: Some(false), ..Default::default() },
    )
    .await;

    assert_eq!(
        audit_rows(&hub, "account_created").last().unwrap(),
        &(
            actor.clone(),
            AuditRecordKind::AccountCreated { target: created.id.clone(), role: Role::Reviewer }
        )
    );
    assert_eq!(
        audit_rows(&hub, "password_reset"),
        [(actor.clone(), AuditRecordKind::PasswordReset { target: created.id.clone() })]
    );
    let disabled: Vec<_> = audit_rows(&hub, "account_disabled_changed");
    assert_eq!(
        disabled,
        [
            (
                actor.clone(),
                AuditRecordKind::AccountDisabledChanged {
                    target: created.id.clone(),
                    disabled: true
                }
            ),
            (
                actor.clone(),
                AuditRecordKind::AccountDisabledChanged {
                    target: created.id.clone(),
                    disabled: false
                }
            ),
        ]
    );
    hub.call(
        Method::PATCH,
        &routes::admin_user(&kyc_model::UserId::parse("u_nobody").unwrap()),
        Some(&admin),
        Some(&reset),
    )
    .await
    .expect_error(404, "not_found");
    let s = hub.login(SUPERVISOR).await;
    let report: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&s), None::<&()>).await.json();
    assert!(report.intact);
}

#[tokio::test]
async fn each_policy_field_is_validated_with_its_rule_and_name() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let base = kyc_hub::store::default_policy();
    let rule = |kind, outcome, reasons| FourEyesRule { kind, outcome, reasons };
    let cases: Vec<(Policy, &str, &str)> = vec![
        (Policy { lease_secs: 5, ..base.clone() }, "out_of_range", "lease_secs must be 10..=86400"),
        (
            Policy { retention_days: 4000, ..base.clone() },
            "out_of_range",
            "retention_days must be 0..=3650",
        ),
        (
            Policy { offline_lease_hours: 0, ..base.clone() },
            "out_of_range",
            "offline_lease_hours must be 1..=72",
        ),
        (
            Policy { idle_lock_max_secs: 4000, ..base.clone() },
            "out_of_range",
            "idle_lock_max_secs must be 30..=3600",
        ),
        (
            Policy { offline_lease_hours: 48, max_offline_hours: 24, ..base.clone() },
            "policy_rule",
            "max_offline_hours must be at least offline_lease_hours",
        ),
        (
            Policy { idle_lock_min_secs: 600, idle_lock_max_secs: 300, ..base.clone() },
            "policy_rule",
            "idle_lock_min_secs",
        ),
        (
            Policy { four_eyes_outcomes: vec![OutcomeCode::Escalate], ..base.clone() },
            "policy_rule",
            "an escalation cannot need confirmation",
        ),
        (
            Policy {
                four_eyes_rules: vec![rule(None, OutcomeCode::Escalate, vec![])],
                ..base.clone()
            },
            "policy_rule",
            "an escalation cannot need confirmation",
        ),
        (
            Policy {
                four_eyes_rules: vec![rule(
                    None,
                    OutcomeCode::Approve,
                    vec![kyc_model::ReasonCode::Underage],
                )],
                ..base.clone()
            },
            "policy_rule",
            "only reject and request_resubmission rules can name reasons",
        ),
        (
            Policy {
                four_eyes_rules: vec![
                    rule(None, OutcomeCode::Reject, vec![]),
                    rule(None, OutcomeCode::Reject, vec![]),
                ],
                ..base.clone()
            },
            "policy_rule",
            "four_eyes_rules: an entry is listed twice",
        ),
        (
            Policy {
                overturn_actions: vec![
                    OverturnRule {
                        kind: CaseKind::EnterpriseAccount,
                        action: OverturnAction::Correct,
                    },
                    OverturnRule {
                        kind: CaseKind::EnterpriseAccount,
                        action: OverturnAction::Requeue,
                    },
                ],
                ..base.clone()
            },
            "policy_rule",
            "overturn_actions: an entry is listed twice",
        ),
    ];
    for (policy, rule, message) in cases {
        let a = hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
        a.expect_error(400, "invalid");
        let e = a.error();
        assert_eq!(e.rule.as_deref(), Some(rule), "{message}");
        assert!(e.message.contains(message), "{} / {message}", e.message);
    }
    assert!(audit_rows(&hub, "policy_changed").is_empty(), "a refused policy records nothing");
    let good = Policy {
        four_eyes_rules: vec![rule(
            Some(CaseKind::EnterpriseCertificate),
            OutcomeCode::Approve,
            vec![],
        )],
        overturn_actions: vec![OverturnRule {
            kind: CaseKind::EnterpriseAccount,
            action: OverturnAction::Correct,
        }],
        ..base
    };
    let stored: Policy =
        hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&good)).await.json();
    assert_eq!(stored, good);
    let rows = audit_rows(&hub, "policy_changed");
    let [(_, AuditRecordKind::PolicyChanged { changes })] = rows.as_slice() else {
        panic!("{rows:?}")
    };
    let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["four_eyes_rules", "overturn_actions"]);
}

#[tokio::test]
async fn a_case_that_needs_attention_goes_back_to_the_queue_or_is_closed_audited() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let cases = hub.intake_many(&admin, 2, 401).await;
    // Stand-ins for two confirmed media problems (the poison tests confirm real ones).
    for c in &cases {
        hub.sql(&format!(
            "UPDATE cases SET state = 'needs_attention' WHERE id = '{id}'; \
             INSERT INTO case_attention (case_id, media_id, reported, rule, reported_by, confirmed_at) \
             VALUES ('{id}', '{media}', 'corrupt', 'media_corrupt', 'u_someone', 1)",
            id = c.case.id,
            media = c.media[0].0
        ));
    }
    let list: NeedsAttentionList = hub
        .call(Method::GET, routes::ADMIN_NEEDS_ATTENTION, Some(&admin), None::<&()>)
        .await
        .json();
    assert_eq!(list.cases.len(), 2);
    let resolve = |id: &kyc_model::CaseId, action| {
        let path = routes::admin_needs_attention_case(id);
        let (hub, admin) = (&hub, admin.clone());
        async move {
            hub.call(Method::POST, &path, Some(&admin), Some(&AttentionResolution { action })).await
        }
    };
    let r = hub.login(REVIEWER_A).await;
    assert!(hub.lease(&r, 5).await.cases.is_empty(), "neither is leased while it needs attention");
    let (back, closed) = (&cases[0].case.id, &cases[1].case.id);
    let answer: AttentionResolved = resolve(back, AttentionAction::ReturnToQueue).await.json();
    assert_eq!(answer.case_state, CaseState::Open);
    let answer: AttentionResolved = resolve(closed, AttentionAction::CloseUnusable).await.json();
    assert_eq!(answer.case_state, CaseState::ClosedUnusable);
    resolve(closed, AttentionAction::ReturnToQueue).await.expect_error(409, "conflict");
    resolve(&kyc_model::CaseId::parse("c_nobody").unwrap(), AttentionAction::CloseUnusable)
        .await
        .expect_error(404, "not_found");
    let s = hub.login(SUPERVISOR).await;
    hub.call(
        Method::POST,
        &routes::admin_needs_attention_case(back),
        Some(&s),
        Some(&AttentionResolution { action: AttentionAction::CloseUnusable }),
    )
    .await
    .expect_error(403, "forbidden");

    let leased = hub.lease(&r, 5).await.cases;
    assert_eq!(leased.iter().map(|c| &c.case.id).collect::<Vec<_>>(), [back]);
    let list: NeedsAttentionList = hub
        .call(Method::GET, routes::ADMIN_NEEDS_ATTENTION, Some(&admin), None::<&()>)
        .await
        .json();
    assert!(list.cases.is_empty());
    let me: Me = hub.call(Method::GET, routes::ME, Some(&admin), None::<&()>).await.json();
    let actor = Some(me.user.as_str().to_owned());
    assert_eq!(
        audit_rows(&hub, "attention_resolved"),
        [
            (
                actor.clone(),
                AuditRecordKind::AttentionResolved { action: "return_to_queue".into() }
            ),
            (actor, AuditRecordKind::AttentionResolved { action: "close_unusable".into() }),
        ]
    );
    // A closed case is purged with the retention of decided ones.
    let policy = Policy { retention_days: 0, ..kyc_hub::store::default_policy() };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    let purge: kyc_proto::PurgeReport =
        hub.call(Method::POST, routes::ADMIN_PURGE, Some(&admin), None::<&()>).await.json();
    assert_eq!(purge.cases_purged, 1);
}

#[tokio::test]
async fn an_administrator_reads_the_latest_account_and_policy_events_and_nothing_else() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let me: Me = hub.call(Method::GET, routes::ME, Some(&admin), None::<&()>).await.json();
    let create = CreateUserRequest {
        username: "events-reviewer".into(),
        role: Role::Reviewer,
        password: None,
    };
    let created: UserSummary =
        hub.call(Method::POST, routes::ADMIN_USERS, Some(&admin), Some(&create)).await.json();
    assert!(created.password_change_required, "an administrator's password is one-time");
    let disable = UpdateUserRequest { disabled: Some(true), ..Default::default() };
    patch(&hub, &admin, &created.id, &disable).await.json::<UserSummary>();
    let policy = Policy { lease_secs: 1234, ..kyc_hub::store::default_policy() };
    hub.call(Method::PUT, routes::ADMIN_POLICY, Some(&admin), Some(&policy)).await;
    // A reviewer's work is not an administrative event.
    let r = hub.login(REVIEWER_A).await;
    let _ = hub.lease(&r, 1).await;

    let answer = hub
        .call(Method::GET, &format!("{}?limit=2", routes::ADMIN_EVENTS), Some(&admin), None::<&()>)
        .await;
    let list: kyc_proto::AdminEventList = answer.json();
    assert_eq!(list.events.len(), 2, "the limit holds");
    let kinds = |l: &kyc_proto::AdminEventList| {
        l.events
            .iter()
            .map(|e| serde_json::to_value(&e.kind).unwrap()["type"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&list), ["policy_changed", "account_disabled_changed"], "newest first");
    assert!(list.events.iter().all(|e| e.actor.as_ref() == Some(&me.user)));
    let AuditRecordKind::PolicyChanged { changes } = &list.events[0].kind else { panic!() };
    assert_eq!(
        changes.iter().map(|c| (c.field.as_str(), c.to.as_str())).collect::<Vec<_>>(),
        [("lease_secs", "1234")]
    );
    let all: kyc_proto::AdminEventList =
        hub.call(Method::GET, routes::ADMIN_EVENTS, Some(&admin), None::<&()>).await.json();
    assert!(kinds(&all).iter().all(|k| kyc_proto::ADMIN_EVENT_KINDS.contains(&k.as_str())));
    assert!(kinds(&all).contains(&"account_created".to_owned()));
    // The user name is not in it: only the opaque id.
    let body = hub.call(Method::GET, routes::ADMIN_EVENTS, Some(&admin), None::<&()>).await.body;
    assert!(!String::from_utf8_lossy(&body).contains("events-reviewer"));

    for who in [SUPERVISOR, REVIEWER_A] {
        let token = hub.login(who).await;
        hub.call(Method::GET, routes::ADMIN_EVENTS, Some(&token), None::<&()>)
            .await
            .expect_error(403, "forbidden");
    }
    hub.call(Method::GET, &format!("{}?limit=0", routes::ADMIN_EVENTS), Some(&admin), None::<&()>)
        .await
        .json::<kyc_proto::AdminEventList>();
    hub.call(Method::GET, &format!("{}?since=1", routes::ADMIN_EVENTS), Some(&admin), None::<&()>)
        .await
        .expect_error(422, "invalid");
}
