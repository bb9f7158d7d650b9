//! Benchmark: Broadsheet side by side with Newsboat on one loopback farm (issue 14).
//!
//! Both read the same farm (`support/farm.rs`: 500 RSS feeds × 50 items over 100 loopback hosts)
//! in the same run, in alternating order, each round waiting for a quiet machine (a one-minute
//! load under 0.5, for at most two minutes). Printed per round and as medians:
//! - the first import (every item new) and a refresh where every feed answers 304: Broadsheet's
//!   engine in this process (`Library::refresh`, what the command line's `refresh` runs before
//!   its pictures), Newsboat as `newsboat -x reload` with 16 reload threads; with the first
//!   import's CPU time (user and system: this process's, the farm's serving included, for
//!   Broadsheet; Newsboat's process's for Newsboat), which tells a slow machine from more work;
//! - the library on disk once closed (Broadsheet's folder without its picture cache, which
//!   Newsboat has no counterpart of, and Newsboat's cache file);
//! - the start of a command: `broadsheet --version`, `articles` and `search` on the imported
//!   library (wall time and peak resident memory from `/usr/bin/time`), beside
//!   `newsboat --version`.
//!
//! Reproduce (Newsboat 2.21 is Debian 12's):
//! `apt-get install newsboat time && cargo build --release &&
//!  cargo run --release -p broadsheet-engine --example versus_newsboat [FEEDS] [ITEMS] [ROUNDS]`
//! `BROADSHEET_BIN` names the `broadsheet` binary (default: the workspace's release build);
//! `BENCH_BUSY_OK=1` skips waiting for a quiet machine (figures then mean little).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use broadsheet_engine::library::{Library, LibraryConfig, IMAGES_DIR};

#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/farm.rs"]
mod farm;
use farm::{Farm, HOSTS};

type Error = Box<dyn std::error::Error>;

/// One round's figures for one tool, in seconds and bytes.
#[derive(Clone, Copy, Default)]
struct Figures {
    first: f64,
    /// The first import's CPU time (user and system): Broadsheet's process, the farm's serving
    /// included; Newsboat's process alone.
    first_cpu: f64,
    not_modified: f64,
    bytes: u64,
}

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (feeds, items, more) = farm::size_from_args();
    let rounds = more.first().copied().unwrap_or(5).max(1);
    let farm = Farm::start(feeds, items).await?;
    println!(
        "side by side: {feeds} feeds x {items} items over {HOSTS} loopback hosts, {rounds} rounds"
    );

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut kept_library = None;
    for round in 0..rounds {
        // Alternate who goes first, so neither always meets a warmer or busier machine.
        let broadsheet_first = round % 2 == 0;
        for turn in 0..2 {
            wait_for_quiet();
            if (turn == 0) == broadsheet_first {
                let (figures, dir) = broadsheet(&farm).await?;
                println!(
                    "  round {round} broadsheet: first {:.2} s ({:.2} s CPU), 304 {:.2} s, {:.1} MB",
                    figures.first,
                    figures.first_cpu,
                    figures.not_modified,
                    mb(figures.bytes)
                );
                ours.push(figures);
                kept_library = Some(dir);
            } else {
                let figures = newsboat(&farm)?;
                println!(
                    "  round {round} newsboat:   first {:.2} s ({:.2} s CPU), 304 {:.2} s, {:.1} MB",
                    figures.first,
                    figures.first_cpu,
                    figures.not_modified,
                    mb(figures.bytes)
                );
                theirs.push(figures);
            }
        }
    }
    let median_of = |all: &[Figures], f: fn(&Figures) -> f64| median(all.iter().map(f).collect());
    println!("medians:                  broadsheet    newsboat    newsboat / broadsheet");
    for (name, pick) in [
        (
            "first import (s)",
            (|f: &Figures| f.first) as fn(&Figures) -> f64,
        ),
        ("first import, CPU (s)", |f| f.first_cpu),
        ("refresh, all 304 (s)", |f| f.not_modified),
        ("library on disk (MB)", |f| mb(f.bytes)),
    ] {
        let (a, b) = (median_of(&ours, pick), median_of(&theirs, pick));
        println!("  {name:<22} {a:10.2} {b:11.2} {:14.2}x", b / a);
    }

    let Some(library) = kept_library else {
        return Ok(());
    };
    let bin = std::env::var_os("BROADSHEET_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/broadsheet")
        });
    let data_dir = library.path().to_string_lossy().into_owned();
    println!("command start (median of 20; peak resident memory):");
    for (name, program, args) in [
        ("broadsheet --version", bin.as_path(), vec!["--version"]),
        (
            "broadsheet articles",
            bin.as_path(),
            vec!["--data-dir", &data_dir, "articles"],
        ),
        (
            "broadsheet search",
            bin.as_path(),
            vec!["--data-dir", &data_dir, "articles", "--search", "markets"],
        ),
        (
            "newsboat --version",
            Path::new("newsboat"),
            vec!["--version"],
        ),
    ] {
        match start_cost(program, &args) {
            Ok((seconds, kb)) => {
                println!(
                    "  {name:<22} {:7.1} ms {:7.1} MB",
                    seconds * 1000.0,
                    kb as f64 / 1024.0
                )
            }
            Err(e) => println!("  {name:<22} not measured: {e}"),
        }
    }
    Ok(())
}

