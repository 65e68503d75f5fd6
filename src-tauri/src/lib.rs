//! The Tauri shell of KYC Desk: the window, the command wiring and the `media://` scheme.
//! Every command is a one-line delegation to `kyc_app::Desk`, where the behaviour lives and is
//! tested without a window; fallible ones go through `Desk::call`, which answers a panic with
//! `internal` and remembers failure codes for the support bundle.

#![deny(unsafe_code)]

mod commands;

use std::sync::Arc;

use kyc_app::ipc::{
    AccountRole, AccountRow, AdminEventLine, AdminPolicy, AttentionChoice, AttentionDone,
    AttentionRow, NewAccount, OneTimePassword, PolicyForm, PolicySave,
};
use kyc_app::ipc::{
    AuditCheck, AuditedCase, CaseView, DecisionFilter, DecisionInput, DecisionsPage, DeskEvent,
    DeskState, Lang, PullProgress, PullSummary, QueueItem, ReasonOption, SignOutReport,
    SupportBundleReport, VerdictInput, VerdictResult,
};
use kyc_app::ipc::{AuditLine, CsvExport, StatsRange, StatsView};
use kyc_app::ipc::{DisputeRow, EscalationRow, QueueDecided, SampleDetail, SampleInput, SampleRow};
use kyc_app::{AppError, AppInfo, Desk, DeskConfig, LoginRequest, Secret};
use tauri::http::{Request, Response};
use tauri::ipc::Channel;
use tauri::{Builder, Manager, Runtime, State, UriSchemeContext, UriSchemeResponder};

/// The label of the one window allowed to call commands and load media.
pub const MAIN_WINDOW: &str = "main";
/// The custom scheme serving decrypted media from the vault.
pub const MEDIA_SCHEME: &str = "media";
/// The origins of the app's own pages (Linux and macOS; Windows).
const APP_ORIGINS: [&str; 2] = ["tauri://localhost", "http://tauri.localhost"];

#[tauri::command]
async fn app_info(desk: State<'_, Arc<Desk>>) -> Result<AppInfo, AppError> {
    Ok(desk.app_info().await)
}

#[tauri::command]
async fn sign_in(desk: State<'_, Arc<Desk>>, request: LoginRequest) -> Result<DeskState, AppError> {
    desk.call("sign_in", desk.sign_in(request)).await
}

#[tauri::command]
async fn unlock(desk: State<'_, Arc<Desk>>, password: Secret) -> Result<DeskState, AppError> {
    desk.call("unlock", desk.unlock(password)).await
}

#[tauri::command]
async fn lock(desk: State<'_, Arc<Desk>>) -> Result<DeskState, AppError> {
    desk.call("lock", desk.lock()).await
}

#[tauri::command]
fn desk_state(desk: State<'_, Arc<Desk>>) -> DeskState {
    desk.state()
}

#[tauri::command]
fn activity(desk: State<'_, Arc<Desk>>) {
    desk.activity()
}

#[tauri::command]
fn subscribe(desk: State<'_, Arc<Desk>>, events: Channel<DeskEvent>) {
    desk.subscribe(Arc::new(move |event| {
        let _ = events.send(event);
    }))
}

#[tauri::command]
async fn pull(
    desk: State<'_, Arc<Desk>>,
    max_cases: u32,
    offline: Option<bool>,
    progress: Channel<PullProgress>,
) -> Result<PullSummary, AppError> {
    let progress = Arc::new(move |p| {
        let _ = progress.send(p);
    });
    desk.call("pull", desk.pull_with(max_cases, offline.unwrap_or(false), progress)).await
}

#[tauri::command]
async fn set_idle_lock(desk: State<'_, Arc<Desk>>, secs: u32) -> Result<DeskState, AppError> {
    desk.call("set_idle_lock", desk.set_idle_lock(secs)).await
}

#[tauri::command]
fn cancel_pull(desk: State<'_, Arc<Desk>>) {
    desk.cancel_pull()
}

#[tauri::command]
async fn queue(desk: State<'_, Arc<Desk>>) -> Result<Vec<QueueItem>, AppError> {
    desk.call("queue", desk.queue()).await
}

#[tauri::command]
async fn open_case(desk: State<'_, Arc<Desk>>, case_id: String) -> Result<CaseView, AppError> {
    desk.call("open_case", desk.open_case(&case_id)).await
}

#[tauri::command]
fn close_case(desk: State<'_, Arc<Desk>>, case_id: String) {
    desk.close_case(&case_id)
}

