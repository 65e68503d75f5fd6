//! Administrator mode in the real app: an administrator signs in, adds an account (its
//! one-time password shown once, in a dialog, and gone from the page after), disables it,
//! sees a bad policy value refused next to its field, changes a policy value and sees the
//! change among the recent administrative events, and returns a case that needs attention
//! to the queue. Screenshots of the three tabs in both languages; nothing of a case, and not
//! the one-time password, is left on disk.

use anyhow::{Result, ensure};
use kyc_e2e::privacy::assert_clean;
use kyc_e2e::{App, Hub, Seed, submit_login};
use kyc_scan::Marker;
use serde_json::json;

const NEW_ACCOUNT: &str = "e2e.reviewer";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_and_disables_an_account_and_changes_the_policy() -> Result<()> {
    let hub = Hub::start(&Seed { cases: 3, rng_seed: 91, without_consent: vec![] }).await?;
    let parked = hub.needs_attention_as("reviewer1", 1)?;
    ensure!(parked.len() == 1, "one case needs attention");
    let app = App::start().await?;
    let result = administer(&app, &hub, &parked[0]).await;
    if result.is_err() {
        let _ = app.screenshot("admin-failure").await;
    }
    app.stop().await?;
    result
}

fn row(user: &str) -> String {
    format!("[data-testid=account-row][data-user='{user}']")
}

/// Sets a `<select>` as a person picking an option does (Svelte listens to `change`).
async fn choose(app: &App, css: &str, value: &str) -> Result<()> {
    app.js(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![css.into(), value.into()],
    )
    .await?;
    Ok(())
}

async fn to_chinese_and_back(app: &App, name: &str, chinese: &str) -> Result<()> {
    app.screenshot(&format!("{name}-en")).await?;
    app.click("#lang-zh-CN").await?;
    app.until(
        "the Chinese screen",
        "return document.body.textContent.includes(arguments[0])",
        vec![json!(chinese)],
    )
    .await?;
    app.screenshot(&format!("{name}-zh")).await?;
    app.click("#lang-en").await?;
    app.until(
        "the English screen",
        "return document.body.textContent.includes('Recent administrative events')",
        vec![],
    )
    .await?;
    Ok(())
}

async fn administer(app: &App, hub: &Hub, parked: &str) -> Result<()> {
    submit_login(app, hub, "admin").await?;
    app.find("[data-testid=admin-desk]").await?;
    app.find(&row("reviewer1")).await?;
    // One's own account: no role change, no disabling, and the reason says so.
    app.find(&format!("{} [data-testid=own-account-note]", row("admin"))).await?;
    ensure!(
        app.find_all(&format!("{} [data-testid=account-disable]", row("admin"))).await?.is_empty(),
        "no disable button on one's own account"
    );

    // Add an account: its one-time password is shown once, then gone from the page.
    app.fill("#new-username", NEW_ACCOUNT).await?;
    app.click("[data-testid=add-account-submit]").await?;
    let password = app.text("[data-testid=otp-value]").await?;
    ensure!(password.chars().count() >= 12, "a one-time password is shown");
    let dialog = app.text("[data-testid=otp-dialog]").await?;
    ensure!(dialog.contains("will not be shown again"), "{dialog}");
    app.click("[data-testid=otp-done]").await?;
    app.gone("[data-testid=otp-dialog]").await?;
    app.find(&row(NEW_ACCOUNT)).await?;
    ensure!(!app.page_html().await?.contains(&password), "the password is not kept on the page");
    let must_change =
        app.text(&format!("{} [data-testid=account-password]", row(NEW_ACCOUNT))).await?;
    ensure!(must_change.contains("next sign-in"), "{must_change}");

    // Disable it, after the confirmation.
    app.click(&format!("{} [data-testid=account-disable]", row(NEW_ACCOUNT))).await?;
    app.click("[data-testid=confirm-ok]").await?;
    app.find(&format!("{}[data-disabled=true]", row(NEW_ACCOUNT))).await?;
    app.find("[data-testid=admin-event][data-what=account_disabled_changed]").await?;
    app.find("[data-testid=admin-event][data-what=account_created]").await?;
    to_chinese_and_back(app, "admin-accounts", "最近的管理操作").await?;

    // The policy: a value out of bounds is named next to its field and nothing is saved; a
    // good change is saved and listed among the recent events with its old and new value.
    app.click("[data-testid=tab-policy]").await?;
    app.fill("#policy-idle_lock_min_secs", "10").await?;
    app.click("[data-testid=policy-save]").await?;
    let error = app.text("[data-testid=policy-error-idle_lock_min_secs]").await?;
    ensure!(error.contains("30") && error.contains("3600"), "{error}");
    app.find("[data-testid=policy-refused]").await?;
    ensure!(
        app.find_all("[data-testid=admin-event][data-what=policy_changed]").await?.is_empty(),
        "nothing was saved"
    );
    // A rule between fields is the hub's own check, run by the desk before sending.
    app.fill("#policy-idle_lock_min_secs", "1000").await?;
    app.click("[data-testid=policy-save]").await?;
    app.until(
        "the rule named next to its field",
        "const e = document.querySelector('[data-testid=policy-error-idle_lock_min_secs]'); \
         return e && e.textContent.includes('longest idle lock')",
        vec![],
    )
    .await?;
    app.fill("#policy-idle_lock_min_secs", "60").await?;
    app.fill("#policy-lease_secs", "1200").await?;
    // And a four-eyes rule: every rejection of an ID card for an illegible document.
    app.click("[data-testid=add-rule]").await?;
    choose(app, "[data-testid=rule-kind]", "individual_id_card").await?;
    choose(app, "[data-testid=rule-outcome]", "reject").await?;
    choose(app, "[data-testid=rule-add-reason]", "R01").await?;
    app.click("[data-testid=policy-save]").await?;
    app.until(
        "the policy change among the events",
        "const c = document.querySelector('[data-testid=admin-event][data-what=policy_changed] \
         [data-testid=policy-change][data-field=lease_secs]'); \
         return c && c.textContent.includes('1200')",
        vec![],
    )
    .await?;
    app.find(
        "[data-testid=admin-event][data-what=policy_changed] \
         [data-testid=policy-change][data-field=four_eyes_rules]",
    )
    .await?;
    ensure!(
        app.find_all("[data-testid=policy-error-idle_lock_min_secs]").await?.is_empty(),
        "the error went with the fix"
    );
    to_chinese_and_back(app, "admin-policy", "租约时长").await?;

    // The case that needs attention: its reason and time, returned to the queue.
    app.click("[data-testid=tab-attention]").await?;
    let line = app.text(&format!("[data-testid=attention-row][data-case='{parked}']")).await?;
    ensure!(line.contains("corrupt") && line.contains("media_corrupt"), "{line}");
    to_chinese_and_back(app, "admin-attention", "待处理案件").await?;
    app.click("[data-testid=attention-return]").await?;
    app.click("[data-testid=confirm-ok]").await?;
    app.find("[data-testid=no-attention]").await?;
    app.find("[data-testid=admin-event][data-what=attention_resolved]").await?;

    // Administrator mode keeps nothing of a case on this machine, nor the one-time password.
    let mut markers = hub.markers();
    markers.push(Marker::text("one-time password", &password));
    assert_clean("admin session", app.home(), &markers)?;
    Ok(())
}
