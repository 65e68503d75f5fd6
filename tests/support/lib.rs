//! The end-to-end harness: the real `kyc-desk` binary started by `tauri-driver` (with
//! WebKitWebDriver) and driven over WebDriver, a real seeded hub on loopback, and the privacy
//! scan of every directory the app writes. The e2e tests and `cargo xtask bench desk` use it.

pub mod app;
pub mod hub;
pub mod privacy;

pub use app::App;
pub use hub::{Hub, Seed};

/// Fills the login screen (in English) for `user` and presses "Sign in".
pub async fn submit_login(app: &App, hub: &Hub, user: &str) -> anyhow::Result<()> {
    app.find("#sign-in").await?;
    app.click("#lang-en").await?;
    app.fill("#hub-url", &hub.url()).await?;
    app.fill("#user", user).await?;
    app.fill("#password", hub.password(user)).await?;
    app.click("#sign-in").await
}

/// Signs `user` in and waits for the desk.
pub async fn sign_in(app: &App, hub: &Hub, user: &str) -> anyhow::Result<()> {
    submit_login(app, hub, user).await?;
    app.find("[data-testid=pull-button]").await?;
    Ok(())
}