/// Broadsheet's round: a new library, the farm imported, refreshed twice. Returns the figures
/// and the closed library's folder (for the command-start figures).
async fn broadsheet(farm: &Farm) -> Result<(Figures, tempfile::TempDir), Error> {
    let dir = tempfile::tempdir()?;
    let library = Library::open(dir.path(), LibraryConfig::default())?;
    library.import_opml(&farm.opml()).await?;
    let quiet = |_| {};
    let (started, cpu_before) = (Instant::now(), cpu::process_cpu_ms());
    let report = library.refresh(None, &quiet).await?;
    let first = started.elapsed().as_secs_f64();
    let first_cpu = (cpu::process_cpu_ms() - cpu_before) / 1000.0;
    if !report.errors.is_empty() {
        return Err(format!("broadsheet: {} feeds failed", report.errors.len()).into());
    }
    let started = Instant::now();
    library.refresh(None, &quiet).await?;
    let not_modified = started.elapsed().as_secs_f64();
    drop(library);
    let bytes = folder_bytes(dir.path(), &[IMAGES_DIR]);
    Ok((
        Figures {
            first,
            first_cpu,
            not_modified,
            bytes,
        },
        dir,
    ))
}

/// Newsboat's round: a new cache, `-x reload` twice, off the async threads (it is a process).
fn newsboat(farm: &Farm) -> Result<Figures, Error> {
    let dir = tempfile::tempdir()?;
    let urls = dir.path().join("urls");
    std::fs::write(&urls, farm.urls.join("\n") + "\n")?;
    let config = dir.path().join("config");
    std::fs::write(&config, "reload-threads 16\nshow-read-feeds yes\n")?;
    let cache = dir.path().join("cache.db");
    // Each reload's wall time and CPU time (seconds).
    let reload = || -> Result<(f64, f64), Error> {
        let (started, cpu_before) = (Instant::now(), cpu::children_cpu_ms());
        let status = Command::new("newsboat")
            .env("HOME", dir.path())
            .arg("-u")
            .arg(&urls)
            .arg("-c")
            .arg(&cache)
            .arg("-C")
            .arg(&config)
            .args(["-x", "reload"])
            .status()?;
        if !status.success() {
            return Err(format!("newsboat -x reload: {status}").into());
        }
        let cpu = (cpu::children_cpu_ms() - cpu_before) / 1000.0;
        Ok((started.elapsed().as_secs_f64(), cpu))
    };
    let (first, first_cpu) = reload()?;
    let (not_modified, _) = reload()?;
    Ok(Figures {
        first,
        first_cpu,
        not_modified,
        bytes: folder_bytes(dir.path(), &["urls", "config"]),
    })
}

/// The median wall time (seconds) and peak resident memory (KB) of 20 runs of a command.
fn start_cost(program: &Path, args: &[&str]) -> Result<(f64, u64), Error> {
    let (mut seconds, mut kb) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e %M"])
            .arg(program)
            .args(args)
            .output()?;
        if !out.status.success() {
            return Err(format!("{} failed: {}", program.display(), out.status).into());
        }
        // `time` writes its line last on stderr; its %e has only 10 ms steps, so time here too.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        let peak = last.split_whitespace().nth(1).and_then(|k| k.parse().ok());
        kb.push(peak.ok_or("no figures from /usr/bin/time")?);
        let started = Instant::now();
        Command::new(program).args(args).output()?;
        seconds.push(started.elapsed().as_secs_f64());
    }
    kb.sort_unstable();
    Ok((median(seconds), kb[kb.len() / 2]))
}

/// Waits until the machine's one-minute load is under 0.5, for at most two minutes
/// (not at all with `BENCH_BUSY_OK=1`, for a quick try of the benchmark itself).
fn wait_for_quiet() {
    if std::env::var_os("BENCH_BUSY_OK").is_some() {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let load = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok());
        match load {
            Some(load) if load >= 0.5 && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_secs(5))
            }
            Some(load) if load >= 0.5 => {
                println!("  (the machine stayed busy: load {load:.2})");
                return;
            }
            _ => return,
        }
    }
}

/// Bytes of the files under `dir`, leaving out the entries named in `except` at its top.
fn folder_bytes(dir: &Path, except: &[&str]) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| !except.iter().any(|x| e.file_name() == *x))
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => folder_bytes(&e.path(), &[]),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}
