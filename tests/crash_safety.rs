//! Crash safety of the library: `broadsheet refresh` killed with SIGKILL at random moments of a
//! refresh of a loopback farm (many feeds, every story with a picture) never damages the
//! library nor loses what the person set before (bookmarks, read stories), and the next refresh
//! completes. The kill moments are drawn from a seeded generator; the seed is printed, and
//! `BROADSHEET_CRASH_SEED=N` replays a run. The window is killed the same way once, during the
//! refresh it starts by itself, and started again (a window test: tauri-driver under Xvfb, as
//! tests/window.rs; without those tools it prints a note and passes, unless `BROADSHEET_E2E=1`).
//! Nothing here touches the internet.
// SIGKILL (`Child::kill` sends it on Unix), and the farm on 127.0.3.x: all of 127/8 is loopback
// on Linux only.
#![cfg(target_os = "linux")]

#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::{ArticleId, ArticleQuery};
use fixture_server::{Behaviour, FixtureServer, Reply};

/// Feeds in the farm: enough for a refresh to last a while and write many batches, few enough
/// that 100 refreshes stay within about two minutes on a 2-core machine.
const FEEDS: usize = 12;
/// Loopback hosts the feeds are spread over, so the per-host limit acts as on the internet.
const HOSTS: usize = 8;
/// New stories each feed has at every fetch, each with its own picture.
const ITEMS: usize = 5;
/// Refreshes killed.
const KILLS: usize = 100;

/// The two tests one after the other: the kill moments are drawn from a refresh's measured
/// duration, which a window starting beside it on two cores would make meaningless.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A small JPEG, served for every picture of the farm.
const PICTURE: &[u8] = include_bytes!("fixtures/news-site/img/farmers.jpg");

/// A small deterministic generator (SplitMix64): the test needs reproducible kill moments,
/// not good randomness, and no extra dependency.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

/// The seed of this run's kill moments (`BROADSHEET_CRASH_SEED`, else the clock), printed so a
/// failure can be replayed, and the generator drawing them.
fn kill_moments() -> (u64, SplitMix) {
    let seed = std::env::var("BROADSHEET_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("crash safety: seed {seed} (replay with BROADSHEET_CRASH_SEED={seed})");
    (seed, SplitMix(seed))
}

/// Feed `feed`'s document at its `generation`-th fetch: every fetch brings `ITEMS` new stories,
/// each with a picture of its own, so every refresh writes stories and downloads pictures.
fn farm_feed(feed: usize, generation: usize, site: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>Crash farm {feed}</title><link>{site}</link>"
    );
    for i in 0..ITEMS {
        out.push_str(&format!(
            "<item><guid>crash-{feed}-{generation}-{i}</guid>\
             <title>Story {i} of fetch {generation} of feed {feed}</title>\
             <link>{site}story/{generation}/{i}</link>\
             <pubDate>Mon, 01 Sep 2025 {:02}:{:02}:00 GMT</pubDate>\
             <description><![CDATA[<p>Officials from both delegations described the first session as \
             frank and useful. Trade ministers met separately to discuss tariffs on steel and farm goods, \
             and energy officials reviewed a pipeline agreement that has been delayed for more than a year.</p>\
             <p>Diplomats expect a joint statement on the final day; markets held steady ahead of it.</p>\
             <img src=\"{site}img.jpg?f={feed}&amp;g={generation}&amp;i={i}\" alt=\"The talks\" width=\"640\" height=\"360\">]]>\
             </description></item>",
            generation % 24,
            (i * 7) % 60
        ));
    }
    out.push_str("</channel></rss>");
    out
}

/// Starts the farm: `FEEDS` feeds over `HOSTS` loopback addresses, their pictures served after
/// `picture_delay` (so that a refresh can be caught with its stories in and pictures to come);
/// returns the servers (they stop when dropped) and an OPML list of the feeds.
async fn start_farm(picture_delay: Duration) -> (Vec<FixtureServer>, String) {
    let mut servers = Vec::new();
    for h in 0..HOSTS {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 3, 1 + h as u8));
        let server = FixtureServer::start_on(ip, 0).await.unwrap();
        servers.push(server);
    }
    let mut outlines = String::new();
    for f in 0..FEEDS {
        let server = &servers[f % HOSTS];
        let path = format!("/feed{f}.xml");
        let site = server.url(&format!("/site{f}/"));
        server.route(
            &format!("/site{f}/img.jpg"),
            Reply::ok("image/jpeg", PICTURE).behaviour(Behaviour::Delay(picture_delay)),
        );
        let fetches = Arc::new(AtomicUsize::new(0));
        server.route_fn(&path, move |_| {
            let generation = fetches.fetch_add(1, Ordering::SeqCst);
            Reply::ok("application/rss+xml", farm_feed(f, generation, &site))
        });
        outlines.push_str(&format!(
            "<outline text=\"Crash farm {f}\" xmlUrl=\"{}\"/>",
            server.url(&path)
        ));
    }
    let opml = format!("<opml version=\"2.0\"><body>{outlines}</body></opml>");
    (servers, opml)
}

