//! `broadsheet`: the command line, a console program on every platform. It links no GUI
//! library; with no command it starts `broadsheet-window` from its own folder.

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() -> std::process::ExitCode {
    broadsheet_cli::main()
}
