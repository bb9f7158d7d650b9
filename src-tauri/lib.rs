//! The Broadsheet window (Tauri): thin glue over the engine, in the `broadsheet-window` program.
//! Nothing here fetches, parses or stores on its own. The command line is the `broadsheet-cli`
//! crate (the `broadsheet` program, which links nothing of this); this program accepts its
//! commands too, so the two never disagree.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use broadsheet_cli::{library_config, APP_IDENTIFIER};
use broadsheet_engine::images::IMAGE_SCHEME;
use broadsheet_engine::library::Library;
use clap::Parser;
use tauri::http::{header, Response, StatusCode};
use tauri::webview::NewWindowResponse;
use tauri::{Manager, UriSchemeContext, UriSchemeResponder, WebviewWindowBuilder, Wry};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

#[cfg(test)]
mod bindings;
pub mod commands;

use commands::AppState;

/// When the process started, for the start-up benchmark.
pub static STARTED: std::sync::LazyLock<std::time::Instant> =
    std::sync::LazyLock::new(std::time::Instant::now);

/// Entry point of `broadsheet-window`: no command opens the window; a command runs headless,
/// as `broadsheet` would run it.
pub fn run() -> ExitCode {
    std::sync::LazyLock::force(&STARTED);
    broadsheet_cli::init_logging();
    let mut cli = broadsheet_cli::Cli::parse();
    match cli.command.take() {
        Some(command) => broadsheet_cli::run(cli, command),
        None => run_window(
            cli.data_dir
                .unwrap_or_else(broadsheet_cli::default_data_dir),
        ),
    }
}

/// Whether the webview may show this address: only the app's own pages and the story frame.
fn is_app_url(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => matches!(url.path(), "blank" | "srcdoc"),
        _ => false,
    }
}

