//! The headless command line: `broadsheet [--data-dir DIR] <command> [--json]`, and the
//! `broadsheet` program itself, which with no command starts the window's program.
//!
//! Every command is one engine call; this crate only parses arguments and prints. With
//! `--json` the output on stdout is machine-readable; errors always go to stderr, with a
//! non-zero exit code and nothing on stdout. It must never depend on Tauri or any GUI library:
//! `broadsheet --version` and `broadsheet articles` start in milliseconds because nothing of
//! the window is loaded (BENCHMARKS.md, "The command line"). The window's program parses its
//! arguments and opens the library with the same functions, so both agree on them.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use broadsheet_engine::credentials::CredentialPlace;
use broadsheet_engine::error_kind::ErrorKind;
use broadsheet_engine::library::{ExportFormat, FileAction, Library, LibraryConfig, LibraryError};
use broadsheet_engine::rules::{PatternKind, RuleAction, RuleField, RuleSpec};
use clap::{Parser, Subcommand};
use serde::Serialize;

mod handover;
mod reading;
mod text;
use handover::{hand_over, Handover};
pub use reading::ReadCommand;
use text::{
    accounts_text, article_text, articles_text, feeds_text, is_terminal_control, refresh_text,
    rules_text, sync_text, terminal_text,
};

/// Broadsheet: an offline-first news reader. Without a command it opens the window.
#[derive(Debug, Parser)]
#[command(name = "broadsheet", version)]
pub struct Cli {
    /// The library folder (default: the platform's app data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Subscribe to a feed, or to a site whose feed is found for you.
    Subscribe {
        /// A feed's address, or a site's address.
        url: String,
        /// Put the feed in this folder.
        #[arg(long, value_name = "NAME")]
        folder: Option<String>,
        /// Let the feed reach your local network by name (a NAS, a local bridge).
        #[arg(long)]
        local_network: bool,
        /// Subscribe on this sync account's server (which fetches the feed), then sync it.
        #[arg(long, value_name = "ID", conflicts_with = "local_network")]
        account: Option<i64>,
    },
    /// List the feeds a site offers, without subscribing.
    Discover {
        url: String,
        /// Look on your local network by name too.
        #[arg(long)]
        local_network: bool,
    },
    /// Fetch new stories from every feed, or from one.
    Refresh { feed_id: Option<i64> },
    /// The reading commands (`feeds`, `articles`, `show`), which `broadsheet` runs itself.
    #[command(flatten)]
    Read(ReadCommand),
    /// Open any web page as an article: fetched, the story extracted, cleaned and kept.
    Open { url: String },
    /// Write an article to a file: self-contained HTML (pictures inlined) or Markdown.
    Export {
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Html)]
        format: Format,
        /// Where to write it (default: stdout).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Keep an article for good.
    Bookmark { id: i64 },
    /// Remove an article's bookmark.
    Unbookmark { id: i64 },
    /// Mark an article read.
    MarkRead { id: i64 },
    /// Mark an article unread.
    MarkUnread { id: i64 },
    /// Mark every article (or a feed's) read.
    MarkAllRead {
        #[arg(long, value_name = "ID")]
        feed: Option<i64>,
    },
    /// Rename a feed (no name restores the feed's own title).
    Rename { feed_id: i64, name: Option<String> },
    /// Move a feed into a folder (no folder takes it out).
    Move {
        feed_id: i64,
        #[arg(long, value_name = "NAME")]
        folder: Option<String>,
    },
    /// Always fetch the full story from each item's page for this feed (on), or only for teasers (off).
    FullStory {
        feed_id: i64,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Let a feed reach your local network by name (on), or only the internet (off).
    FeedLocalNetwork {
        feed_id: i64,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Hear of a feed's new stories after each refresh (on), or not (off, the default).
    Notify {
        feed_id: i64,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Add or remove a rule (mute, mark read, bookmark or announce matching stories).
    #[command(subcommand)]
    Rule(RuleCommand),
    /// List the rules; import or export them as Miniflux rule lines.
    Rules {
        #[command(subcommand)]
        command: Option<RulesCommand>,
    },
    /// Unsubscribe from a feed; its bookmarked articles stay.
    Unsubscribe { feed_id: i64 },
    /// Subscribe to every feed of an OPML file, with its folders.
    ImportOpml { file: PathBuf },
    /// Write the subscriptions as OPML, to a file or stdout.
    ExportOpml { file: Option<PathBuf> },
    /// Remove read, unbookmarked articles older than the retention period.
    Prune,
    /// Show the settings, or change them with `--set KEY=VALUE` (repeatable).
    Settings {
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Sync accounts: a server holding your subscriptions (Miniflux, FreshRSS, ...).
    #[command(subcommand)]
    Account(AccountCommand),
    /// Sync every account with its server now (a refresh does it too).
    Sync,
}

/// What `account` does.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account after logging in; the password is read from stdin, never an argument.
    Add {
        /// The protocol: greader (the Google Reader API).
        #[arg(long, value_parser = ["greader"])]
        kind: String,
        /// The server's address, as any Reader API client takes it.
        #[arg(long, value_name = "URL")]
        url: String,
        #[arg(long, value_name = "NAME")]
        user: String,
        /// Read the (API) password from the first line of stdin.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the accounts, with their last sync and error.
    List,
    /// Remove an account: its feeds and stories go, its bookmarks stay.
    Remove { id: i64 },
}

/// `broadsheet rule ...`
#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Add a rule; it applies to the stories already stored too.
    Add {
        /// What to match: FIELD=PATTERN, FIELD one of title, text, author, url, category, any;
        /// PATTERN a regular expression, as in Miniflux's rule lines (`(?i)` for any case).
        #[arg(long = "match", value_name = "FIELD=PATTERN")]
        matching: String,
        /// Only this feed's stories.
        #[arg(long, value_name = "ID", conflicts_with = "folder")]
        feed: Option<i64>,
        /// Only the stories of this folder's feeds.
        #[arg(long, value_name = "NAME")]
        folder: Option<String>,
        #[arg(long, value_parser = ["hide", "read", "bookmark", "notify"], default_value = "hide")]
        action: String,
        /// Kept but no longer applied from this time on (RFC 3339, e.g. 2026-12-01T00:00:00Z).
        #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
        until: Option<chrono::DateTime<chrono::Utc>>,
        /// Say how many stored stories it would match, without saving it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove a rule; the stories only it hid come back.
    Remove { id: i64 },
}

/// `broadsheet rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Add a `hide` rule for each line of a file of Miniflux rule lines (`EntryTitle=(?i)ad`).
    Import { file: PathBuf },
    /// Print the `hide` rules that apply everywhere as Miniflux rule lines.
    Export,
}

fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 time ({e})"))
}

/// The app's identifier, as in tauri.conf.json: it names the library folder on every platform.
pub const APP_IDENTIFIER: &str = "app.broadsheet.reader";

/// The window's program, installed beside `broadsheet` by every installer (Tauri's main binary,
/// `default-run` in Cargo.toml).
pub const WINDOW_PROGRAM: &str = "broadsheet-window";

/// How the window and the command line open a library: passwords given in feed addresses go
/// to the system's credential store, or where there is none to [`credentials_file`]; with
/// `BROADSHEET_CREDENTIALS_FILE` set, only to that file (tests, and machines without one).
pub fn library_config() -> LibraryConfig {
    let credentials =
        match std::env::var_os("BROADSHEET_CREDENTIALS_FILE").filter(|f| !f.is_empty()) {
            Some(file) => CredentialPlace::File(PathBuf::from(file)),
            None => credentials_file().map_or(CredentialPlace::Nowhere, |fallback| {
                CredentialPlace::System { fallback }
            }),
        };
    LibraryConfig {
        credentials,
        ..LibraryConfig::default()
    }
}

/// The file passwords are kept in where the system has no credential store: in the user's
/// configuration folder, never the library folder (which is copied, synced and shared).
pub fn credentials_file() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("broadsheet").join("credentials"))
}