#[tauri::command]
async fn peek_case(
    desk: State<'_, Arc<Desk>>,
    case_id: String,
) -> Result<Option<CaseView>, AppError> {
    desk.call("peek_case", desk.peek_case(&case_id)).await
}

#[tauri::command]
async fn supervisor_decisions(
    desk: State<'_, Arc<Desk>>,
    filter: DecisionFilter,
) -> Result<DecisionsPage, AppError> {
    desk.call("supervisor_decisions", desk.supervisor_decisions(filter)).await
}

#[tauri::command]
async fn supervisor_case(
    desk: State<'_, Arc<Desk>>,
    case_id: String,
) -> Result<AuditedCase, AppError> {
    desk.call("supervisor_case", desk.supervisor_case(&case_id)).await
}

#[tauri::command]
async fn give_verdict(
    desk: State<'_, Arc<Desk>>,
    input: VerdictInput,
) -> Result<VerdictResult, AppError> {
    desk.call("give_verdict", desk.give_verdict(input)).await
}

#[tauri::command]
async fn verify_audit(desk: State<'_, Arc<Desk>>) -> Result<AuditCheck, AppError> {
    desk.call("verify_audit", desk.verify_audit()).await
}

// ----- supervisor queues and QA samples -----

#[tauri::command]
async fn audit_head(desk: State<'_, Arc<Desk>>) -> Result<Option<String>, AppError> {
    desk.call("audit_head", desk.audit_head()).await
}

#[tauri::command]
async fn supervisor_escalations(
    desk: State<'_, Arc<Desk>>,
) -> Result<Vec<EscalationRow>, AppError> {
    desk.call("supervisor_escalations", desk.supervisor_escalations()).await
}

#[tauri::command]
async fn decide_escalation(
    desk: State<'_, Arc<Desk>>,
    entry: i64,
    input: DecisionInput,
) -> Result<QueueDecided, AppError> {
    desk.call("decide_escalation", desk.decide_escalation(entry, input)).await
}

#[tauri::command]
async fn supervisor_disputes(desk: State<'_, Arc<Desk>>) -> Result<Vec<DisputeRow>, AppError> {
    desk.call("supervisor_disputes", desk.supervisor_disputes()).await
}

#[tauri::command]
async fn resolve_dispute(
    desk: State<'_, Arc<Desk>>,
    entry: i64,
    input: DecisionInput,
) -> Result<QueueDecided, AppError> {
    desk.call("resolve_dispute", desk.resolve_dispute(entry, input)).await
}

#[tauri::command]
async fn supervisor_samples(desk: State<'_, Arc<Desk>>) -> Result<Vec<SampleRow>, AppError> {
    desk.call("supervisor_samples", desk.supervisor_samples()).await
}

#[tauri::command]
async fn supervisor_sample(
    desk: State<'_, Arc<Desk>>,
    sample_id: String,
) -> Result<SampleDetail, AppError> {
    desk.call("supervisor_sample", desk.supervisor_sample(&sample_id)).await
}

#[tauri::command]
async fn create_sample(
    desk: State<'_, Arc<Desk>>,
    input: SampleInput,
) -> Result<SampleDetail, AppError> {
    desk.call("create_sample", desk.create_sample(input)).await
}

// ----- administrator mode -----

#[tauri::command]
async fn admin_accounts(desk: State<'_, Arc<Desk>>) -> Result<Vec<AccountRow>, AppError> {
    desk.call("admin_accounts", desk.admin_accounts()).await
}

#[tauri::command]
async fn admin_create_account(
    desk: State<'_, Arc<Desk>>,
    input: NewAccount,
) -> Result<OneTimePassword, AppError> {
    desk.call("admin_create_account", desk.admin_create_account(input)).await
}

#[tauri::command]
async fn admin_set_disabled(
    desk: State<'_, Arc<Desk>>,
    user_id: String,
    disabled: bool,
) -> Result<AccountRow, AppError> {
    desk.call("admin_set_disabled", desk.admin_set_disabled(&user_id, disabled)).await
}

#[tauri::command]
async fn admin_set_role(
    desk: State<'_, Arc<Desk>>,
    user_id: String,
    role: AccountRole,
) -> Result<AccountRow, AppError> {
    desk.call("admin_set_role", desk.admin_set_role(&user_id, role)).await
}

