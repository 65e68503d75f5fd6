fn main() {
    // The app's own commands, each of which needs an explicit permission in a capability:
    // a command missing from this list cannot be called from the webview at all.
    let manifest = tauri_build::AppManifest::new().commands(&["app_info", "login"]);
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
