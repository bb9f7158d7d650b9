//! `broadsheet-window`: the window, Tauri's main program (what installers' menu entries and
//! shortcuts start; `broadsheet` with no command starts it too).

// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() -> std::process::ExitCode {
    broadsheet_app::run()
}
