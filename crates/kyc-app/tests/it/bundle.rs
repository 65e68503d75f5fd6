//! The log file and the support bundle after real work: both carry what support needs (codes,
//! counts, versions) and none of the cases' personal data; a panicking command is answered
//! with `internal` and logged without its message.

use std::sync::{Arc, OnceLock};

use kyc_app::ipc::{DecisionInput, OutcomeCode};
use kyc_app::support::ShellFacts;
use kyc_app::{ErrorCode, Secret};
use kyc_scan::Marker;

use crate::support::*;

/// This test binary's log directory: the subscriber is process-wide, so it is set up once,
/// at debug level so the scan has as much to read as possible.
fn log_dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        kyc_app::logs::init(
            dir.path(),
            tracing_subscriber::EnvFilter::new("debug"),
            kyc_app::logs::Rotation::default(),
        )
        .unwrap();
        dir
    })
    .path()
}

fn markers() -> Vec<Marker> {
    synth()
        .iter()
        .flat_map(|c| c.markers())
        .map(|(label, value)| Marker::bytes(label, value))
        .chain([Marker::text("the panic message", "PANIC-MARKER-5f2c9e")])
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_and_the_support_bundle_carry_codes_and_counts_never_case_data() {
    let logs = log_dir();
    let synth = synth();
    let cases: Vec<kyc_model::Case> = synth.iter().map(|s| s.case.clone()).collect();
    let hub = Hub::start(&cases, synth).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = desk_config(data.path());
    config.log_dir = Some(logs.to_owned());
    let desk = kyc_app::Desk::new(config);

    // Real work through `call`, as the commands do: sign in, pull, open, reveal, decide,
    // a wrong unlock password.
    desk.call("sign_in", desk.sign_in(login(&hub, REVIEWER))).await.unwrap();
    let pulled = desk.call("pull", desk.pull(4, Arc::new(|_| {}))).await.unwrap();
    assert_eq!(pulled.pulled, 4);
    let queue = desk.queue().await.unwrap();
    for item in &queue {
        let view = desk.call("open_case", desk.open_case(&item.case_id)).await.unwrap();
        for f in view.fields.iter().filter(|f| f.revealable) {
            desk.call("reveal", desk.reveal(&view.case_id, &f.key, "support bundle test"))
                .await
                .unwrap();
        }
    }
    let escalate = DecisionInput {
        case_id: queue[0].case_id.clone(),
        outcome: OutcomeCode::Escalate,
        reasons: vec![],
        documents: vec![],
        note: Some("a note that must not reach the bundle".into()),
        applicant_text: None,
    };
    desk.call("decide", desk.decide(escalate)).await.unwrap();
    desk.call("lock", desk.lock()).await.unwrap();
    let err = desk.call("unlock", desk.unlock(Secret::new("not the password"))).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassword);

    // A command that panics is answered, not fatal, and its message stays out of the log.
    let err = desk
        .call("boom", async {
            if queue.len() < 1000 {
                panic!("PANIC-MARKER-5f2c9e");
            }
            Ok(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Internal);

    let path = data.path().join("support.zip");
    let shell = ShellFacts { entries: vec![("webview".into(), "test".into())] };
    let report = desk.export_support_bundle(path.clone(), shell).await.unwrap();
    let zip = std::fs::read(&path).unwrap();
    assert_eq!(report.bytes, zip.len() as u64);
    let hits = kyc_scan::scan_bytes(&zip, &markers());
    assert!(hits.is_empty(), "personal data in the bundle: {hits:?}");
    for name in ["about.json", "desk.json", "settings.json", "logs/kyc-desk.log"] {
        assert!(find(&zip, name), "{name} in the bundle");
    }
    let text = String::from_utf8_lossy(&zip);
    assert!(text.contains("\"wrong_password\""), "the last errors' codes");
    assert!(text.contains("\"internal\""), "the panic's code");
    assert!(text.contains("\"cases_by_state\""), "counts by state");
    assert!(!text.contains(REVIEWER), "no user name in the bundle");
    assert!(!text.contains("a note that must not"), "no note in the bundle");
    assert!(!path.with_file_name("support.zip.partial").exists());

    let log = std::fs::read(logs.join(kyc_app::logs::LOG_FILE)).unwrap();
    assert!(!log.is_empty(), "the log has content");
    let log_text = String::from_utf8_lossy(&log);
    assert!(log_text.contains("command panicked"), "the panic is logged");
    assert!(log_text.contains("wrong_password"), "failures are logged by code");
    let hits = kyc_scan::scan_bytes(&log, &markers());
    assert!(hits.is_empty(), "personal data in the log: {hits:?}");
    assert!(!log_text.contains(REVIEWER), "no user name in the log");
}

/// Whether the zip has an entry of that name (its names are stored plainly).
fn find(zip: &[u8], name: &str) -> bool {
    zip.windows(name.len()).any(|w| w == name.as_bytes())
}
