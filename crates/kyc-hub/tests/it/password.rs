//! The password protocol on the hub: prelogin, client-derived keys, the stored verifier,
//! password change, recovery keys, and account events in the audit chain.

use kyc_proto::{
    CreateUserRequest, KdfSpec, LoginResponse, PasswordChangeRequest, Role, Secret,
    UpdateUserRequest, UserSummary, VaultRecoveryKey, routes,
};
use kyc_scan::Marker;
use reqwest::{Method, StatusCode};

use crate::support::*;

fn json_keys(v: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn prelogin_for_unknown_and_known_users_is_indistinguishable_in_shape() {
    let mut hub = TestHub::start().await;
    let known: serde_json::Value = hub.prelogin_raw(REVIEWER_A).await.json();
    let unknown: serde_json::Value = hub.prelogin_raw("nobody-here").await.json();
    assert_eq!(json_keys(&known), json_keys(&unknown));
    assert_eq!(json_keys(&known["kdf"]), json_keys(&unknown["kdf"]));
    let (k, u): (KdfSpec, KdfSpec) = (
        serde_json::from_value(known["kdf"].clone()).unwrap(),
        serde_json::from_value(unknown["kdf"].clone()).unwrap(),
    );
    assert_eq!(k.params(), u.params(), "the same cost for every name");
    assert_ne!(k.salt, u.salt);
    // The decoy is stable (asking again does not reveal it as made up), also after a restart.
    assert_eq!(hub.prelogin("nobody-here").await, u);
    hub.restart().await;
    assert_eq!(hub.prelogin("nobody-here").await, u);
    assert_ne!(hub.prelogin("somebody-else").await.salt, u.salt);
    assert_eq!(hub.prelogin(REVIEWER_A).await, k, "a real account's spec is its own");
}

#[tokio::test]
async fn the_hub_database_holds_no_password_or_auth_key() {
    let mut hub = TestHub::start().await;
    let password = hub.password(REVIEWER_A);
    let spec = hub.prelogin(REVIEWER_A).await;
    let master = kyc_keys::derive(&Secret::new(password.as_str()), &spec).unwrap();
    let auth_key = master.hub_auth_key();
    let token = hub.login(REVIEWER_A).await;
    // A password change and a recovery deposit too: neither key may land on disk.
    let new_password = "the reviewer's own new password";
    let new_spec = KdfSpec::generate(kyc_keys::KdfParams::insecure_for_tests());
    let new_master = kyc_keys::derive(&Secret::new(new_password), &new_spec).unwrap();
    let change = PasswordChangeRequest {
        current_auth_key: auth_key.to_secret(),
        new_auth_key: new_master.hub_auth_key().to_secret(),
        new_kdf: new_spec,
    };
    let a = hub.call(Method::POST, routes::PASSWORD, Some(&token), Some(&change)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
    let token = a.json::<LoginResponse>().token.expose().to_owned();
    let recovery = kyc_keys::RecoveryKey::generate();
    let body = VaultRecoveryKey { recovery_key: recovery.to_secret() };
    let put = hub.call(Method::PUT, &routes::vault_recovery("v1"), Some(&token), Some(&body)).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    hub.restart().await;

    let markers = vec![
        Marker::text("password", &password),
        Marker::text("new password", new_password),
        Marker::bytes("auth key", auth_key.as_bytes().to_vec()),
        Marker::text("auth key sent", auth_key.to_secret().expose()),
        Marker::bytes("new auth key", new_master.hub_auth_key().as_bytes().to_vec()),
        Marker::text("new auth key sent", new_master.hub_auth_key().to_secret().expose()),
        Marker::bytes("vault wrap key", master.vault_wrap_key().as_bytes().to_vec()),
        Marker::bytes("recovery key", recovery.as_bytes().to_vec()),
        Marker::text("recovery key sent", recovery.to_secret().expose()),
    ];
    let report = kyc_scan::scan_dir(hub.dir.path(), &markers).unwrap();
    assert!(report.is_clean(), "{report}");
    let hits = kyc_scan::scan_bytes(captured_logs().as_bytes(), &markers);
    assert!(hits.is_empty(), "secrets in logs: {hits:?}");
}

#[tokio::test]
async fn own_password_change_needs_the_current_key_and_ends_every_other_session() {
    let hub = TestHub::start().await;
    let password = hub.password(REVIEWER_A);
    let spec = hub.prelogin(REVIEWER_A).await;
    let first = hub.login(REVIEWER_A).await;
    let second = hub.login(REVIEWER_A).await;
    let new_spec = KdfSpec::generate(kyc_keys::KdfParams::insecure_for_tests());
    let new_key = TestHub::auth_key(&new_spec, "a password of my own");
    let wrong = PasswordChangeRequest {
        current_auth_key: TestHub::auth_key(&spec, "not my password"),
        new_auth_key: new_key.clone(),
        new_kdf: new_spec,
    };
    hub.call(Method::POST, routes::PASSWORD, Some(&first), Some(&wrong))
        .await
        .expect_error(403, "forbidden");
    let right =
        PasswordChangeRequest { current_auth_key: TestHub::auth_key(&spec, &password), ..wrong };
    let a = hub.call(Method::POST, routes::PASSWORD, Some(&first), Some(&right)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
    let fresh = a.json::<LoginResponse>();
    assert!(!fresh.password_change_required);
    for old in [&first, &second] {
        hub.call(Method::GET, routes::ME, Some(old), None::<&()>)
            .await
            .expect_error(401, "unauthorized");
    }
    assert_eq!(
        hub.call(Method::GET, routes::ME, Some(fresh.token.expose()), None::<&()>).await.status,
        StatusCode::OK
    );
    hub.login_raw(REVIEWER_A, &password).await.expect_error(401, "unauthorized");
    assert_eq!(hub.login_raw(REVIEWER_A, "a password of my own").await.status, StatusCode::OK);
    assert_eq!(hub.prelogin(REVIEWER_A).await, new_spec);
}

#[tokio::test]
async fn a_weak_new_kdf_spec_is_refused_by_the_hub() {
    let hub =
        TestHub::start_with(|c| c.password_hashing = kyc_hub::config::PasswordHashing::Production)
            .await;
    // Accounts were seeded cheap; the hub now asks the production cost for new passwords.
    let spec = hub.prelogin(REVIEWER_A).await;
    let token = hub.login(REVIEWER_A).await;
    let weak = KdfSpec::generate(kyc_keys::KdfParams::insecure_for_tests());
    let change = PasswordChangeRequest {
        current_auth_key: TestHub::auth_key(&spec, &hub.password(REVIEWER_A)),
        new_auth_key: TestHub::auth_key(&weak, "a password of my own"),
        new_kdf: weak,
    };
    hub.call(Method::POST, routes::PASSWORD, Some(&token), Some(&change))
        .await
        .expect_error(400, "invalid");
}

#[tokio::test]
async fn the_recovery_key_is_released_only_to_its_own_account_and_audited() {
    let hub = TestHub::start().await;
    let a = hub.login(REVIEWER_A).await;
    let b = hub.login(REVIEWER_B).await;
    let recovery = kyc_keys::RecoveryKey::generate();
    let body = VaultRecoveryKey { recovery_key: recovery.to_secret() };
    let path = routes::vault_recovery("vault-a");
    assert_eq!(
        hub.call(Method::PUT, &path, Some(&a), Some(&body)).await.status,
        StatusCode::NO_CONTENT
    );
    let release = routes::vault_recovery_release("vault-a");
    hub.call(Method::POST, &release, Some(&b), None::<&()>).await.expect_error(404, "not_found");
    hub.call(Method::POST, &release, None, None::<&()>).await.expect_error(401, "unauthorized");
    hub.call(Method::POST, &routes::vault_recovery_release("a.b"), Some(&a), None::<&()>)
        .await
        .expect_error(400, "invalid");
    let got: VaultRecoveryKey =
        hub.call(Method::POST, &release, Some(&a), None::<&()>).await.json();
    assert_eq!(got.recovery_key, recovery.to_secret());
    // B depositing under the same vault id does not touch A's key.
    let other = VaultRecoveryKey { recovery_key: kyc_keys::RecoveryKey::generate().to_secret() };
    hub.call(Method::PUT, &path, Some(&b), Some(&other)).await;
    let again: VaultRecoveryKey =
        hub.call(Method::POST, &release, Some(&a), None::<&()>).await.json();
    assert_eq!(again.recovery_key, recovery.to_secret());
    let kinds = audit_kinds(&hub);
    assert_eq!(kinds.iter().filter(|(k, _)| k.contains("recovery_key_released")).count(), 2);
}

/// `(kind JSON, actor)` of every audit record, in order.
fn audit_kinds(hub: &TestHub) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let mut stmt = conn.prepare("SELECT kind, actor FROM audit ORDER BY seq").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[tokio::test]
async fn account_events_are_chained_with_opaque_ids_only() {
    let hub = TestHub::start_with(|c| c.login_limits.failures_per_account = 2).await;
    let admin = hub.login(ADMIN).await;
    let reviewer = hub.login(REVIEWER_A).await;
    hub.login_raw(REVIEWER_B, "wrong password one").await.expect_error(401, "unauthorized");
    hub.login_raw(REVIEWER_B, "wrong password two").await.expect_error(401, "unauthorized");
    hub.login_raw("nobody-at-all", "a guess").await.expect_error(401, "unauthorized");
    hub.call(Method::POST, routes::LOGOUT, Some(&reviewer), None::<&()>).await;
    let create = CreateUserRequest {
        username: "new-reviewer".into(),
        role: Role::Reviewer,
        password: Some(Secret::new("initial password 1")),
    };
    let created: UserSummary =
        hub.call(Method::POST, routes::ADMIN_USERS, Some(&admin), Some(&create)).await.json();
    let change = UpdateUserRequest {
        disabled: Some(true),
        password: Some(Secret::new("reset password 22")),
        ..Default::default()
    };
    let a = hub
        .call(Method::PATCH, &routes::admin_user(&created.id), Some(&admin), Some(&change))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let report: kyc_proto::AuditVerifyReport =
        hub.call(Method::GET, routes::AUDIT_VERIFY, Some(&admin), None::<&()>).await.json();
    assert!(report.intact);

    let records = audit_kinds(&hub);
    let count = |needle: &str| records.iter().filter(|(k, _)| k.contains(needle)).count();
    assert!(count("\"signed_in\"") >= 2);
    assert_eq!(count("\"sign_in_failed\""), 3);
    assert_eq!(count("\"sign_in_locked_out\""), 1);
    assert_eq!(count("\"signed_out\""), 1);
    assert!(count("\"account_created\"") >= 1);
    assert_eq!(count("\"account_disabled_changed\""), 1);
    assert_eq!(count("\"password_reset\""), 1);
    let created_json = records.iter().find(|(k, _)| k.contains(created.id.as_str())).unwrap();
    assert!(created_json.0.contains("account_created"));
    // Names and passwords never appear in the chain.
    let all: String = records.iter().map(|(k, a)| format!("{k}{a:?}")).collect();
    for secret in
        [REVIEWER_A, REVIEWER_B, "nobody-at-all", "new-reviewer", "reset password 22", "a guess"]
    {
        assert!(!all.contains(secret), "{secret} in the audit chain");
    }
}

#[tokio::test]
async fn admin_set_passwords_are_flagged_for_a_change() {
    let hub = TestHub::start().await;
    let login: LoginResponse = hub.login_raw(REVIEWER_A, &hub.password(REVIEWER_A)).await.json();
    assert!(login.password_change_required, "a generated password was set by an administrator");
}

/// Not a timed assertion: prints what a sign-in costs now (one derivation on the client, a
/// SHA-256 on the hub) against the old server-side Argon2id (19 MiB × 2) for 100 concurrent
/// logins. Run with `--ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: prints the login cost figures of the closing note; run with --ignored"]
async fn login_cost_report() {
    use std::time::Instant;
    let hub = TestHub::start_with(|c| {
        c.login_limits.attempts_per_address = 10_000;
        c.login_limits.failures_per_account = 10_000;
    })
    .await;
    let spec = hub.prelogin(REVIEWER_A).await;
    let key = TestHub::auth_key(&spec, &hub.password(REVIEWER_A));

    let t = Instant::now();
    let prod = KdfSpec::generate(kyc_keys::KdfParams::DEFAULT);
    let _ = kyc_keys::derive(&Secret::new("a password"), &prod).unwrap();
    println!("client derivation with the default params (256 MiB x 3 x 2): {:?}", t.elapsed());

    let (cpu0, hwm0) = (cpu_secs(), vm_hwm_kib());
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let client = hub.client.clone();
        let url = format!("{}{}", hub.base, routes::LOGIN);
        let body = kyc_proto::LoginRequest { username: REVIEWER_A.into(), auth_key: key.clone() };
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    println!(
        "hub, 100 concurrent logins (verifier check): wall {:?}, CPU {:.2} ms/login (incl. client), peak RSS +{} MiB",
        t.elapsed(),
        (cpu_secs() - cpu0) * 1000.0 / 100.0,
        (vm_hwm_kib().saturating_sub(hwm0)) / 1024
    );

    let (cpu0, hwm0) = (cpu_secs(), vm_hwm_kib());
    let t = Instant::now();
    let old = kyc_keys::KdfParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    let mut jobs = Vec::new();
    for _ in 0..100 {
        jobs.push(tokio::task::spawn_blocking(move || {
            kyc_keys::derive(&Secret::new("a password"), &KdfSpec::generate(old)).unwrap();
        }));
    }
    for job in jobs {
        job.await.unwrap();
    }
    println!(
        "old server-side Argon2id (19 MiB x 2), 100 concurrent: wall {:?}, CPU {:.2} ms/login, peak RSS +{} MiB",
        t.elapsed(),
        (cpu_secs() - cpu0) * 1000.0 / 100.0,
        (vm_hwm_kib().saturating_sub(hwm0)) / 1024
    );
}

fn cpu_secs() -> f64 {
    // utime + stime of this process from /proc (Linux), in clock ticks of 1/100 s.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}
