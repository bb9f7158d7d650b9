//! The Broadsheet app: the window (Tauri) and the headless command line, both thin glue over
//! the engine. Nothing here fetches, parses or stores on its own.

use std::process::ExitCode;

use clap::Parser;

pub mod cli;

/// The app's identifier, as in tauri.conf.json: it names the library folder on every platform.
pub const APP_IDENTIFIER: &str = "app.broadsheet.reader";

#[tauri::command]
fn app_info() -> String {
    format!("Broadsheet {}", env!("CARGO_PKG_VERSION"))
}

/// Logs go to stderr only when asked for with `BROADSHEET_LOG` (e.g. `BROADSHEET_LOG=debug`).
fn init_logging() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("BROADSHEET_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// Entry point: a subcommand runs headless; no subcommand opens the window.
pub fn run() -> ExitCode {
    init_logging();
    let mut cli = cli::Cli::parse();
    match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => run_window(),
    }
}

fn run_window() -> ExitCode {
    match tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_info])
        .run(tauri::generate_context!())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("broadsheet: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}
