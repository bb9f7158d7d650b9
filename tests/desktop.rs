//! The desktop behaviour around the window, end to end in the real app under Xvfb: one window
//! per library (the single-instance hand-over over D-Bus), starting without any session bus,
//! and the dialog shown when the library cannot be opened.
//!
//! Every app a test launches gets a private HOME and XDG folders, and either a private D-Bus
//! session bus (a `dbus-daemon` of its own, with no service activation) or none at all. So the
//! tests behave the same under `cargo test`, `tests/run-all` and CI whether or not the machine
//! has a session bus, and a test's instances can never hand over to a developer's running
//! Broadsheet, nor to another test's. Without the tools (Xvfb, tauri-driver, WebKitWebDriver,
//! dbus-daemon, dbus-send, xwininfo, xprop) the tests print a note and pass, unless
//! `BROADSHEET_E2E=1` (set by tests/run-all) demands them.

#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use broadsheet_engine::store::{Store, SCHEMA_VERSION};
use tempfile::TempDir;
use webdriver::{find_program, Driver, Session};

/// What a user types: with no command, `broadsheet` becomes `broadsheet-window` (same process).
const APP: &str = env!("CARGO_BIN_EXE_broadsheet");
const MAIN_TITLE: &str = "Broadsheet";
const DIALOG_TITLE: &str = "Broadsheet cannot open its library";
/// Generous: two cores shared with other builds can make a cold start take many seconds.
const PATIENCE: Duration = Duration::from_secs(40);
/// The prefix of the D-Bus names the app owns, one per library (see `instance_id`).
const INSTANCE_NAME_PREFIX: &str = "app.broadsheet.reader.L";

/// Whether the test's apps see a session bus.
#[derive(Clone, Copy, PartialEq)]
enum Bus {
    Private,
    Absent,
}

/// A private bus (or none), HOME and XDG folders for the apps a test launches.
struct Desktop {
    bus: Option<(Child, String)>,
    root: TempDir,
}

impl Desktop {
    /// Sets up the environment, or explains which tool is missing (see the module doc).
    fn start(bus: Bus) -> Option<Desktop> {
        let required = std::env::var("BROADSHEET_E2E").is_ok_and(|v| v == "1");
        let missing: Vec<&str> = ["dbus-daemon", "dbus-send", "xwininfo", "xprop"]
            .into_iter()
            .filter(|p| find_program(p).is_none())
            .collect();
        if !missing.is_empty() {
            let what = format!(
                "desktop tests need dbus-daemon, dbus-send (apt-get install dbus) and xwininfo, \
                 xprop (apt-get install x11-utils); missing: {missing:?}"
            );
            assert!(!required, "BROADSHEET_E2E=1 but {what}");
            eprintln!("note: skipping: {what}");
            return None;
        }
        let root = tempfile::tempdir().unwrap();
        for dir in ["home", "config", "data", "cache", "state", "runtime", "bus"] {
            std::fs::create_dir(root.path().join(dir)).unwrap();
        }
        // GLib refuses a runtime folder others may read.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            root.path().join("runtime"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        let bus = (bus == Bus::Private).then(|| start_bus(&root.path().join("bus")));
        Some(Desktop { bus, root })
    }

    /// Gives a command (an app, or tauri-driver which passes it on) this desktop's environment.
    fn apply(&self, command: &mut Command) {
        let dir = |name: &str| self.root.path().join(name);
        command
            .env("HOME", dir("home"))
            .env("XDG_CONFIG_HOME", dir("config"))
            .env("XDG_DATA_HOME", dir("data"))
            .env("XDG_CACHE_HOME", dir("cache"))
            .env("XDG_STATE_HOME", dir("state"))
            // Also where zbus looks for a bus when no address is given: empty, so none is found.
            .env("XDG_RUNTIME_DIR", dir("runtime"))
            // The accessibility bridge would look for its own bus; nothing here needs it.
            .env("NO_AT_BRIDGE", "1")
            // The window must log to its file, and use the folder it is given.
            .env_remove("BROADSHEET_LOG")
            .env_remove("BROADSHEET_DATA_DIR");
        match &self.bus {
            Some((_, address)) => command.env("DBUS_SESSION_BUS_ADDRESS", address),
            None => command.env_remove("DBUS_SESSION_BUS_ADDRESS"),
        };
    }