#[tauri::command]
async fn admin_reset_password(
    desk: State<'_, Arc<Desk>>,
    user_id: String,
) -> Result<OneTimePassword, AppError> {
    desk.call("admin_reset_password", desk.admin_reset_password(&user_id)).await
}

#[tauri::command]
async fn admin_policy(desk: State<'_, Arc<Desk>>) -> Result<AdminPolicy, AppError> {
    desk.call("admin_policy", desk.admin_policy()).await
}

#[tauri::command]
async fn admin_save_policy(
    desk: State<'_, Arc<Desk>>,
    policy: PolicyForm,
) -> Result<PolicySave, AppError> {
    desk.call("admin_save_policy", desk.admin_save_policy(policy)).await
}

#[tauri::command]
async fn admin_attention(desk: State<'_, Arc<Desk>>) -> Result<Vec<AttentionRow>, AppError> {
    desk.call("admin_attention", desk.admin_attention()).await
}

#[tauri::command]
async fn admin_resolve_attention(
    desk: State<'_, Arc<Desk>>,
    case_id: String,
    choice: AttentionChoice,
) -> Result<AttentionDone, AppError> {
    desk.call("admin_resolve_attention", desk.admin_resolve_attention(&case_id, choice)).await
}

#[tauri::command]
async fn admin_events(desk: State<'_, Arc<Desk>>) -> Result<Vec<AdminEventLine>, AppError> {
    desk.call("admin_events", desk.admin_events()).await
}

// ----- supervisor mode: the open case's evidence, statistics -----

#[tauri::command]
async fn supervisor_open_evidence(
    desk: State<'_, Arc<Desk>>,
    case_id: String,
) -> Result<AuditedCase, AppError> {
    desk.call("supervisor_open_evidence", desk.supervisor_open_evidence(&case_id)).await
}

/// The supervisor's case pane closed: the case's evidence held in memory is released.
#[tauri::command]
fn supervisor_close_case(desk: State<'_, Arc<Desk>>, case_id: String) {
    desk.supervisor_close_case(&case_id)
}

#[tauri::command]
fn supervisor_trail(
    desk: State<'_, Arc<Desk>>,
    case_id: String,
) -> Result<Vec<AuditLine>, AppError> {
    desk.supervisor_trail(&case_id)
}

#[tauri::command]
fn supervisor_evidence(desk: State<'_, Arc<Desk>>, case_id: String) -> Result<CaseView, AppError> {
    desk.supervisor_evidence(&case_id)
}

#[tauri::command]
async fn supervisor_stats(
    desk: State<'_, Arc<Desk>>,
    range: StatsRange,
) -> Result<StatsView, AppError> {
    desk.call("supervisor_stats", desk.supervisor_stats(range)).await
}

/// Writes the statistics' CSV into the user's download directory (else an `exports` folder
/// in the app's data directory) and answers its path.
#[tauri::command]
async fn export_stats_csv<R: Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Arc<Desk>>,
    range: StatsRange,
) -> Result<CsvExport, AppError> {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().app_data_dir().map(|d| d.join("exports")))
        .map_err(|_| AppError::internal("no export directory"))?;
    desk.call("export_stats_csv", desk.export_stats_csv(range, dir)).await
}

#[tauri::command]
async fn reveal(
    desk: State<'_, Arc<Desk>>,
    case_id: String,
    field: String,
    reason: String,
) -> Result<String, AppError> {
    desk.call("reveal", desk.reveal(&case_id, &field, &reason)).await
}

#[tauri::command]
fn reason_catalogue(desk: State<'_, Arc<Desk>>) -> Vec<ReasonOption> {
    desk.reason_catalogue()
}

#[tauri::command]
async fn decide(desk: State<'_, Arc<Desk>>, input: DecisionInput) -> Result<QueueItem, AppError> {
    desk.call("decide", desk.decide(input)).await
}

#[tauri::command]
async fn undo_decision(desk: State<'_, Arc<Desk>>, case_id: String) -> Result<QueueItem, AppError> {
    desk.call("undo_decision", desk.undo_decision(&case_id)).await
}

#[tauri::command]
async fn dismiss_case(desk: State<'_, Arc<Desk>>, case_id: String) -> Result<(), AppError> {
    desk.call("dismiss_case", desk.dismiss_case(&case_id)).await
}

#[tauri::command]
async fn sign_out(
    desk: State<'_, Arc<Desk>>,
    discard_confirmation: Option<String>,
) -> Result<SignOutReport, AppError> {
    desk.call("sign_out", desk.sign_out(discard_confirmation)).await
}

