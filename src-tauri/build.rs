//! Declares every app command, so each one needs an explicit grant in a capability file
//! (src-tauri/capabilities/), and generates the Tauri context from tauri.conf.json.

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
    "__canary",
    "mark_query_read",
    "set_read_many",
    "settings_limits",
    "set_feed_url",
    "rename_folder",
    "delete_folder",
    "restore_folder",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
