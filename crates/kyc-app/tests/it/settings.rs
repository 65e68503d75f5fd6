//! Preferences persist per account on a shared machine, and the login screen offers the hub
//! signed in to last.

use kyc_app::ipc::Lang;
use kyc_app::settings::{SETTINGS_FILE, Settings};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_account_keeps_its_language_and_idle_lock_and_the_login_screen_its_last_hub() {
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().take(1).map(|s| s.case.clone()).collect();
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();

    // Before anyone signs in there is no hub to offer (tests run without KYC_DESK_HUB_URL).
    let first = desk(data.path());
    if std::env::var_os(kyc_app::HUB_URL_ENV).is_none() {
        assert_eq!(first.app_info().await.default_hub_url, None);
    }

    // reviewer1 picks Chinese and 10 minutes; reviewer2, on the same machine, English and 2.
    first.sign_in(login(&hub, REVIEWER)).await.unwrap();
    first.set_language(Lang::ZhCn).await.unwrap();
    first.set_idle_lock(600).await.unwrap();
    first.sign_out(None).await.unwrap();
    let second = desk(data.path());
    second.sign_in(login(&hub, REVIEWER2)).await.unwrap();
    second.set_language(Lang::En).await.unwrap();
    second.set_idle_lock(120).await.unwrap();
    second.sign_out(None).await.unwrap();

    // A new start (a new process): each account's sign-in brings back its own choices.
    let later = desk(data.path());
    assert_eq!(later.lang(), Lang::En, "the login screen has the machine's last language");
    assert_eq!(later.app_info().await.default_hub_url.as_deref(), Some(hub.url().as_str()));
    let state = later.sign_in(login(&hub, REVIEWER)).await.unwrap();
    assert_eq!((state.lang, state.idle_lock_secs), (Lang::ZhCn, 600));
    later.sign_out(None).await.unwrap();
    let again = desk(data.path());
    let state = again.sign_in(login(&hub, REVIEWER2)).await.unwrap();
    assert_eq!((state.lang, state.idle_lock_secs), (Lang::En, 120));
    again.sign_out(None).await.unwrap();

    // The machine file holds the login screen's two things; nothing about any case.
    let machine = Settings::load(data.path());
    assert_eq!(machine.last_hub_url.as_deref(), Some(hub.url().as_str()));
    assert_eq!(machine.idle_lock_secs, None, "the idle lock is the account's, not the machine's");
    let text = std::fs::read_to_string(data.path().join(SETTINGS_FILE)).unwrap();
    assert!(!text.contains(REVIEWER), "no user name in the machine's settings");
}