#[tauri::command]
async fn set_language(desk: State<'_, Arc<Desk>>, lang: Lang) -> Result<(), AppError> {
    desk.call("set_language", desk.set_language(lang)).await
}

/// Asks where to save the support bundle (the OS save dialog) and writes it there; `None`
/// when the reviewer closed the dialog.
#[tauri::command]
async fn export_support_bundle<R: Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Arc<Desk>>,
) -> Result<Option<SupportBundleReport>, AppError> {
    let Some(path) = ask_save_path(&app).await else { return Ok(None) };
    desk.call("export_support_bundle", desk.export_support_bundle(path, shell_facts()))
        .await
        .map(Some)
}

async fn ask_save_path<R: Runtime>(app: &tauri::AppHandle<R>) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name("kyc-desk-support.zip")
        .add_filter("Zip", &["zip"])
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

/// What the shell adds to the support bundle: Tauri's and the webview's versions.
fn shell_facts() -> kyc_app::support::ShellFacts {
    let webview = tauri::webview_version().unwrap_or_else(|_| "unknown".into());
    kyc_app::support::ShellFacts {
        entries: vec![("tauri".into(), tauri::VERSION.into()), ("webview".into(), webview)],
    }
}

/// Answers a `media://` request: only for the main window's webview, one call into the desk.
fn media_protocol<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let desk = ctx.app_handle().try_state::<Arc<Desk>>().map(|d| d.inner().clone());
    let allowed = ctx.webview_label() == MAIN_WINDOW;
    let path = request.uri().path().to_owned();
    let range = request
        .headers()
        .get(tauri::http::header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The page (origin `tauri://localhost`, or `http://tauri.localhost` on Windows) fetches
    // face videos into Blobs on Linux; `media:` is another origin, so without this header
    // WebKit refuses the fetch ("Load failed"). Only the app's own origin is named.
    let cors_origin = request
        .headers()
        .get(tauri::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| APP_ORIGINS.contains(o))
        .map(str::to_owned);
    tauri::async_runtime::spawn(async move {
        let answer = match desk {
            Some(desk) if allowed => desk.media(path, range).await,
            _ => kyc_app::MediaResponse::not_found(),
        };
        let mut response = Response::builder().status(answer.status);
        for (name, value) in &answer.headers {
            response = response.header(*name, value);
        }
        if let Some(origin) = &cors_origin {
            response = response.header("Access-Control-Allow-Origin", origin);
        }
        let response = response.body(answer.body).unwrap_or_else(|_| {
            Response::builder().status(500).body(Vec::new()).expect("a bare 500 is valid")
        });
        responder.respond(response);
    });
}

/// Wires commands and the media scheme onto a builder; tests pass `tauri::test::mock_builder()`
/// and manage their own desk.
pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(MEDIA_SCHEME, media_protocol).invoke_handler(
        tauri::generate_handler![
            app_info,
            sign_in,
            unlock,
            lock,
            desk_state,
            activity,
            subscribe,
            pull,
            cancel_pull,
            queue,
            open_case,
            close_case,
            peek_case,
            reveal,
            reason_catalogue,
            decide,
            undo_decision,
            dismiss_case,
            sign_out,
            set_language,
            export_support_bundle,
            set_idle_lock,
            supervisor_decisions,
            supervisor_case,
            give_verdict,
            verify_audit,
            // supervisor queues and QA samples
            audit_head,
            supervisor_escalations,
            decide_escalation,
            supervisor_disputes,
            resolve_dispute,
            supervisor_samples,
            supervisor_sample,
            create_sample,
            // administrator mode
            admin_accounts,
            admin_create_account,
            admin_set_disabled,
            admin_set_role,
            admin_reset_password,
            admin_policy,
            admin_save_policy,
            admin_attention,
            admin_resolve_attention,
            admin_events,
            supervisor_open_evidence,
            supervisor_close_case,
            supervisor_trail,
            supervisor_evidence,
            supervisor_stats,
            export_stats_csv
        ],
    )
}

