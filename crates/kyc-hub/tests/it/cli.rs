//! The command line and the library functions behind it, against a running hub.

use std::process::Command;

use kyc_hub::ops;
use kyc_proto::{Role, routes};
use reqwest::{Method, StatusCode};

use crate::support::*;

fn kyc_hub(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kyc-hub")).args(args).output().unwrap()
}

#[tokio::test]
async fn account_commands_take_effect_on_a_running_hub() {
    let hub = TestHub::start().await;
    let dir = hub.dir.path();
    let created = ops::add_user(dir, "late-joiner", Role::Reviewer).unwrap();
    let token = {
        let a = hub.login_raw("late-joiner", created.password.as_str()).await;
        assert_eq!(a.status, StatusCode::OK);
        a.json::<kyc_proto::LoginResponse>().token.expose().to_owned()
    };
    let new_password = ops::reset_password(dir, "late-joiner").unwrap();
    hub.call(Method::GET, routes::ME, Some(&token), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
    let a = hub.login_raw("late-joiner", new_password.as_str()).await;
    let token = a.json::<kyc_proto::LoginResponse>().token.expose().to_owned();
    ops::disable_user(dir, "late-joiner").unwrap();
    hub.call(Method::GET, routes::ME, Some(&token), None::<&()>)
        .await
        .expect_error(401, "account_revoked");
    assert!(matches!(ops::disable_user(dir, "nobody-at-all"), Err(ops::OpsError::NoSuchAccount)));
    assert!(matches!(
        ops::add_user(dir, "late-joiner", Role::Admin),
        Err(ops::OpsError::Store(kyc_hub::store::StoreError::Conflict(_)))
    ));
}

#[test]
fn the_binary_refuses_plain_http_off_loopback_and_reports_a_broken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = kyc_hub(&["serve", "--data", data, "--listen", "0.0.0.0:0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("without TLS"));

    let out =
        kyc_hub(&["user", "add", "--data", data, "--username", "ops-admin", "--role", "admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("password: "));
    let out = kyc_hub(&["user", "add", "--data", data, "--username", "x", "--role", "admin"]);
    assert!(!out.status.success(), "a too-short handle is refused");
    let out = kyc_hub(&["audit", "verify", "--data", data]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact"));
    let out = kyc_hub(&["purge", "--data", data]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Build a chain of a few records, then edit one.
    let (store, _) = ops::open_data_dir(std::path::Path::new(data)).unwrap();
    let entries: Vec<_> = (0..3)
        .map(|_| kyc_hub::store::AuditEntry {
            actor: None,
            case_id: None,
            kind: kyc_proto::AuditRecordKind::CasePurged,
        })
        .collect();
    store.append_audit(&entries, 1).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(std::path::Path::new(data).join("hub.sqlite3")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET recorded_at = 2 WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let out = kyc_hub(&["audit", "verify", "--data", data]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN at record 2"));
}