/// Logs go to stderr only when asked for with `BROADSHEET_LOG` (e.g. `BROADSHEET_LOG=debug`).
pub fn init_logging() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("BROADSHEET_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// The `broadsheet` program. The reading commands run here, on the library opened for reading
/// only; every other command, and no command (the window), is handed to the window's program
/// found beside this one with the same arguments, so a second launch still reaches a running
/// window and the network half of the engine ships once, in that program.
pub fn main() -> ExitCode {
    init_logging();
    let mut cli = Cli::parse();
    let handover = match cli.command.take() {
        None => Handover::Window,
        Some(Command::Read(command)) => match reading::run(&cli, command) {
            Some(code) => return code,
            None => Handover::Command,
        },
        Some(_) => Handover::Command,
    };
    hand_over(std::env::args_os().skip(1).collect(), handover, cli.json)
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Markdown,
}

/// The library folder when `--data-dir` is not given: `BROADSHEET_DATA_DIR` if set, else the
/// platform's app data folder (the same one the window uses).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BROADSHEET_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(APP_IDENTIFIER)
}

#[derive(Serialize)]
struct ErrorOut {
    kind: ErrorKind,
    message: String,
}

/// Runs one headless command and returns the process's exit code.
pub fn run(cli: Cli, command: Command) -> ExitCode {
    let json = cli.json;
    let dir = cli.data_dir.unwrap_or_else(default_data_dir);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(json, ErrorKind::Internal, format!("cannot start: {e}")),
    };
    let result = runtime.block_on(async {
        let library = Library::open(&dir, library_config())?;
        execute(&library, command, json).await
    });
    finish(result, json)
}

