//! Declares every app command, so each one needs an explicit grant in a capability file
//! (src-tauri/capabilities/), and generates the Tauri context from tauri.conf.json.
//! The test-only `__canary` command and its grant (src-tauri/capabilities-debug/) exist only
//! in builds with debug assertions: a release build neither declares nor grants it.

/// The commands the window may call; `ui/api.js` is their other side.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_feeds",
    "list_folders",
    "list_articles",
    "get_article",
    "set_read",
    "set_bookmarked",
    "discover_feeds",
    "subscribe",
    "refresh",
    "rename_feed",
    "move_feed",
    "unsubscribe",
    "set_full_story",
    "set_local_network",
    "open_link",
    "open_external",
    "import_opml",
    "export_opml",
    "export_article",
    "get_settings",
    "save_settings",
    "mark_query_read",
    "set_read_many",
    "set_story_read",
    "settings_limits",
    "set_feed_url",
    "rename_folder",
    "delete_folder",
    "restore_folder",
    "list_accounts",
    "add_account",
    "remove_account",
    "sync_accounts",
    "list_rules",
    "add_rule",
    "update_rule",
    "remove_rule",
    "count_rule_matches",
    "set_feed_notify",
];

/// The hostile-article test's command (commands.rs), for builds with debug assertions only.
const TEST_COMMANDS: &[&str] = &["__canary"];

fn main() {
    // The build script's own `cfg!(debug_assertions)` is the host profile's; Cargo tells it the
    // app's in CARGO_CFG_DEBUG_ASSERTIONS, the same switch that compiles `__canary` in or out.
    let debug = std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let mut commands = COMMANDS.to_vec();
    // `capabilities*` takes in src-tauri/capabilities-debug/, which grants `__canary`.
    let capabilities = if debug {
        commands.extend_from_slice(TEST_COMMANDS);
        "src-tauri/capabilities*/**/*"
    } else {
        "src-tauri/capabilities/**/*"
    };
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern(capabilities)
            // The manifest keeps its list for the whole build: leaked once, in a short-lived program.
            .app_manifest(tauri_build::AppManifest::new().commands(commands.leak())),
    )
    .expect("failed to run tauri-build");
}
