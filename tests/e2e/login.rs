//! The login screen: rendered in English and Chinese, and its errors come from the real Rust
//! core over IPC (which also proves the capability grants the app's commands).

use anyhow::Result;
use fantoccini::Locator;

use kyc_e2e::App;

#[tokio::test]
async fn login_screen_in_english_and_chinese() -> Result<()> {
    let app = App::start_with_env(&[("KYC_DESK_HUB_URL", "http://127.0.0.1:8443")]).await?;
    let result = async {
        app.wait_text("h1", "Sign in").await?;
        let hub_url = app.client.find(Locator::Css("#hub-url")).await?.prop("value").await?;
        assert_eq!(hub_url.as_deref(), Some("http://127.0.0.1:8443"), "hub address prefilled");
        assert_eq!(app.client.title().await?, "KYC Desk");
        // Linux cannot block screen capture; the login screen says so (and what protects).
        let note = app.text("[data-testid=capture-note]").await?;
        assert!(note.contains("screen capture cannot be blocked"), "capture note: {note}");
        app.find("[data-testid=support-export]").await?;
        app.screenshot("login-en").await?;

        app.client.find(Locator::Css("#lang-zh-CN")).await?.click().await?;
        app.wait_text("h1", "登录").await?;
        assert_eq!(app.text("label:nth-of-type(3) span").await?, "密码");
        app.screenshot("login-zh").await?;
        anyhow::Ok(())
    }
    .await;
    app.stop().await?;
    result
}

#[tokio::test]
async fn login_errors_come_from_the_core() -> Result<()> {
    let app = App::start().await?;
    let result = async {
        app.wait_text("h1", "Sign in").await?;
        app.client.find(Locator::Css("#lang-en")).await?.click().await?;

        // Missing field: caught in the form, named in the message.
        app.fill("#hub-url", "http://hub.example.org").await?;
        app.client.find(Locator::Css("#sign-in")).await?.click().await?;
        app.wait_text("#login-error", "User name is required.").await?;

        // Plain http to a remote host: refused by the Rust core with `insecure_hub`.
        app.fill("#user", "reviewer1").await?;
        app.fill("#password", "not-a-real-password").await?;
        app.client.find(Locator::Css("#sign-in")).await?.click().await?;
        app.wait_text(
            "#login-error",
            "Plain http:// is only allowed to this computer. Use https://.",
        )
        .await?;
        app.screenshot("login-insecure-hub").await?;
        anyhow::Ok(())
    }
    .await;
    app.stop().await?;
    result
}
