include!("src/commands.rs");

fn main() {
    // The app's own commands (src/commands.rs, shared with the shell): each needs an explicit
    // permission in a capability; a command missing from the list cannot be called at all.
    println!("cargo:rerun-if-changed=src-tauri/src/commands.rs");
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    tauri_build::try_build(attributes).expect("tauri-build failed");
    // The release-configuration test asks Cargo for the features this target resolves: on a
    // fresh machine only this target's dependencies are downloaded, so it must name it.
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=KYC_DESK_BUILD_TARGET={target}");
}
