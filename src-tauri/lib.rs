//! The Broadsheet app: the window (Tauri) and the headless command line, both thin glue over the engine.

use std::process::ExitCode;

#[tauri::command]
fn app_info() -> String {
    format!("Broadsheet {}", env!("CARGO_PKG_VERSION"))
}

/// Runs the window.
pub fn run() -> ExitCode {
    match tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_info])
        .run(tauri::generate_context!())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