/// Serves cached pictures and feed icons to the window: `broadsheet-img://localhost/<token>`
/// (`Library::image` looks the token up among both).
fn serve_image(
    ctx: UriSchemeContext<'_, Wry>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let token = request.uri().path().trim_start_matches('/').to_string();
    tauri::async_runtime::spawn(async move {
        let found = match app.try_state::<AppState>() {
            Some(state) => state.library.image(token).await.ok().flatten(),
            None => None,
        };
        let builder = Response::builder()
            // A picture is never a document: nothing it holds may run or be sniffed into HTML.
            .header("Content-Security-Policy", "default-src 'none'; sandbox")
            .header("X-Content-Type-Options", "nosniff");
        let response = match found {
            Some((mime, bytes)) => builder
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, mime)
                .header(header::CACHE_CONTROL, "private, max-age=86400")
                .body(bytes),
            None => builder.status(StatusCode::NOT_FOUND).body(Vec::new()),
        };
        responder.respond(response.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

/// The window logs warnings (and the engine's notable events) to `broadsheet.log` in the
/// platform's log folder, unless `BROADSHEET_LOG` already sends logs to stderr.
fn init_file_logging(log_dir: &std::path::Path) {
    const KEEP_BYTES: u64 = 5 * 1024 * 1024;
    if std::env::var_os("BROADSHEET_LOG").is_some() || std::fs::create_dir_all(log_dir).is_err() {
        return;
    }
    let path = log_dir.join("broadsheet.log");
    if std::fs::metadata(&path)
        .map(|m| m.len() > KEEP_BYTES)
        .unwrap_or(false)
    {
        let _ = std::fs::rename(&path, log_dir.join("broadsheet.old.log"));
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "warn,broadsheet=info,broadsheet_engine=info",
        ))
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

/// A D-Bus name for "one window per library": a second launch on the same library focuses the
/// running window instead of opening a second writer (Windows and macOS: one per user).
///
/// The folder is resolved first, so `--data-dir lib` from its parent and `--data-dir /abs/lib`
/// (or a symlink to it) are one library; they once got a window and a writer each. The hash is
/// FNV-1a, spelled out, because std's `DefaultHasher` may change between Rust releases and two
/// builds of Broadsheet must agree on the name.
fn instance_id(data_dir: &std::path::Path) -> String {
    let absolute = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    // On a first run the folder does not exist yet: resolve its parent, as the second launch
    // will resolve the folder itself once the first has created it.
    let resolved = std::fs::canonicalize(&absolute)
        .or_else(|e| match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => std::fs::canonicalize(parent).map(|p| p.join(name)),
            _ => Err(e),
        })
        .unwrap_or(absolute);
    let hash = resolved
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{APP_IDENTIFIER}.L{hash:016x}")
}

/// Shows the window, in front: a second launch on the same library, a click on a notification.
pub(crate) fn focus_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

fn run_window(dir: PathBuf) -> ExitCode {
    let context = tauri::generate_context!();
    let single_instance = tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(&dir))
        .callback(|app, _args, _cwd| focus_main_window(app))
        .build();
    let builder = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(single_instance)
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .register_asynchronous_uri_scheme_protocol(IMAGE_SCHEME, serve_image)
        .invoke_handler(handlers())
        .setup(move |app| {
            if let Ok(log_dir) = app.path().app_log_dir() {
                init_file_logging(&log_dir);
            }
            let library = match Library::open(&dir, library_config()) {
                Ok(library) => library,
                Err(e) => {
                    // Never replace a library we cannot read: say where it is and stop.
                    tracing::error!(
                        kind = %e.kind(),
                        folder = %dir.display(),
                        "cannot open the library: {e}"
                    );
                    let handle = app.handle().clone();
                    app.dialog()
                        .message(format!(
                            "Broadsheet cannot open its library.\n\n{e}\n\nThe library is at {}. \
                             Nothing was changed: move the folder aside (or restore a backup) and start Broadsheet again.",
                            dir.display()
                        ))
                        .title("Broadsheet cannot open its library")
                        .kind(MessageDialogKind::Error)
                        .show(move |_| handle.exit(1));
                    return Ok(());
                }
            };
            let library = Arc::new(library);
            let background = Arc::new(tokio::sync::Notify::new());
            commands::start_background(
                app.handle().clone(),
                Arc::clone(&library),
                Arc::clone(&background),
            );
            commands::open_from_notifications(app.handle());
            commands::watch_sync(app.handle().clone(), &library);
            app.manage(AppState {
                library,
                refreshing: tokio::sync::Mutex::new(()),
                background,
            });
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .cloned()
                .ok_or("tauri.conf.json has no main window")?;
            WebviewWindowBuilder::from_config(app.handle(), &config)?
                .on_navigation(|url| {
                    let allowed = is_app_url(url);
                    if !allowed {
                        tracing::warn!(%url, "navigation denied");
                    }
                    allowed
                })
                .on_new_window(|url, _| {
                    tracing::warn!(%url, "new window denied");
                    NewWindowResponse::Deny
                })
                .build()
                .map(configure_webview)?;
            Ok(())
        });
    match builder.run(context) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("broadsheet: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

/// WebKitGTK settings Tauri does not expose (Linux only), set right after the webview is built,
/// before its first page is laid out.
///
/// - No accelerated compositing: a reader of text and still pictures gains nothing from GL
///   layers, and they cost about 70 MB in the web process (BENCHMARKS.md, "The window"); it also
///   sidesteps the blank windows some GPU drivers give WebKitGTK.
/// - Debug builds print the page's console (CSP violations included) to the terminal, where the
///   end-to-end tests look for them (INV-3 of the payloads).
fn configure_webview(window: tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                settings.set_enable_write_console_messages_to_stdout(cfg!(debug_assertions));
            }
        });
        if let Err(e) = applied {
            tracing::warn!("cannot configure the webview: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

fn handlers() -> impl Fn(tauri::ipc::Invoke<Wry>) -> bool + Send + Sync + 'static {
    use commands::*;
    tauri::generate_handler![
        app_info,
        list_feeds,
        list_folders,
        list_articles,
        get_article,
        set_read,
        set_bookmarked,
        discover_feeds,
        subscribe,
        refresh,
        rename_feed,
        move_feed,
        unsubscribe,
        set_full_story,
        set_local_network,
        open_link,
        open_external,
        import_opml,
        export_opml,
        export_article,
        get_settings,
        save_settings,
        #[cfg(debug_assertions)]
        __canary,
        mark_query_read,
        set_read_many,
        set_story_read,
        settings_limits,
        set_feed_url,
        rename_folder,
        delete_folder,
        restore_folder,
        list_accounts,
        add_account,
        remove_account,
        sync_accounts,
        list_rules,
        add_rule,
        update_rule,
        remove_rule,
        count_rule_matches,
        set_feed_notify
    ]
}

#[cfg(test)]
mod tests {
    use super::{instance_id, is_app_url};

    #[test]
    #[cfg(unix)] // the symlink
    fn one_library_folder_has_one_instance_name_however_it_is_spelled() {
        let parent = tempfile::tempdir().unwrap();
        let library = parent.path().join("library");
        std::fs::create_dir(&library).unwrap();
        let link = parent.path().join("link");
        std::os::unix::fs::symlink(&library, &link).unwrap();
        let name = instance_id(&library);
        for same in [
            library.join("."),
            library.join("../library/"),
            link.clone(),
            link.join("."),
        ] {
            assert_eq!(instance_id(&same), name, "{}", same.display());
        }
        // Before a first run creates it, the folder gets the name it will have afterwards.
        let new = parent.path().join("new");
        let before = instance_id(&parent.path().join("./new/"));
        std::fs::create_dir(&new).unwrap();
        assert_eq!(before, instance_id(&new));
        assert_ne!(instance_id(&parent.path().join("other")), name);
    }

    #[test]
    fn the_instance_name_is_the_same_in_every_build() {
        // A running window and a newer build launched beside it must compute the same name.
        assert_eq!(
            instance_id(std::path::Path::new("/nonexistent-broadsheet-test/library")),
            "app.broadsheet.reader.Lb4ba6cae641ae00e"
        );
    }

    #[test]
    fn the_webview_may_show_only_the_app_and_the_story_frame() {
        for ok in [
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "about:srcdoc",
            "about:blank",
        ] {
            assert!(is_app_url(&url::Url::parse(ok).unwrap()), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "http://localhost:1420/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "tauri://evil/",
            "data:text/html,x",
        ] {
            assert!(!is_app_url(&url::Url::parse(bad).unwrap()), "{bad}");
        }
    }
}