    /// The window's log, in the platform's log folder (Tauri's `app_log_dir` on Linux).
    fn log_file(&self) -> PathBuf {
        self.root
            .path()
            .join("data/app.broadsheet.reader/logs/broadsheet.log")
    }

    /// Starts `broadsheet --data-dir DIR` (no subcommand: the window) on the display.
    fn launch(&self, display: &str, data_dir: &Path, cwd: Option<&Path>) -> App {
        let mut command = Command::new(APP);
        command
            .arg("--data-dir")
            .arg(data_dir)
            .env("DISPLAY", display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        self.apply(&mut command);
        App(command.spawn().expect("the app starts"))
    }

    /// Calls a method on the private bus (`dbus-send --print-reply`); returns the reply.
    fn dbus_send(&self, destination: &str, path: &str, method: &str, args: &[&str]) -> String {
        let (_, address) = self.bus.as_ref().expect("a private bus");
        let out = Command::new("dbus-send")
            .arg(format!("--bus={address}"))
            .args([
                "--print-reply",
                &format!("--dest={destination}"),
                path,
                method,
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "dbus-send: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The per-library names owned on the private bus right now.
    fn instance_names(&self) -> Vec<String> {
        self.dbus_send(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.ListNames",
            &[],
        )
        .lines()
        .filter_map(|l| l.trim().strip_prefix("string \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|name| name.starts_with(INSTANCE_NAME_PREFIX))
        .map(str::to_string)
        .collect()
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        if let Some((bus, _)) = self.bus.as_mut() {
            let _ = bus.kill();
            let _ = bus.wait();
        }
    }
}

/// A session bus of our own, listening in `dir`; returns it and its address once it is ready.
/// The configuration allows everything and activates no services, so no desktop service
/// (portals, accessibility) starts behind the test's back.
fn start_bus(dir: &Path) -> (Child, String) {
    let config = dir.join("session.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.display()
        ),
    )
    .unwrap();
    let mut child = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon starts");
    // The address is printed once the bus listens.
    let mut address = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("dbus-daemon stdout")),
        &mut address,
    )
    .expect("dbus-daemon prints its address");
    let address = address.trim().to_string();
    assert!(address.starts_with("unix:"), "dbus-daemon said {address:?}");
    (child, address)
}

/// One app process started by the test, killed when dropped.
struct App(Child);

impl App {
    /// Waits for the process to end; `None` if it still runs after `within`.
    fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn assert_running(&mut self, what: &str) {
        if let Some(status) = self.0.try_wait().unwrap() {
            panic!("the app exited ({status}) {what}");
        }
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `check` until it gives a value; fails after `PATIENCE` naming `what`.
fn poll<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// How many top-level windows titled exactly `title` process `pid` shows (mapped) on `display`.
fn shown_windows(display: &str, pid: u32, title: &str) -> usize {
    let x = |program: &str, args: &[&str]| -> String {
        let out = Command::new(program)
            .args(args)
            .env("DISPLAY", display)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let quoted = format!("\"{title}\":");
    x("xwininfo", &["-root", "-tree"])
        .lines()
        .filter_map(|line| {
            let (id, rest) = line.trim().split_once(' ')?;
            rest.starts_with(&quoted).then(|| id.to_string())
        })
        .filter(|id| {
            // `_NET_WM_PID(CARDINAL) = 1234`, set by GTK on its top-level windows.
            x("xprop", &["-id", id, "_NET_WM_PID"])
                .rsplit(" = ")
                .next()
                .is_some_and(|p| p.trim() == pid.to_string())
        })
        .filter(|id| x("xwininfo", &["-id", id]).contains("Map State: IsViewable"))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn one_window_per_library_a_second_launch_hands_over_and_exits() {
    let Some(desktop) = Desktop::start(Bus::Private) else {
        return;
    };
    let Some(driver) = Driver::start_with(|c| desktop.apply(c)) else {
        return;
    };
    // Not created yet: the first window makes it, as on a first run.
    let parent = tempfile::tempdir().unwrap();
    let library = parent.path().join("library");
    let first = Session::start(&driver, &library).await;
    // A mark in the page, to tell later that this is still the same, unreloaded window.
    first
        .exec("window.__firstWindow = 'still here'; return true")
        .await;
    let names = desktop.instance_names();
    assert_eq!(
        names.len(),
        1,
        "the window owns one name for its library: {names:?}"
    );

    // The same library, spelled three ways: each launch hands over (the running window comes
    // back to the front) and exits successfully. (The plugin exits 0 only once the running
    // window has accepted the call.)
    let spellings: [(PathBuf, Option<&Path>); 3] = [
        (library.clone(), None),
        (PathBuf::from("library"), Some(parent.path())),
        (library.join("..").join("library/"), None),
    ];
    for (data_dir, cwd) in spellings {
        // Hidden first, so that the hand-over showing it again can be seen.
        first.minimize().await;
        first
            .wait_for(
                "return document.visibilityState === 'hidden'",
                "the first window to be minimized",
            )
            .await;
        let started = Instant::now();
        let mut again = desktop.launch(&driver.display, &data_dir, cwd);
        let status = again.wait_exit(PATIENCE).unwrap_or_else(|| {
            panic!(
                "a second launch with --data-dir {} (in {cwd:?}) still runs after {PATIENCE:?}: \
                 it opened a second window on the library",
                data_dir.display()
            )
        });
        assert!(status.success(), "{}: {status}", data_dir.display());
        first
            .wait_for(
                // Not `document.hasFocus()`: it holds here, but with no window manager any
                // window another test opens on the same display takes the focus at once.
                "return document.visibilityState === 'visible'",
                &format!(
                    "the first window shown again by the launch with --data-dir {}",
                    data_dir.display()
                ),
            )
            .await;
        eprintln!(
            "hand-over with --data-dir {} took {:?}",
            data_dir.display(),
            started.elapsed()
        );
    }
    assert_eq!(
        first.exec("return window.__firstWindow").await,
        "still here",
        "the first window no longer answers as before"
    );
    assert_eq!(desktop.instance_names(), names);

    // Another library is another instance: its own window, its own name, and it stays up.
    let other = tempfile::tempdir().unwrap();
    let mut second = desktop.launch(&driver.display, other.path(), None);
    poll("the window on the other library", || {
        second.assert_running("instead of opening a window on another library");
        (shown_windows(&driver.display, second.pid(), MAIN_TITLE) == 1).then_some(())
    });
    assert!(other.path().join("library.sqlite3").is_file());
    let both = desktop.instance_names();
    assert_eq!(both.len(), 2, "one name per library: {both:?}");
    assert!(both.contains(&names[0]), "{both:?}");
    second.assert_running("after opening its window");
    drop(second);
    first.exec("return document.title").await;
    first.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_session_bus_the_window_still_opens() {
    let Some(desktop) = Desktop::start(Bus::Absent) else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    // Through the driver: the UI must start, not just a window appear.
    let Some(driver) = Driver::start_with(|c| desktop.apply(c)) else {
        return;
    };
    let s = Session::start(&driver, library.path()).await;
    let welcome = s
        .exec("return document.getElementById('welcome').hidden")
        .await;
    assert_eq!(welcome, false, "a new library shows the welcome state");
    s.quit().await;

    // Launched directly as well, with no driver in between: a window, and it stays up.
    let library = tempfile::tempdir().unwrap();
    let mut app = desktop.launch(&driver.display, library.path(), None);
    poll("the window without a session bus", || {
        app.assert_running("without a session bus");
        (shown_windows(&driver.display, app.pid(), MAIN_TITLE) == 1).then_some(())
    });
    // `broadsheet` (which links no GUI library) handed its process to the window's program.
    let program = std::fs::read_link(format!("/proc/{}/exe", app.pid())).unwrap();
    assert!(
        program.ends_with("broadsheet-window"),
        "the window runs in {}",
        program.display()
    );
    assert!(library.path().join("library.sqlite3").is_file());
}

/// A library file the app must refuse to open, and never change.
struct Damaged {
    name: &'static str,
    /// Writes the file into the folder.
    make: fn(&Path),
    /// What the log must say about it.
    reason: &'static str,
}

const DAMAGED: &[Damaged] = &[
    Damaged {
        name: "garbage bytes",
        make: |dir| {
            let garbage = b"this is not a database, but it may be someone's only copy".repeat(100);
            std::fs::write(dir.join("library.sqlite3"), garbage).unwrap();
        },
        reason: "file is not a database",
    },
    Damaged {
        // A real library as a later version would leave it: schema one step ahead.
        name: "a library from a newer Broadsheet",
        make: |dir| {
            let store = Store::open(&dir.join("library.sqlite3")).unwrap();
            store
                .write(|tx| {
                    tx.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))?;
                    Ok(())
                })
                .unwrap();
        },
        reason: "written by a newer Broadsheet",
    },
];

/// Every file in a folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap_or_default();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn a_library_it_cannot_open_shows_a_dialog_and_is_left_untouched() {
    let Some(desktop) = Desktop::start(Bus::Private) else {
        return;
    };
    // The driver is not used to drive anything here: it provides the display (and its own
    // Xvfb when there is none), as for the other tests.
    let Some(driver) = Driver::start_with(|c| desktop.apply(c)) else {
        return;
    };
    for case in DAMAGED {
        let dir = tempfile::tempdir().unwrap();
        (case.make)(dir.path());
        let before = snapshot(dir.path());
        assert_eq!(before.len(), 1, "{}: {before:?}", case.name);

        let mut app = desktop.launch(&driver.display, dir.path(), None);
        poll(&format!("the dialog for {}", case.name), || {
            app.assert_running(&format!("instead of showing a dialog for {}", case.name));
            (shown_windows(&driver.display, app.pid(), DIALOG_TITLE) == 1).then_some(())
        });
        assert_eq!(
            shown_windows(&driver.display, app.pid(), MAIN_TITLE),
            0,
            "{}: the main window opened anyway",
            case.name
        );
        // The log was written before the dialog showed.
        let log = std::fs::read_to_string(desktop.log_file()).unwrap_or_default();
        let folder = dir.path().display().to_string();
        let line = log
            .lines()
            .find(|l| l.contains("ERROR") && l.contains(&folder))
            .unwrap_or_else(|| {
                panic!("{}: no error naming {folder} in the log:\n{log}", case.name)
            });
        assert!(line.contains(case.reason), "{}: {line}", case.name);
        assert!(
            snapshot(dir.path()) == before,
            "{}: the library folder changed while the dialog showed",
            case.name
        );

        drop(app);
        assert!(
            snapshot(dir.path()) == before,
            "{}: the library folder changed once the app was gone",
            case.name
        );
    }
}

/// A notification service of the test's own on the private bus (tests/support/
/// notification_service.py), recording what it is asked to show; killed when dropped.
struct NotificationService {
    child: Child,
    record: PathBuf,
}

impl NotificationService {
    /// Starts it on the desktop's bus, or explains what is missing (python3 with its D-Bus and
    /// GLib bindings: apt-get install python3-dbus python3-gi).
    fn start(desktop: &Desktop) -> Option<NotificationService> {
        let required = std::env::var("BROADSHEET_E2E").is_ok_and(|v| v == "1");
        // The distribution's Python carries the bindings; a Python of one's own may not.
        let python = ["/usr/bin/python3", "python3"].into_iter().find(|p| {
            Command::new(p)
                .args([
                    "-c",
                    "import dbus, dbus.mainloop.glib; from gi.repository import GLib",
                ])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        let Some(python) = python else {
            let what = "the notification test needs python3 with its D-Bus and GLib bindings \
                        (apt-get install python3-dbus python3-gi)";
            assert!(!required, "BROADSHEET_E2E=1 but {what}");
            eprintln!("note: skipping: {what}");
            return None;
        };
        let record = desktop.root.path().join("notifications.jsonl");
        let mut command = Command::new(python);
        command
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/notification_service.py"
            ))
            .arg(&record)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        desktop.apply(&mut command);
        let mut child = command.spawn().expect("the notification service starts");
        let mut ready = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("its stdout")),
            &mut ready,
        )
        .expect("the notification service says it is ready");
        assert_eq!(ready.trim(), "ready");
        Some(NotificationService { child, record })
    }

    /// Clicks the notification `id` (the n-th shown, from 1), as the person would.
    fn click(&self, desktop: &Desktop, id: u32) {
        desktop.dbus_send(
            "org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            "org.broadsheet.Test.Click",
            &[&format!("uint32:{id}")],
        );
    }

    /// What it was asked to show, in order.
    fn received(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }
}

impl Drop for NotificationService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A feed of `titles`, one item each, every one a whole story (nothing else is fetched).
fn titled_feed(titles: &[&str]) -> String {
    let items: String = titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "<item><guid>story-{i}</guid><title>{t}</title><pubDate>Mon, 0{} Sep 2025 08:00:00 GMT</pubDate>\
                 <description><![CDATA[<p>{t}. The whole story is told here at length, in plain sentences, so no page is fetched for it.</p>]]></description></item>",
                i + 1
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour News</title><link>/</link>{items}</channel></rss>")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_in_the_background_shows_one_notification_that_opens_its_first_story() {
    use broadsheet_engine::library::{Library, LibraryConfig};
    use fixture_server::{FixtureServer, Reply};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let Some(desktop) = Desktop::start(Bus::Private) else {
        return;
    };
    let Some(service) = NotificationService::start(&desktop) else {
        return;
    };
    let Some(driver) = Driver::start_with(|c| desktop.apply(c)) else {
        return;
    };
    let server = FixtureServer::start().await.unwrap();
    let versions = [
        vec!["Markets steady ahead of talks"],
        vec![
            "Markets steady ahead of talks",
            "Storm damages pier at the old harbour",
            "Ferry back on time",
        ],
        vec![
            "Markets steady ahead of talks",
            "Storm damages pier at the old harbour",
            "Ferry back on time",
            "Council meets on Monday",
        ],
    ];
    let version = Arc::new(AtomicUsize::new(0));
    let v = Arc::clone(&version);
    server.route_fn("/feed.xml", move |_| {
        Reply::ok(
            "application/rss+xml",
            titled_feed(&versions[v.load(Ordering::SeqCst)]),
        )
    });
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let sub = lib.subscribe(&server.url("/feed.xml"), None).await.unwrap();
        lib.set_feed_notify(sub.feed.id, true).await.unwrap();
        let mut settings = lib.settings().await.unwrap();
        settings.refresh_minutes = 0;
        lib.save_settings(settings).await.unwrap();
    }
    let rows = |n: usize| format!("return document.querySelectorAll('#list .row').length === {n}");
    let s = Session::start(&driver, library.path()).await;
    s.wait_for(&rows(1), "the first story").await;

    // In the background, two new stories come in: one notification names them.
    s.minimize().await;
    s.wait_for(
        "return document.visibilityState === 'hidden'",
        "the window to be minimized",
    )
    .await;
    version.store(1, Ordering::SeqCst);
    s.exec("document.getElementById('btn-refresh').click(); return 0")
        .await;
    s.wait_for(&rows(3), "the new stories in the list").await;
    let received = poll("the notification", || {
        let got = service.received();
        (!got.is_empty()).then_some(got)
    });
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["summary"], "2 new stories");
    assert_eq!(
        received[0]["body"],
        "Storm damages pier at the old harbour, Ferry back on time"
    );

    // A click on it brings the window forward on the first of them.
    assert_eq!(received[0]["actions"][0], "default", "{received:?}");
    service.click(&desktop, 1);
    s.wait_for(
        "return document.visibilityState === 'visible' && \
         document.getElementById('story-title').textContent",
        "the window back, on a story",
    )
    .await;
    s.wait_for(
        "return document.getElementById('story-title').textContent === 'Storm damages pier at the old harbour'",
        "the first new story",
    )
    .await;
    s.minimize().await;
    s.wait_for(
        "return document.visibilityState === 'hidden'",
        "the window to be minimized again",
    )
    .await;

    // Notifications turned off: the next story comes in silently (and is never announced later).
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let mut settings = lib.settings().await.unwrap();
        settings.notifications = false;
        lib.save_settings(settings).await.unwrap();
    }
    version.store(2, Ordering::SeqCst);
    s.exec("document.getElementById('btn-refresh').click(); return 0")
        .await;
    s.wait_for(&rows(4), "the fourth story in the list").await;
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(service.received().len(), 1, "{:?}", service.received());
    s.quit().await;
}
