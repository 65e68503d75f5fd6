//! The Tauri shell of KYC Desk: windows, the command wiring and (later) the `media://`
//! protocol. Every command is a one-line delegation to `kyc_app`, where the behaviour lives
//! and is tested without a window.

#![deny(unsafe_code)]

use kyc_app::{AppError, AppInfo, LoginRequest, Session};
use tauri::{Builder, Runtime};

#[tauri::command]
fn app_info() -> AppInfo {
    kyc_app::app_info()
}

#[tauri::command]
fn login(request: LoginRequest) -> Result<Session, AppError> {
    kyc_app::login::login(&request)
}

/// Wires commands and plugins onto a builder; tests pass `tauri::test::mock_builder()`.
pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.invoke_handler(tauri::generate_handler![app_info, login])
}

/// Runs the desktop app.
pub fn run() {
    build_app(Builder::default()).run(tauri::generate_context!()).expect("the app failed to start");
}

#[cfg(test)]
mod tests {
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder, mock_context, noop_assets};
    use tauri::webview::InvokeRequest;

    fn invoke(
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let app = super::build_app(mock_builder()).build(mock_context(noop_assets())).unwrap();
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
        let err = invoke("login", args).unwrap_err();
        assert_eq!(err["code"], "insecure_hub");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}
