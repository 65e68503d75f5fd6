//! Sign-in, expiry, logout, revocation, rate limits.

use std::time::Duration;

use kyc_proto::{Me, UpdateUserRequest, UserSummary, routes};
use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn login_me_and_logout_kills_the_token_at_once() {
    let hub = TestHub::start().await;
    let token = hub.login(REVIEWER_A).await;
    let me: Me = hub.call(Method::GET, routes::ME, Some(&token), None::<&()>).await.json();
    assert_eq!(me.username, REVIEWER_A);
    assert_eq!(me.role, kyc_proto::Role::Reviewer);
    let out = hub.call(Method::POST, routes::LOGOUT, Some(&token), None::<&()>).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    hub.call(Method::GET, routes::ME, Some(&token), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn wrong_password_unknown_user_and_missing_or_bogus_tokens_are_unauthorized() {
    let hub = TestHub::start().await;
    hub.login_raw(REVIEWER_A, "not the password").await.expect_error(401, "unauthorized");
    hub.login_raw("nobody-here", "whatever password").await.expect_error(401, "unauthorized");
    hub.call(Method::GET, routes::ME, None, None::<&()>).await.expect_error(401, "unauthorized");
    hub.call(Method::GET, routes::ME, Some("bogus"), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
    let long = "x".repeat(4000);
    hub.call(Method::GET, routes::ME, Some(&long), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn idle_sessions_expire() {
    // Margins of over a second on each side: CI machines are loaded and tests run in parallel.
    let hub = TestHub::start_with(|c| c.sessions.idle = Duration::from_millis(2000)).await;
    let token = hub.login(REVIEWER_A).await;
    // Used within the idle window it stays alive past the window's length overall.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let a = hub.call(Method::GET, routes::ME, Some(&token), None::<&()>).await;
        assert_eq!(a.status, StatusCode::OK);
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    hub.call(Method::GET, routes::ME, Some(&token), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn sessions_die_at_their_absolute_expiry_even_when_used() {
    let hub = TestHub::start_with(|c| c.sessions.absolute = Duration::from_millis(2000)).await;
    let token = hub.login(REVIEWER_A).await;
    assert_eq!(
        hub.call(Method::GET, routes::ME, Some(&token), None::<&()>).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    hub.call(Method::GET, routes::ME, Some(&token), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn disabling_an_account_revokes_its_sessions_as_account_revoked() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let reviewer = hub.login(REVIEWER_A).await;
    let users: Vec<UserSummary> =
        hub.call(Method::GET, routes::ADMIN_USERS, Some(&admin), None::<&()>).await.json();
    let id = users.iter().find(|u| u.username == REVIEWER_A).unwrap().id.clone();
    let change = UpdateUserRequest { disabled: Some(true), ..Default::default() };
    let a = hub.call(Method::PATCH, &routes::admin_user(&id), Some(&admin), Some(&change)).await;
    assert!(a.json::<UserSummary>().disabled);
    // The next call tells the client to wipe, distinct from an ordinary expiry.
    hub.call(Method::GET, routes::ME, Some(&reviewer), None::<&()>)
        .await
        .expect_error(401, "account_revoked");
    hub.login_raw(REVIEWER_A, &hub.password(REVIEWER_A)).await.expect_error(401, "account_revoked");
}

#[tokio::test]
async fn a_password_reset_ends_sessions_and_the_new_password_works() {
    let hub = TestHub::start().await;
    let admin = hub.login(ADMIN).await;
    let reviewer = hub.login(REVIEWER_B).await;
    let users: Vec<UserSummary> =
        hub.call(Method::GET, routes::ADMIN_USERS, Some(&admin), None::<&()>).await.json();
    let id = users.iter().find(|u| u.username == REVIEWER_B).unwrap().id.clone();
    let change = UpdateUserRequest {
        disabled: None,
        password: Some(kyc_proto::Secret::new("a brand new password")),
        ..Default::default()
    };
    let a = hub.call(Method::PATCH, &routes::admin_user(&id), Some(&admin), Some(&change)).await;
    assert_eq!(a.status, StatusCode::OK);
    hub.call(Method::GET, routes::ME, Some(&reviewer), None::<&()>)
        .await
        .expect_error(401, "unauthorized");
    assert_eq!(hub.login_raw(REVIEWER_B, "a brand new password").await.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while_even_with_the_right_password() {
    let hub = TestHub::start().await;
    for _ in 0..5 {
        hub.login_raw(REVIEWER_A, "wrong password!").await.expect_error(401, "unauthorized");
    }
    hub.login_raw(REVIEWER_A, &hub.password(REVIEWER_A)).await.expect_error(429, "rate_limited");
    // Other accounts are not affected by one account's failures.
    assert_eq!(hub.login_raw(REVIEWER_B, &hub.password(REVIEWER_B)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn one_address_cannot_try_without_end() {
    let hub = TestHub::start_with(|c| c.login_limits.attempts_per_address = 6).await;
    for i in 0..6 {
        let a = hub.login_raw(&format!("user-{i}"), "guess guess guess").await;
        a.expect_error(401, "unauthorized");
    }
    hub.login_raw(REVIEWER_A, &hub.password(REVIEWER_A)).await.expect_error(429, "rate_limited");
}
