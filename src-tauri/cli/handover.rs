//! Handing `broadsheet`'s process to the window's program, `broadsheet-window`, installed beside
//! it: with no command (the window), and with every command `broadsheet` does not run itself.
//! Never parses arguments or opens a library.

use std::ffi::OsString;
use std::process::ExitCode;

use broadsheet_engine::error_kind::ErrorKind;

use super::{fail, WINDOW_PROGRAM};

/// What [`hand_over`] gives the window's program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Handover {
    /// No command: open (or bring forward) the window.
    Window,
    /// A command this program does not run itself.
    Command,
}

/// Starts [`WINDOW_PROGRAM`] from this program's folder. On Unix it takes this process's place
/// (same process id, exit status and signals, as if it had been started itself). Elsewhere a
/// command is waited for and its exit status passed on, and a window is started on its own
/// while this program returns at once, as a window's launcher does.
pub(super) fn hand_over(args: Vec<OsString>, handover: Handover, json: bool) -> ExitCode {
    let window = match std::env::current_exe() {
        Ok(me) => me.with_file_name(format!("{WINDOW_PROGRAM}{}", std::env::consts::EXE_SUFFIX)),
        Err(e) => {
            return fail(
                json,
                ErrorKind::Internal,
                format!("cannot find myself: {e}"),
            )
        }
    };
    let mut command = std::process::Command::new(&window);
    command.args(args);
    #[cfg(unix)]
    let error = std::os::unix::process::CommandExt::exec(&mut command);
    #[cfg(not(unix))]
    let error = match handover {
        Handover::Window => match command.spawn() {
            Ok(_) => return ExitCode::SUCCESS,
            Err(e) => e,
        },
        Handover::Command => match command.status() {
            Ok(status) => {
                return ExitCode::from(
                    status
                        .code()
                        .and_then(|c| u8::try_from(c).ok())
                        .unwrap_or(1),
                )
            }
            Err(e) => e,
        },
    };
    let what = match handover {
        Handover::Window => "cannot open the window",
        Handover::Command => "cannot run this command",
    };
    let message = format!("{what}: cannot start {} ({error})", window.display());
    fail(json, ErrorKind::Internal, message)
}
