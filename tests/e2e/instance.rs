//! One instance per account and data directory: with a D-Bus session bus a second launch
//! hands over to the running window and exits; without one, the second app starts but the
//! vault's file lock refuses it at sign-in, and it says so.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use kyc_e2e::app::home_env;
use kyc_e2e::{App, Hub, Seed, sign_in, submit_login};

const USER: &str = "reviewer1";

/// A private D-Bus session bus, stopped on drop.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    fn start() -> Result<SessionBus> {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            // Its complaints about fd limits under a container are noise here.
            .stderr(Stdio::null())
            .spawn()
            .context("dbus-daemon is needed for the single-instance test (apt: dbus)")?;
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().context("dbus-daemon stdout")?).read_line(&mut line)?;
        let address = line.trim().to_owned();
        ensure!(address.starts_with("unix:"), "dbus-daemon printed {address:?}");
        Ok(SessionBus { daemon, address })
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn seed() -> Seed {
    Seed { cases: 2, rng_seed: 3, without_consent: vec![] }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_brings_the_first_window_forward_and_exits() -> Result<()> {
    let bus = SessionBus::start()?;
    let hub = Hub::start(&seed()).await?;
    // NO_AT_BRIDGE: no accessibility bus is activated on the private bus (its launcher would
    // outlive the test's bus).
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()), ("NO_AT_BRIDGE", "1")];
    let app = App::start_with_env(&env).await?;
    let result = async {
        sign_in(&app, &hub, USER).await?;
        app.fill("[data-testid=pull-count]", "2").await?;
        app.click("[data-testid=pull-button]").await?;
        app.until(
            "two cases pulled",
            "return document.querySelectorAll('[data-testid=queue-item]').length === 2",
            vec![],
        )
        .await?;

        let binary = std::env::var_os("KYC_DESK_BIN").context("KYC_DESK_BIN")?;
        let mut second = Command::new(&binary)
            .envs(home_env(app.home())?)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let status = wait_exit(&mut second, Duration::from_secs(30))?;
        ensure!(status.success(), "the second launch exits cleanly after handing over: {status}");

        // Still one window, still signed in with its cases, and it was told.
        ensure!(app.client.windows().await?.len() == 1, "one window");
        let n = app.find_all("[data-testid=queue-item]").await?.len();
        ensure!(n == 2, "the first instance still shows its {n} cases");
        let log = std::fs::read_to_string(app.data_dir().join("logs/kyc-desk.log"))?;
        ensure!(log.contains("a second launch was handed to this instance"), "handed over");
        anyhow::Ok(())
    }
    .await;
    app.stop().await?;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_bus_the_second_app_is_refused_at_sign_in_and_says_why() -> Result<()> {
    // An address that cannot be reached: the single-instance plugin lets both launches go on.
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/kyc-desk-no-bus")];
    let hub = Hub::start(&seed()).await?;
    let first = App::start_with_env(&no_bus).await?;
    let result = async {
        sign_in(&first, &hub, USER).await?;
        let second = App::start_in(first.shared_home(), &no_bus).await?;
        let refused = async {
            submit_login(&second, &hub, USER).await?;
            let error = second.find("#login-error").await?;
            let code = error.attr("data-code").await?;
            ensure!(code.as_deref() == Some("in_use"), "second sign-in answered {code:?}");
            second.screenshot("login-vault-in-use-en").await?;
            anyhow::Ok(())
        }
        .await;
        second.stop().await?;
        refused?;
        // The first desk is untouched.
        first.find("[data-testid=pull-button]").await?;
        anyhow::Ok(())
    }
    .await;
    first.stop().await?;
    result
}

fn wait_exit(child: &mut Child, within: Duration) -> Result<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("the second launch did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
