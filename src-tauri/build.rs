fn main() {
    // The app's own commands, each of which needs an explicit permission in a capability:
    // a command missing from this list cannot be called from the webview at all.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "sign_in",
        "unlock",
        "lock",
        "desk_state",
        "activity",
        "subscribe",
        "pull",
        "cancel_pull",
        "queue",
        "open_case",
        "close_case",
        "peek_case",
        "reveal",
        "reason_catalogue",
        "decide",
        "undo_decision",
        "dismiss_case",
        "sign_out",
        "set_language",
        "export_support_bundle",
        "set_idle_lock",
    ]);
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
