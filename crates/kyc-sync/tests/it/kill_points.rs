//! A client process killed with SIGKILL at each point of recording and pushing a decision,
//! several runs per point. Afterwards a fresh process pushes what is left, and the hub holds
//! every decision the killed client committed, each exactly once, and none it never made.
//!
//! The killed client is this test binary re-executed with `KYC_SYNC_KILL_CHILD` naming the
//! point: it runs [`child_process_entry`] only, which does nothing in a normal test run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use kyc_model::{CaseId, LocalState};
use kyc_proto::Secret;
use kyc_sync::{PushHook, PushPoint, SyncOptions};

use crate::proxy::{Fault, Proxy};
use crate::support::*;

const CHILD_ENV: &str = "KYC_SYNC_KILL_CHILD";
/// In the child: pull, and stop to be killed once this many cases are done and bytes flowed.
const PULL_ENV: &str = "KYC_SYNC_KILL_PULL_AFTER";
const RUNS_PER_POINT: usize = 4;
const CASES_PER_RUN: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    /// The decisions are committed in the vault; nothing was sent.
    AfterCommit,
    /// The batch was sent; the hub has not seen it (the proxy holds it).
    AfterSendBeforeResponse,
    /// The hub committed the batch; its answer is held before reaching the client.
    AfterHubCommitBeforeReply,
    /// The answer arrived; nothing is marked in the vault yet.
    AfterReplyBeforeMarking,
    /// The first answer of the batch is marked, the others not.
    DuringMarking,
}

impl Point {
    const ALL: [Point; 5] = [
        Point::AfterCommit,
        Point::AfterSendBeforeResponse,
        Point::AfterHubCommitBeforeReply,
        Point::AfterReplyBeforeMarking,
        Point::DuringMarking,
    ];

    fn code(self) -> String {
        format!("{self:?}")
    }

    fn from_code(code: &str) -> Point {
        Point::ALL.into_iter().find(|p| p.code() == code).expect("known kill point")
    }
}

fn park_until_killed() -> ! {
    use std::io::Write;
    println!("KILL-ME");
    std::io::stdout().flush().unwrap();
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

#[test]
fn child_process_entry() {
    let Ok(point) = std::env::var(CHILD_ENV) else { return };
    let point = Point::from_code(&point);
    let env = |name: &str| std::env::var(name).unwrap();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let hook: PushHook = Arc::new(move |at| match (point, at) {
            (Point::AfterReplyBeforeMarking, PushPoint::AfterResponse)
            | (Point::DuringMarking, PushPoint::AfterMarked { index: 0 }) => park_until_killed(),
            _ => {}
        });
        let options = SyncOptions { push_hook: Some(hook), ..fast_options() };
        let data = std::path::PathBuf::from(env("KYC_SYNC_DATA"));
        let ws = workstation(&env("KYC_SYNC_URL"), &data, options);
        ws.login(REVIEWER, &Secret::new(env("KYC_SYNC_PASSWORD"))).await.unwrap();
        if let Ok(after) = std::env::var(PULL_ENV) {
            pull_until_killed(&ws, after.parse().unwrap()).await;
        }
        let ready: Vec<CaseId> = ws
            .vault()
            .list_cases()
            .unwrap()
            .into_iter()
            .filter(|c| c.state == LocalState::Ready)
            .map(|c| c.id)
            .collect();
        // The last case stays undecided: the hub must never see a decision for it.
        for id in &ready[..ready.len() - 1] {
            ws.vault().record_decision(&reject(id)).unwrap();
            println!("COMMITTED {id}");
        }
        if point == Point::AfterCommit {
            park_until_killed();
        }
        let result = ws.push_now().await;
        println!("PUSHED {result:?}");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    });
}

