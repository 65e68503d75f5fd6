//! Administrator mode through `Desk`, against a real hub: accounts added (a one-time password
//! shown once, which signs in), disabled and enabled, role changed, password reset, never on
//! one's own account; a policy with a bad field refused with that field's message and a good
//! change stored and listed among the recent administrative events; cases that need attention
//! returned to the queue or closed as unusable.

use kyc_app::ErrorCode;
use kyc_app::Secret;
use kyc_app::ipc::{AccountRole, AttentionChoice, NewAccount, PolicySave, Role};

use crate::support::*;

const ADMIN: &str = "admin";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_manages_accounts_policy_and_cases_that_need_attention() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(2).map(|s| s.case.clone()).collect();
    let mut hub = Hub::start(&cases, synth).await;

    // Other roles have no administrator mode.
    for who in [REVIEWER, "supervisor"] {
        let dir = tempfile::tempdir().unwrap();
        let other = desk(dir.path());
        other.sign_in(login(&hub, who)).await.unwrap();
        assert_eq!(other.admin_accounts().await.unwrap_err().code, ErrorCode::Forbidden, "{who}");
    }

    let admin_dir = tempfile::tempdir().unwrap();
    let admin = desk(admin_dir.path());
    let state = admin.sign_in(login(&hub, ADMIN)).await.unwrap();
    let me = state.session.unwrap();
    assert_eq!(me.role, Role::Admin);

    // The table: every demo account, the administrator's own marked.
    let accounts = admin.admin_accounts().await.unwrap();
    let own = accounts.iter().find(|a| a.own).unwrap();
    assert_eq!((own.user_id.as_str(), own.username.as_str()), (me.user_id.as_str(), ADMIN));
    assert!(
        accounts
            .iter()
            .any(|a| a.username == REVIEWER && a.role == AccountRole::Reviewer && !a.own)
    );

    // Add: a bad name is a typed error that does not quote it; a good one gets a one-time
    // password, once.
    let bad = NewAccount { username: "Not A/Name".into(), role: AccountRole::Reviewer };
    let err = admin.admin_create_account(bad).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(!err.message.contains("Not A"), "{}", err.message);
    let added = admin
        .admin_create_account(NewAccount {
            username: "new.reviewer".into(),
            role: AccountRole::Reviewer,
        })
        .await
        .unwrap();
    let first_password = added.password.expose().to_owned();
    assert!(first_password.len() >= 12);
    assert!(added.account.password_change_required && !added.account.disabled);
    let new_id = added.account.user_id.clone();
    let taken = NewAccount { username: "new.reviewer".into(), role: AccountRole::Supervisor };
    assert_eq!(admin.admin_create_account(taken).await.unwrap_err().code, ErrorCode::Conflict);
    let listed = admin.admin_accounts().await.unwrap();
    let row = listed.iter().find(|a| a.user_id == new_id).unwrap();
    assert!(row.password_change_required && row.role == AccountRole::Reviewer);

    // The one-time password signs the new account in.
    let newcomer_dir = tempfile::tempdir().unwrap();
    let newcomer = desk(newcomer_dir.path());
    let request = kyc_app::LoginRequest {
        hub_url: hub.url(),
        user: "new.reviewer".into(),
        password: Secret::new(first_password.clone()),
    };
    newcomer.sign_in(request).await.unwrap();

    // Disable, enable; change the role.
    let disabled = admin.admin_set_disabled(&new_id, true).await.unwrap();
    assert!(disabled.disabled);
    assert!(!admin.admin_set_disabled(&new_id, false).await.unwrap().disabled);
    let promoted = admin.admin_set_role(&new_id, AccountRole::Supervisor).await.unwrap();
    assert_eq!(promoted.role, AccountRole::Supervisor);

    // Never one's own role, enabled state or password.
    let mine = me.user_id.as_str();
    assert_eq!(
        admin.admin_set_role(mine, AccountRole::Reviewer).await.unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(admin.admin_set_disabled(mine, true).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(admin.admin_reset_password(mine).await.unwrap_err().code, ErrorCode::Forbidden);
    let still = admin.admin_accounts().await.unwrap();
    assert!(still.iter().any(|a| a.own && a.role == AccountRole::Admin && !a.disabled));
    assert_eq!(
        admin.admin_set_role("../etc", AccountRole::Admin).await.unwrap_err().code,
        ErrorCode::NotFound,
        "a path-like id is refused before it reaches the hub"
    );
    assert_eq!(
        admin.admin_set_role("u_nobody", AccountRole::Admin).await.unwrap_err().code,
        ErrorCode::NotFound
    );

    // Reset: another one-time password.
    let reset = admin.admin_reset_password(&new_id).await.unwrap();
    assert_ne!(reset.password.expose(), first_password);
    assert!(reset.account.password_change_required);

    // Policy: a bad field is refused with that field's message, and nothing reaches the hub;
    // a good change is stored.
    let before = admin.admin_policy().await.unwrap();
    let lease = before.bounds.iter().find(|b| b.field == "lease_secs").unwrap();
    assert_eq!((lease.min, lease.max, lease.unit.as_str()), (10, 86_400, "seconds"));
    let mut bad = before.policy.clone();
    bad.idle_lock_min_secs = 10;
    let PolicySave::Refused { errors } = admin.admin_save_policy(bad).await.unwrap() else {
        panic!("a bad field must be refused")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].field.as_str(), errors[0].rule.as_str(), errors[0].message.as_str()),
        ("idle_lock_min_secs", "out_of_range", "Must be between 30 and 3600.")
    );
    let mut relation = before.policy.clone();
    relation.max_offline_hours = relation.offline_lease_hours - 1;
    let PolicySave::Refused { errors } = admin.admin_save_policy(relation).await.unwrap() else {
        panic!("a broken relation must be refused")
    };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].rule.as_str()),
        ("max_offline_hours", "offline_below_lease")
    );
    assert_eq!(admin.admin_policy().await.unwrap().policy, before.policy, "nothing was sent");
    let mut good = before.policy.clone();
    good.lease_secs = before.policy.lease_secs + 60;
    let PolicySave::Saved { policy } = admin.admin_save_policy(good.clone()).await.unwrap() else {
        panic!("a good policy is stored")
    };
    assert_eq!(policy, good);
    assert_eq!(admin.admin_policy().await.unwrap().policy, good);

    // Cases that need attention (stand-ins for confirmed media problems, as the hub's tests
    // make them): one back to the queue, one closed as unusable.
    for s in synth.iter().take(2) {
        hub.sql(&format!(
            "UPDATE cases SET state = 'needs_attention' WHERE id = '{id}'; \
             INSERT INTO case_attention (case_id, media_id, reported, rule, reported_by, confirmed_at) \
             VALUES ('{id}', '{media}', 'corrupt', 'media_corrupt', 'u_someone', 1)",
            id = s.case.id,
            media = s.media[0].id
        ));
    }
    let attention = admin.admin_attention().await.unwrap();
    assert_eq!(attention.len(), 2);
    assert!(attention.iter().all(|a| a.rule == "media_corrupt" && a.reported == "corrupt"));
    let (back, closed) = (attention[0].case_id.clone(), attention[1].case_id.clone());
    let done = admin.admin_resolve_attention(&back, AttentionChoice::ReturnToQueue).await.unwrap();
    assert_eq!(done.case_state, "open");
    let done =
        admin.admin_resolve_attention(&closed, AttentionChoice::CloseUnusable).await.unwrap();
    assert_eq!(done.case_state, "closed_unusable");
    assert_eq!(
        admin
            .admin_resolve_attention(&closed, AttentionChoice::ReturnToQueue)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );
    assert!(admin.admin_attention().await.unwrap().is_empty());

    // The recent administrative events: every change above, by this administrator, newest
    // first — the policy change with its field's old and new value.
    let events = admin.admin_events().await.unwrap();
    assert!(events.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    // Every one by this administrator, but the demo accounts the seed made (no actor: the
    // command line).
    assert!(
        events.iter().all(|e| e.actor.as_deref() == Some(mine)
            || (e.actor.is_none() && e.what == "account_created")),
        "{events:?}"
    );
    let whats: Vec<_> = events.iter().map(|e| e.what.as_str()).collect();
    for what in [
        "account_created",
        "account_disabled_changed",
        "account_role_changed",
        "password_reset",
        "policy_changed",
        "attention_resolved",
    ] {
        assert!(whats.contains(&what), "{what} in {whats:?}");
    }
    let policy_event = events.iter().find(|e| e.what == "policy_changed").unwrap();
    assert_eq!(policy_event.changes.len(), 1);
    let change = &policy_event.changes[0];
    assert_eq!(
        (change.field.as_str(), change.from.clone(), change.to.clone()),
        ("lease_secs", before.policy.lease_secs.to_string(), good.lease_secs.to_string())
    );
    let role_event = events.iter().find(|e| e.what == "account_role_changed").unwrap();
    assert_eq!(
        (role_event.target.as_deref(), role_event.from_role, role_event.role),
        (Some(new_id.as_str()), Some(AccountRole::Reviewer), Some(AccountRole::Supervisor))
    );

    // The one-time passwords were shown once: nothing on this machine holds them.
    let markers = [
        kyc_scan::Marker::text("first one-time password", &first_password),
        kyc_scan::Marker::text("reset one-time password", reset.password.expose()),
    ];
    let report = kyc_scan::scan_dir(admin_dir.path(), &markers).unwrap();
    assert!(report.is_clean(), "{report:?}");

    // Online only: with the hub gone, the desk says so.
    hub.stop().await;
    let err = admin.admin_accounts().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err:?}");
    assert!(err.message.contains("Administrator mode needs the hub"));
}