/// `broadsheet --data-dir DIR ARGS…`, started with its output discarded.
fn broadsheet(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs `broadsheet` to its end off the runtime that serves the farm; panics unless it succeeds.
async fn run_to_end(dir: &Path, args: &[&str]) -> Duration {
    let mut cmd = broadsheet(dir, args);
    cmd.stderr(Stdio::piped());
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        out.status.success(),
        "broadsheet {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

/// What the person set before the refreshes: the stories bookmarked and those read.
struct PersonalState {
    bookmarked: BTreeSet<ArticleId>,
    read: BTreeSet<ArticleId>,
}

/// The newest stories, as many as one list query returns (the engine caps a page): every story
/// of a library that has had one refresh of the farm.
async fn first_page(library: &Library) -> Vec<broadsheet_engine::model::ArticleSummary> {
    library
        .articles(ArticleQuery {
            limit: Some(10_000),
            ..ArticleQuery::default()
        })
        .await
        .unwrap()
}

/// Bookmarks every third story of the first fetch and marks every second one read (some are
/// both), as a person would between refreshes.
async fn set_personal_state(dir: &Path) -> PersonalState {
    let library = Library::open(dir, LibraryConfig::default()).unwrap();
    let stories = first_page(&library).await;
    assert_eq!(
        stories.len(),
        FEEDS * ITEMS,
        "the first refresh stored every story"
    );
    let mut state = PersonalState {
        bookmarked: BTreeSet::new(),
        read: BTreeSet::new(),
    };
    for (n, story) in stories.iter().enumerate() {
        if n % 3 == 0 {
            library.set_bookmarked(story.id, true).await.unwrap();
            state.bookmarked.insert(story.id);
        }
        if n % 2 == 0 {
            library.set_read(story.id, true).await.unwrap();
            state.read.insert(story.id);
        }
    }
    state
}

/// Opens the library as the app would after the crash and checks it: the file is sound and
/// nothing the person set is lost. `what` names the kill, for the failure message.
async fn check_library(dir: &Path, expected: &PersonalState, what: &str) {
    let library = Library::open(dir, LibraryConfig::default())
        .unwrap_or_else(|e| panic!("{what}: the library does not open: {e}"));
    let integrity = library
        .store()
        .integrity_check()
        .unwrap_or_else(|e| panic!("{what}: PRAGMA integrity_check: {e}"));
    assert_eq!(integrity, ["ok"], "{what}: PRAGMA integrity_check");
    let bookmarked: BTreeSet<ArticleId> = library
        .articles(ArticleQuery {
            bookmarked_only: true,
            limit: Some(10_000),
            ..ArticleQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let lost: Vec<_> = expected.bookmarked.difference(&bookmarked).collect();
    assert!(lost.is_empty(), "{what}: bookmarks lost: {lost:?}");
    // One story at a time: a list query returns a page at most, and the library keeps growing.
    for &id in &expected.read {
        let story = library
            .article(id)
            .await
            .unwrap_or_else(|e| panic!("{what}: story {id} read before is gone: {e}"));
        assert!(story.summary.read, "{what}: story {id} is unread again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_killed_at_random_moments_never_damages_the_library_nor_loses_bookmarks_or_read_state(
) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let (seed, mut random) = kill_moments();

    let (_farm, opml) = start_farm(Duration::ZERO).await;
    let library = tempfile::tempdir().unwrap();
    let dir = library.path();
    let list = dir.join("farm.opml");
    std::fs::write(&list, opml).unwrap();
    run_to_end(dir, &["import-opml", list.to_str().unwrap()]).await;
    // A whole refresh, timed: the kills are spread over as long as one takes (and a little
    // more, so that some land after its end, when it writes its last pictures and exits).
    let whole = run_to_end(dir, &["refresh"]).await;
    let expected = set_personal_state(dir).await;
    check_library(dir, &expected, "before any kill").await;
    let spread = (whole.as_millis() as u64 * 6 / 5).max(1);
    eprintln!(
        "crash safety: {FEEDS} feeds x {ITEMS} stories with pictures over {HOSTS} hosts; \
         a whole refresh took {} ms; {} bookmarks, {} read",
        whole.as_millis(),
        expected.bookmarked.len(),
        expected.read.len()
    );

    let started = Instant::now();
    let mut finished_first = 0;
    for kill in 1..=KILLS {
        let delay = Duration::from_millis(random.below(spread));
        let mut child = broadsheet(dir, &["refresh"]).spawn().unwrap();
        tokio::time::sleep(delay).await;
        // An exit before the kill is counted: those runs show nothing about crashes.
        if child.try_wait().unwrap().is_some() {
            finished_first += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let what = format!("kill {kill} after {} ms (seed {seed})", delay.as_millis());
        check_library(dir, &expected, &what).await;
    }
    eprintln!(
        "crash safety: {KILLS} refreshes killed ({finished_first} had already ended) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The spread comes from one timed refresh, and the machine's load changes: half is the bar.
    assert!(
        finished_first * 2 <= KILLS,
        "most kills must land during a refresh ({finished_first} of {KILLS} had ended first)"
    );

    // The next refresh completes, and the library is still sound after it.
    let out = tokio::task::spawn_blocking({
        let mut cmd = broadsheet(dir, &["refresh", "--json"]);
        cmd.stdout(Stdio::piped());
        move || cmd.output()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(out.status.success(), "the refresh after the kills failed");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["feeds"], FEEDS, "{report}");
    assert_eq!(
        report["errors"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(report["new_articles"], FEEDS * ITEMS, "{report}");
    assert!(
        report["images_cached"].as_u64() >= Some((FEEDS * ITEMS) as u64),
        "{report}"
    );
    check_library(dir, &expected, "after the last refresh").await;
}

/// A script that records its process id in `pid_file`, then becomes the app (`exec` keeps the
/// id): WebKitWebDriver starts the app, so this is how the test learns which process to kill.
fn app_recording_its_pid(dir: &Path, pid_file: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("broadsheet-with-pid");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho $$ > '{}'\nexec '{}' \"$@\"\n",
            pid_file.display(),
            env!("CARGO_BIN_EXE_broadsheet")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_killed_during_its_refresh_starts_again_on_a_sound_library_with_the_stories() {
    use webdriver::{Driver, Session};
    let _alone = ONE_AT_A_TIME.lock().await;
    let Some(driver) = Driver::start() else {
        return;
    };
    let (_farm, opml) = start_farm(Duration::from_secs(1)).await;
    let library = tempfile::tempdir().unwrap();
    let dir = library.path();
    let list = dir.join("farm.opml");
    std::fs::write(&list, opml).unwrap();
    run_to_end(dir, &["import-opml", list.to_str().unwrap()]).await;

    // Feeds never refreshed: the window refreshes them as it starts.
    let tools = tempfile::tempdir().unwrap();
    let pid_file = tools.path().join("pid");
    let program = app_recording_its_pid(tools.path(), &pid_file);
    let s = Session::start_program(&driver, &program, dir).await;
    s.wait_for(
        "return document.getElementById('btn-refresh').classList.contains('is-spinning')",
        "the refresh to start",
    )
    .await;
    // The stories are in and the pictures (1 s each, 16 at a time) still coming: the kill lands
    // at a random moment of the next 8 s, while the window looks for icons and writes the pictures
    // that arrive.
    let (_, mut random) = kill_moments();
    s.wait_for(
        "if (!window.__asking) { window.__asking = true; \
               window.__TAURI__.core.invoke('list_articles', {query: {limit: 500}}) \
                 .then(l => { window.__stored = l.length; window.__asking = false; }); } \
             return window.__stored > 0 && window.__stored",
        "the refresh's first stories",
    )
    .await;
    let delay = random.below(8_000);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let killed = Command::new("kill")
        .args(["-KILL", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill -KILL {pid}");
    drop(s);
    drop(driver);

    check_library(
        dir,
        &PersonalState {
            bookmarked: BTreeSet::new(),
            read: BTreeSet::new(),
        },
        "the window killed",
    )
    .await;
    let after = Library::open(dir, LibraryConfig::default()).unwrap();
    let stories = first_page(&after).await;
    let stored = stories.len();
    let mut pictures = 0;
    for story in &stories {
        let article = after.article(story.id).await.unwrap();
        pictures += article.images.iter().filter(|i| i.cached).count();
    }
    drop(after);
    eprintln!(
        "crash safety: the window killed {delay} ms after its refresh's first stories: \
         {stored} stories and {pictures} pictures in; the library is sound"
    );
    // Started again, the window opens the library and shows its feeds and stories.
    let Some(driver) = Driver::start() else {
        return;
    };
    let s = Session::start(&driver, dir).await;
    s.wait_for(
        &format!(
            "return document.querySelectorAll('#sources .feed').length === {FEEDS} \
               && document.querySelectorAll('#list .row').length > 0"
        ),
        "the feeds and stories after the crash",
    )
    .await;
    s.quit().await;
}