/// Prints a command's output, or its error, and gives the process's exit code.
fn finish(result: Result<String, LibraryError>, json: bool) -> ExitCode {
    match result {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(terminal_text(&out).as_bytes());
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(e) => fail(json, e.kind(), e.to_string()),
    }
}

fn fail(json: bool, kind: ErrorKind, message: String) -> ExitCode {
    let message = terminal_text(&message).into_owned();
    if json {
        let out = serde_json::to_string(&ErrorOut { kind, message })
            .unwrap_or_else(|_| String::from("{\"kind\":\"internal\"}"));
        eprintln!("{out}");
    } else {
        eprintln!("broadsheet: {message}");
    }
    ExitCode::FAILURE
}

/// `value` as pretty JSON. serde escapes C0 controls in strings; DEL and C1 controls are
/// escaped here too (`\u009b`), so the data survives [`terminal_text`] intact.
fn to_json<T: Serialize>(value: &T) -> Result<String, LibraryError> {
    let json =
        serde_json::to_string_pretty(value).map_err(|e| LibraryError::Internal(e.to_string()))?;
    let mut out = String::with_capacity(json.len() + 1);
    for c in json.chars() {
        if is_terminal_control(c) && c != '\n' {
            // Outside strings serde writes only ASCII punctuation, spaces and newlines, so a
            // control here is inside a string, where an escape means the same character.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    Ok(out)
}

async fn execute(lib: &Library, command: Command, json: bool) -> Result<String, LibraryError> {
    match command {
        Command::Subscribe {
            url,
            folder,
            account: Some(account),
            ..
        } => {
            let report = lib
                .subscribe_in_account(account, &url, folder.as_deref())
                .await?;
            lib.follow_up(&|_| {}).await?;
            if json {
                return to_json(&report);
            }
            Ok(sync_text(&report))
        }
        Command::Subscribe {
            url,
            folder,
            local_network,
            account: None,
        } => {
            let mut sub = lib
                .subscribe_with(&url, folder.as_deref(), local_network)
                .await?;
            // The full stories, icon and pictures follow the subscription; the command line
            // waits for them, and shows the feed as they left it.
            lib.follow_up(&|_| {}).await?;
            if let Some(feed) = lib.feeds().await?.into_iter().find(|f| f.id == sub.feed.id) {
                sub.feed = feed;
            }
            if json {
                return to_json(&sub);
            }
            let verb = if sub.created {
                "Subscribed to"
            } else {
                "Already subscribed to"
            };
            Ok(format!(
                "{verb} {} (feed {}, {} unread)\n  {}\n",
                sub.feed.title, sub.feed.id, sub.feed.unread, sub.feed.url
            ))
        }
        Command::Discover { url, local_network } => {
            let found = lib.discover_with(&url, local_network).await?;
            if json {
                return to_json(&found);
            }
            if found.is_empty() {
                return Ok(format!("No feed found at {url}\n"));
            }
            Ok(found
                .iter()
                .map(|f| match &f.title {
                    Some(t) => format!("{}  {t}\n", f.url),
                    None => format!("{}\n", f.url),
                })
                .collect())
        }
        Command::Refresh { feed_id } => {
            let show_progress = !json && std::io::stderr().is_terminal();
            let progress = move |p: broadsheet_engine::model::RefreshProgress| {
                if show_progress {
                    eprint!("\rRefreshing: {} of {} feeds", p.done, p.total);
                    if p.done == p.total {
                        eprintln!();
                    }
                }
            };
            let mut report = lib.refresh(feed_id, &progress).await?;
            report.images_cached = lib.follow_up(&|_| {}).await?.pictures;
            if json {
                return to_json(&report);
            }
            Ok(refresh_text(&report))
        }
        Command::Read(command) => reading::execute(&lib.reading(), command, json),
        Command::Open { url } => {
            let article = lib.open_link(&url, None).await?;
            if json {
                return to_json(&article);
            }
            Ok(article_text(&article))
        }
        Command::Export { id, format, output } => {
            let format = match format {
                Format::Html => ExportFormat::Html,
                Format::Markdown => ExportFormat::Markdown,
            };
            let text = lib.export_article(id, format).await?;
            match output {
                None => Ok(text),
                Some(path) => write_file(path, text, json),
            }
        }
        Command::Bookmark { id } => state_change(lib, id, json, lib.set_bookmarked(id, true)).await,
        Command::Unbookmark { id } => {
            state_change(lib, id, json, lib.set_bookmarked(id, false)).await
        }
        Command::MarkRead { id } => state_change(lib, id, json, lib.set_read(id, true)).await,
        Command::MarkUnread { id } => state_change(lib, id, json, lib.set_read(id, false)).await,
        Command::MarkAllRead { feed } => {
            let marked = lib.mark_all_read(feed).await?;
            if json {
                return to_json(&serde_json::json!({ "marked": marked }));
            }
            Ok(format!("Marked {marked} articles read\n"))
        }
        Command::Rename { feed_id, name } => {
            lib.rename_feed(feed_id, name).await?;
            feed_out(lib, feed_id, json).await
        }
        Command::Move { feed_id, folder } => {
            lib.move_feed(feed_id, folder).await?;
            feed_out(lib, feed_id, json).await
        }
        Command::FullStory { feed_id, state } => {
            lib.set_full_story(feed_id, state == "on").await?;
            feed_out(lib, feed_id, json).await
        }
        Command::FeedLocalNetwork { feed_id, state } => {
            lib.set_local_network(feed_id, state == "on").await?;
            feed_out(lib, feed_id, json).await
        }
        Command::Notify { feed_id, state } => {
            lib.set_feed_notify(feed_id, state == "on").await?;
            feed_out(lib, feed_id, json).await
        }
        Command::Rule(RuleCommand::Add {
            matching,
            feed,
            folder,
            action,
            until,
            dry_run,
        }) => {
            let (field, pattern) = matching.split_once('=').unwrap_or((&matching, ""));
            let spec = RuleSpec {
                field: RuleField::parse(field)?,
                pattern: pattern.to_string(),
                kind: PatternKind::Regex,
                feed_id: feed,
                folder,
                action: RuleAction::parse(&action)?,
                until,
            };
            if dry_run {
                let would_match = lib.count_rule_matches(spec).await?;
                if json {
                    return to_json(&serde_json::json!({ "would_match": would_match }));
                }
                return Ok(format!("Would match {would_match} stored stories\n"));
            }
            let rule = lib.add_rule(spec).await?;
            if json {
                return to_json(&rule);
            }
            Ok(rules_text(std::slice::from_ref(&rule)))
        }
        Command::Rule(RuleCommand::Remove { id }) => {
            let rule = lib.remove_rule(id).await?;
            if json {
                return to_json(&rule);
            }
            Ok(format!("Removed rule {id}\n"))
        }
        Command::Rules { command: None } => {
            let rules = lib.rules().await?;
            if json {
                return to_json(&rules);
            }
            Ok(rules_text(&rules))
        }
        Command::Rules {
            command: Some(RulesCommand::Import { file }),
        } => {
            let text = read_file(&file)?;
            let report = lib.import_rules(&text).await?;
            if json {
                return to_json(&report);
            }
            let mut out = format!("Imported {} rules\n", report.added.len());
            for s in &report.skipped {
                out.push_str(&format!("  line {} skipped: {}\n", s.line, s.reason));
            }
            Ok(out)
        }
        Command::Rules {
            command: Some(RulesCommand::Export),
        } => lib.export_rules().await,
        Command::Unsubscribe { feed_id } => {
            lib.unsubscribe(feed_id).await?;
            if json {
                return to_json(&serde_json::json!({ "unsubscribed": feed_id }));
            }
            Ok(format!("Unsubscribed from feed {feed_id}\n"))
        }
        Command::ImportOpml { file } => {
            let text = read_file(&file)?;
            let report = lib.import_opml(&text).await?;
            if json {
                return to_json(&report);
            }
            Ok(format!(
                "Imported {} feeds ({} already subscribed, {} skipped). Run `broadsheet refresh` to fetch them.\n",
                report.added, report.already_subscribed, report.skipped
            ))
        }
        Command::ExportOpml { file } => {
            let opml = lib.export_opml().await?;
            match file {
                None => Ok(opml),
                Some(path) => write_file(path, opml, json),
            }
        }
        Command::Settings { set } => {
            let mut settings = lib.settings().await?;
            if !set.is_empty() {
                let mut value = serde_json::to_value(&settings)
                    .map_err(|e| LibraryError::Internal(e.to_string()))?;
                for pair in &set {
                    let (key, raw) =
                        pair.split_once('=')
                            .ok_or_else(|| LibraryError::InvalidSetting {
                                message: format!("expected KEY=VALUE, got {pair:?}"),
                            })?;
                    let slot = value
                        .get_mut(key)
                        .ok_or_else(|| LibraryError::InvalidSetting {
                            message: format!("no setting named {key:?}"),
                        })?;
                    *slot = if slot.is_boolean() {
                        serde_json::Value::from(raw.parse::<bool>().map_err(|_| {
                            LibraryError::InvalidSetting {
                                message: format!("{key} takes true or false, not {raw:?}"),
                            }
                        })?)
                    } else if slot.is_number() {
                        serde_json::Value::from(raw.parse::<u64>().map_err(|_| {
                            LibraryError::InvalidSetting {
                                message: format!("{key} takes a whole number, not {raw:?}"),
                            }
                        })?)
                    } else if slot.is_boolean() {
                        serde_json::Value::from(raw.parse::<bool>().map_err(|_| {
                            LibraryError::InvalidSetting {
                                message: format!("{key} takes true or false, not {raw:?}"),
                            }
                        })?)
                    } else {
                        serde_json::Value::from(raw)
                    };
                }
                let wanted: broadsheet_engine::model::Settings = serde_json::from_value(value)
                    .map_err(|e| LibraryError::InvalidSetting {
                        message: e.to_string(),
                    })?;
                settings = lib.save_settings(wanted).await?;
            }
            if json {
                return to_json(&settings);
            }
            let value = serde_json::to_value(&settings)
                .map_err(|e| LibraryError::Internal(e.to_string()))?;
            let mut out = String::new();
            if let Some(map) = value.as_object() {
                for (k, v) in map {
                    out.push_str(&format!("{k} = {v}\n"));
                }
            }
            Ok(out)
        }
        Command::Account(AccountCommand::Add {
            kind, url, user, ..
        }) => {
            let password = password_from_stdin()?;
            let account = lib.add_account(&kind, &url, &user, &password).await?;
            let added = serde_json::json!({
                "id": account.id, "kind": account.kind, "url": account.url, "user": account.user,
            });
            if json {
                return to_json(&added);
            }
            Ok(format!(
                "Added account {} ({} at {}). Run `broadsheet sync` to bring in its feeds.\n",
                account.id, account.user, account.url
            ))
        }
        Command::Account(AccountCommand::List) => {
            let accounts = lib.accounts().await?;
            if json {
                return to_json(&accounts);
            }
            Ok(accounts_text(&accounts))
        }
        Command::Account(AccountCommand::Remove { id }) => {
            lib.remove_account(id).await?;
            if json {
                return to_json(&serde_json::json!({ "removed": id }));
            }
            Ok(format!("Removed account {id}; its bookmarks stay\n"))
        }
        Command::Sync => {
            let report = lib.sync(None).await?;
            // Pictures of the new stories follow, as after a refresh.
            lib.follow_up(&|_| {}).await?;
            if json {
                return to_json(&report);
            }
            Ok(sync_text(&report))
        }
        Command::Prune => {
            let pruned = lib.prune().await?;
            if json {
                return to_json(&serde_json::json!({ "pruned": pruned }));
            }
            Ok(format!("Pruned {pruned} articles\n"))
        }
    }
}

async fn state_change(
    lib: &Library,
    id: i64,
    json: bool,
    change: impl std::future::Future<Output = Result<(), LibraryError>>,
) -> Result<String, LibraryError> {
    change.await?;
    let article = lib.article(id).await?;
    if json {
        return to_json(&article.summary);
    }
    Ok(articles_text(std::slice::from_ref(&article.summary)))
}

async fn feed_out(lib: &Library, id: i64, json: bool) -> Result<String, LibraryError> {
    let feed = lib
        .feeds()
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(LibraryError::Store(
            broadsheet_engine::store::StoreError::NoSuchFeed(id),
        ))?;
    if json {
        return to_json(&feed);
    }
    Ok(feeds_text(std::slice::from_ref(&feed)))
}

/// The text of a file the person named; an error names that file.
fn read_file(path: &std::path::Path) -> Result<String, LibraryError> {
    std::fs::read_to_string(path).map_err(|source| LibraryError::File {
        action: FileAction::Read,
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `text` to `path`, answering as the command line does for a written file.
fn write_file(path: PathBuf, text: String, json: bool) -> Result<String, LibraryError> {
    std::fs::write(&path, text).map_err(|source| LibraryError::File {
        action: FileAction::Write,
        path: path.clone(),
        source,
    })?;
    if json {
        return to_json(&serde_json::json!({ "path": path }));
    }
    Ok(format!("Wrote {}\n", path.display()))
}

/// The password on the first line of stdin, without its line ending.
fn password_from_stdin() -> Result<String, LibraryError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| LibraryError::InvalidSetting {
            message: format!("cannot read the password from stdin: {e}"),
        })?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(LibraryError::InvalidSetting {
            message: "no password on stdin".to_owned(),
        });
    }
    Ok(password)
}