/// Brings the main window to the front (a second launch asked for the app).
fn focus_main_window<R: Runtime>(app: &tauri::AppHandle<R>) {
    tracing::info!("a second launch was handed to this instance");
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// SIGTERM (a session ending, a shutdown, a test driver closing the app) quits like the
/// window's close button: held decisions are written, the vault is closed, the window's
/// geometry is saved. Without this the process would just die.
fn quit_on_terminate<R: Runtime>(app: tauri::AppHandle<R>) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                if term.recv().await.is_some() {
                    tracing::info!("terminate signal: quitting");
                    app.exit(0);
                }
            }
            Err(e) => tracing::warn!(error = %e, "no SIGTERM handler"),
        }
    });
    #[cfg(not(unix))]
    let _ = app;
}

/// Runs the desktop app.
pub fn run() {
    // Registered first, so a second launch hands over before anything else starts: the
    // running window comes to the front and the second process exits. Without a D-Bus
    // session bus (Linux) the plugin lets the launch go on, and the vault's file lock keeps
    // the second process out at sign-in, which says so (`in_use`).
    let app = Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| focus_main_window(app)));
    let app = build_app(app)
        .plugin(tauri_plugin_dialog::init())
        // Size and position come back at the next start (`.window-state.json` in the app's
        // config directory: geometry only).
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            let log_dir = app.path().app_log_dir()?;
            // Without a log the app still works; it says so where someone starting it sees.
            if let Err(e) = kyc_app::logs::init(
                &log_dir,
                kyc_app::logs::filter_from_env(),
                kyc_app::logs::Rotation::default(),
            ) {
                eprintln!("KYC Desk: no log file ({e})");
            }
            let mut config = DeskConfig::new(data_dir);
            config.log_dir = Some(log_dir);
            config.session.network = kyc_app::session::NetworkConfig::from_env();
            let desk = Desk::new(config);
            app.manage(desk.clone());
            quit_on_terminate(app.handle().clone());
            // The vault locks when the OS session locks or the machine sleeps (the system bus
            // from DBUS_SYSTEM_BUS_ADDRESS, else the standard socket).
            tauri::async_runtime::spawn(async move {
                desk.watch_os_lock(kyc_app::lockwatch::WatchOptions::default()).await;
            });
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the app failed to start");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(desk) = handle.try_state::<Arc<Desk>>()
        {
            // Decisions still in their undo window are written before the process ends.
            let desk = desk.inner().clone();
            tauri::async_runtime::block_on(async move { desk.shutdown().await });
        }
    });
}

pub use commands::COMMANDS;

#[cfg(test)]
mod release_config;

#[cfg(test)]
mod tests {
    use kyc_app::{Desk, DeskConfig};
    use tauri::Manager;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder, mock_context, noop_assets};
    use tauri::webview::InvokeRequest;

    fn invoke(
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let dir = tempfile::tempdir().unwrap();
        let app = super::build_app(mock_builder()).build(mock_context(noop_assets())).unwrap();
        app.manage(Desk::new(DeskConfig::new(dir.path().to_owned())));
        let webview =
            tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        let request = InvokeRequest {
            cmd: command.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&webview, request).map(|body| body.deserialize().unwrap())
    }

    #[test]
    fn commands_are_wired_and_errors_cross_as_code_and_message() {
        let info = invoke("app_info", serde_json::json!({})).unwrap();
        assert_eq!(info["name"], "KYC Desk");

        let args = serde_json::json!({ "request": {
            "hubUrl": "http://hub.example.org", "user": "r1", "password": "pw" } });
        let err = invoke("sign_in", args).unwrap_err();
        assert_eq!(err["code"], "insecure_hub");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));

        let state = invoke("desk_state", serde_json::json!({})).unwrap();
        assert_eq!(state["phase"], "signed_out");

        for (command, args) in [
            ("queue", serde_json::json!({})),
            ("open_case", serde_json::json!({ "caseId": "c-1" })),
            (
                "reveal",
                serde_json::json!({ "caseId": "c-1", "field": "applicant.name", "reason": "check" }),
            ),
            ("sign_out", serde_json::json!({})),
        ] {
            let err = invoke(command, args).unwrap_err();
            assert_eq!(err["code"], "online_sign_in_required", "{command}");
        }
        assert!(invoke("reason_catalogue", serde_json::json!({})).unwrap().as_array().is_some());
    }

    #[test]
    fn capability_grants_exactly_the_wired_commands() {
        let text = include_str!("../capabilities/main.json");
        let cap: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut granted: Vec<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().trim_start_matches("allow-").replace('-', "_"))
            .collect();
        granted.sort();
        let mut wired: Vec<String> = super::COMMANDS.iter().map(|c| c.to_string()).collect();
        wired.sort();
        assert_eq!(granted, wired);
    }
}
