//! Quitting on SIGTERM (a session ending, a shutdown) is a clean quit, and the window comes
//! back as large as the reviewer left it.

use anyhow::{Result, ensure};
use kyc_e2e::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_quits_cleanly_and_the_window_size_is_kept() -> Result<()> {
    let first = App::start().await?;
    let home = first.shared_home();
    let result = async {
        first.find("#sign-in").await?;
        first.client.set_window_size(1100, 720).await?;
        let (w, h) = first.client.get_window_size().await?;
        ensure!((w, h) == (1100, 720), "resized to {w}×{h}");
        first.terminate_app().await?;
        let log = std::fs::read_to_string(first.data_dir().join("logs/kyc-desk.log"))?;
        ensure!(log.contains("terminate signal: quitting"), "SIGTERM is a clean quit");
        anyhow::Ok(())
    }
    .await;
    let _ = first.stop().await;
    result?;

    let second = App::start_in(home, &[]).await?;
    let result = async {
        second.find("#sign-in").await?;
        let (w, h) = second.client.get_window_size().await?;
        ensure!((w, h) == (1100, 720), "the next start opens at {w}×{h}, not 1100×720");
        anyhow::Ok(())
    }
    .await;
    second.stop().await?;
    result
}
