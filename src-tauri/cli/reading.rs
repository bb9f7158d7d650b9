//! The reading commands (`feeds`, `articles` with or without `--search`, `show`): `broadsheet`
//! runs them itself on the library opened for reading only ([`Reading`]), so they link and start
//! nothing of the network, the credential store or an async runtime (BENCHMARKS.md, "The
//! command line"). The window's program runs them through the same [`execute`].
//!
//! Never opens a [`broadsheet_engine::library::Library`]: a command that needs one is handed
//! over to the window's program, whose build carries the rest of the engine.

use std::process::ExitCode;

use broadsheet_engine::library::{LibraryError, Reading};
use broadsheet_engine::model::ArticleQuery;
use clap::Subcommand;

use super::text::{article_text, articles_text, feeds_text};
use super::{default_data_dir, fail, finish, to_json, Cli};

/// The commands that only read the library.
#[derive(Debug, Subcommand)]
pub enum ReadCommand {
    /// List the feeds.
    Feeds,
    /// List articles, newest first (best match first with --search).
    Articles {
        #[arg(long, value_name = "ID")]
        feed: Option<i64>,
        #[arg(long)]
        unread: bool,
        #[arg(long)]
        bookmarked: bool,
        /// Only the stories rules hid.
        #[arg(long)]
        hidden: bool,
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
        /// One entry per story (the same event from several outlets), with its outlet count.
        #[arg(long)]
        stories: bool,
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: u32,
        #[arg(long, value_name = "N", default_value_t = 0)]
        offset: u32,
    },
    /// Show one article.
    Show { id: i64 },
}

/// Runs `command` on the library opened for reading; `None` when the library needs a step only
/// the whole library takes first (an older library's passwords to move out of its addresses).
pub(super) fn run(cli: &Cli, command: ReadCommand) -> Option<ExitCode> {
    let dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    match Reading::open(&dir) {
        Ok(Some(reading)) => Some(finish(execute(&reading, command, cli.json), cli.json)),
        Ok(None) => None,
        Err(e) => Some(fail(cli.json, e.kind(), e.to_string())),
    }
}

/// The output of one reading command, as text or (with `json`) JSON.
pub(super) fn execute(
    reading: &Reading,
    command: ReadCommand,
    json: bool,
) -> Result<String, LibraryError> {
    match command {
        ReadCommand::Feeds => {
            let feeds = reading.feeds()?;
            if json {
                return to_json(&feeds);
            }
            Ok(feeds_text(&feeds))
        }
        ReadCommand::Articles {
            feed,
            unread,
            bookmarked,
            hidden,
            search,
            stories,
            limit,
            offset,
        } => {
            let query = ArticleQuery {
                feed_id: feed,
                folder: None,
                unread_only: unread,
                bookmarked_only: bookmarked,
                hidden_only: hidden,
                search,
                stories,
                limit: Some(limit),
                offset: Some(offset),
            };
            let list = reading.articles(&query)?;
            if json {
                return to_json(&list);
            }
            Ok(articles_text(&list))
        }
        ReadCommand::Show { id } => {
            let article = reading.article(id)?;
            if json {
                return to_json(&article);
            }
            Ok(article_text(&article))
        }
    }
}