async fn pull_until_killed(ws: &kyc_sync::Workstation, after_cases: u32) -> ! {
    let (tx, mut rx) = tokio::sync::watch::channel(kyc_sync::PullProgress::default());
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let p = *rx.borrow();
            if p.bytes_done > 0 && p.cases_done >= after_cases {
                park_until_killed();
            }
        }
    });
    let result = ws.pull(10, Some(&tx), &kyc_sync::CancellationToken::new()).await;
    println!("PUSHED (the pull ended: {:?})", result.map(|r| r.stored.len()));
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// Spawns this binary in child mode and waits for it to reach its kill point.
async fn run_child_until_killed(envs: &[(&str, String)], proxy: Option<&Proxy>) -> Vec<String> {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "kill_points::child_process_entry", "--nocapture"])
        .args(["--test-threads", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in envs {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut committed = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(90));
    tokio::pin!(deadline);
    let hold = async {
        match proxy {
            Some(p) => p.next_hold().await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(hold);
    loop {
        let seen = tokio::select! {
            line = lines.recv() => Seen::Line(line.expect("the child ended early")),
            _ = &mut hold => Seen::Hold,
            _ = &mut deadline => panic!("kill point not reached"),
        };
        // The test harness prints its own text before the first line of the child.
        match seen {
            Seen::Line(line) if line.contains("COMMITTED ") => {
                let at = line.find("COMMITTED ").unwrap() + "COMMITTED ".len();
                committed.push(line[at..].trim().to_owned())
            }
            Seen::Line(line) if line.contains("KILL-ME") => break,
            Seen::Line(line) if line.contains("PUSHED") => {
                panic!("the child ended its work without reaching the point: {line}")
            }
            Seen::Line(_) => {}
            Seen::Hold => break,
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    committed
}

enum Seen {
    Line(String),
    Hold,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_at_any_point_of_a_push_loses_and_doubles_nothing() {
    let hub = Hub::start_with(|c| c.login_limits.attempts_per_address = 10_000).await;
    let n_cases = Point::ALL.len() * RUNS_PER_POINT * CASES_PER_RUN as usize;
    let cases = plain_cases(n_cases, 51);
    hub.add_cases(&cases);
    let proxy = Proxy::start(hub.addr()).await;
    let password = hub.password(REVIEWER);
    let mut all_committed: Vec<String> = Vec::new();
    let mut all_undecided: Vec<String> = Vec::new();

    for point in Point::ALL {
        for run in 0..RUNS_PER_POINT {
            proxy.set_rule(|_| Fault::Pass);
            let data = tempfile::tempdir().unwrap();
            let leased = {
                let ws = workstation(&proxy.url(), data.path(), fast_options());
                ws.login(REVIEWER, &password).await.unwrap();
                lease_into_vault(&ws, &cases, CASES_PER_RUN).await
            };
            match point {
                Point::AfterSendBeforeResponse => proxy.set_rule(|r| {
                    if r.method == "POST" && r.path == "/api/v1/decisions" {
                        Fault::HoldRequest
                    } else {
                        Fault::Pass
                    }
                }),
                Point::AfterHubCommitBeforeReply => proxy.set_rule(|r| {
                    if r.method == "POST" && r.path == "/api/v1/decisions" {
                        Fault::HoldResponse
                    } else {
                        Fault::Pass
                    }
                }),
                _ => {}
            }

            let envs = [
                (CHILD_ENV, point.code()),
                ("KYC_SYNC_DATA", data.path().display().to_string()),
                ("KYC_SYNC_URL", proxy.url()),
                ("KYC_SYNC_PASSWORD", password.expose().to_owned()),
            ];
            let committed = run_child_until_killed(&envs, Some(&proxy)).await;
            assert_eq!(committed.len(), CASES_PER_RUN as usize - 1, "{point:?} run {run}");

            // A fresh process pushes what is left.
            proxy.set_rule(|_| Fault::Pass);
            let ws = workstation(&proxy.url(), data.path(), fast_options());
            ws.login(REVIEWER, &password).await.unwrap();
            ws.push_now().await.unwrap();
            assert!(ws.vault().outbox().unwrap().is_empty(), "{point:?} run {run}");
            let left = ws.vault().list_cases().unwrap();
            assert_eq!(left.len(), 1, "only the undecided case stays");
            assert!(left[0].state == LocalState::Ready);

            let on_hub = hub.decisions();
            for id in &committed {
                let n = on_hub.iter().filter(|(c, _)| c == id).count();
                assert_eq!(n, 1, "{point:?} run {run}: committed decision on the hub {n} times");
            }
            let undecided: Vec<String> = leased
                .iter()
                .map(|id| id.to_string())
                .filter(|id| !committed.contains(id))
                .collect();
            for id in &undecided {
                assert!(on_hub.iter().all(|(c, _)| c != id), "{point:?}: uncommitted decision");
            }
            all_committed.extend(committed);
            all_undecided.extend(undecided);
        }
    }
    let on_hub = hub.decisions();
    assert_eq!(on_hub.len(), all_committed.len(), "every decision once, nothing else");
    assert_eq!(all_undecided.len(), Point::ALL.len() * RUNS_PER_POINT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_during_a_pull_leaves_only_whole_cases_and_the_rest_comes_back() {
    let hub = Hub::start_with(|c| c.login_limits.attempts_per_address = 10_000).await;
    let cases = &synth_cases()[..2];
    hub.add_cases(&synth_as_cases(cases));
    let password = hub.password(REVIEWER);
    // Killed while downloading the first case; killed after the first case was stored.
    for after_cases in [0u32, 1] {
        let data = tempfile::tempdir().unwrap();
        let envs = [
            (CHILD_ENV, Point::AfterCommit.code()),
            (PULL_ENV, after_cases.to_string()),
            ("KYC_SYNC_DATA", data.path().display().to_string()),
            ("KYC_SYNC_URL", hub.url()),
            ("KYC_SYNC_PASSWORD", password.expose().to_owned()),
        ];
        run_child_until_killed(&envs, None).await;

        let ws = workstation(&hub.url(), data.path(), fast_options());
        let whole = |ws: &kyc_sync::Workstation| {
            for summary in ws.vault().list_cases().unwrap() {
                let c = cases.iter().find(|c| c.case.id == summary.id).unwrap();
                assert_eq!(ws.vault().case(&summary.id).unwrap(), c.case);
                for m in &c.media {
                    let variant = if m.content_type.starts_with("image/") {
                        kyc_vault::Variant::Display
                    } else {
                        kyc_vault::Variant::Original
                    };
                    ws.vault().read_media(&m.id, variant).unwrap();
                }
            }
        };
        whole(&ws);
        let stored_before = ws.vault().list_cases().unwrap().len();
        assert!(stored_before >= after_cases as usize);
        ws.login(REVIEWER, &password).await.unwrap();
        let report = ws.pull(10, None, &kyc_sync::CancellationToken::new()).await.unwrap();
        assert_eq!(report.recovered as usize, cases.len() - stored_before, "{report:?}");
        whole(&ws);
        assert_eq!(ws.vault().list_cases().unwrap().len(), cases.len());
        // Give everything back for the next run.
        ws.logout().await.unwrap();
        for c in cases {
            assert_eq!(hub.case_state(&c.case.id), "open");
        }
    }
}
