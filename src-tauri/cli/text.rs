//! What the command line prints as text (without `--json`): every report and list as
//! readable lines, and the one filter all of it passes through so that nothing a feed wrote can
//! act on the terminal.
//!
//! Owns the wording and layout of the text output. Never calls the engine and never prints.

use std::borrow::Cow;

use broadsheet_engine::model::{Account, Article, ArticleSummary, Feed, RefreshReport, SyncReport};
use broadsheet_engine::rules::Rule;

/// Whether a terminal may act on `c` instead of showing it: C0 controls (ESC among them, so
/// CSI and OSC sequences such as OSC 52, which writes the clipboard), DEL and the C1 controls
/// (U+0080 to U+009F, which some terminals read as CSI and OSC too).
pub(super) fn is_terminal_control(c: char) -> bool {
    c.is_control()
}

/// Text as it may reach a terminal: every control character a feed could use to clear the
/// screen, move the cursor or write the clipboard removed, newline and tab kept for the layout.
/// Everything the command line prints passes through here, whatever the command.
pub(super) fn terminal_text(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_terminal_control(c) && c != '\n' && c != '\t';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !unsafe_char(c)).collect())
}

pub(super) fn refresh_text(r: &RefreshReport) -> String {
    let mut out = format!(
        "Refreshed {} feeds: {} new, {} updated articles; {} unchanged; {} failed; {} pictures saved\n",
        r.feeds,
        r.new_articles,
        r.updated_articles,
        r.not_modified,
        r.errors.len(),
        r.images_cached
    );
    if r.notify.count > 0 {
        out.push_str(&format!(
            "  {} new stories to announce: {}\n",
            r.notify.count,
            r.notify.titles.join(", ")
        ));
    }
    if r.network_down {
        out.push_str("  No feed could reach its server: the network seems down. The feeds' health is left as it was.\n");
    }
    for e in &r.errors {
        out.push_str(&format!(
            "  feed {}: {} ({})\n",
            e.feed_id, e.message, e.kind
        ));
    }
    out
}

pub(super) fn accounts_text(accounts: &[Account]) -> String {
    if accounts.is_empty() {
        return "No accounts. Add one with `broadsheet account add`.\n".into();
    }
    let mut out = String::new();
    for a in accounts {
        let synced = a.last_sync.map_or("never synced".to_owned(), |t| {
            format!("synced {}", t.to_rfc3339())
        });
        out.push_str(&format!(
            "{:>5}  {} {} at {} ({synced})\n",
            a.id, a.kind, a.user, a.url
        ));
        if let Some(e) = &a.error {
            out.push_str(&format!(
                "       last sync failed: {} ({})\n",
                e.message, e.kind
            ));
        }
    }
    out
}

pub(super) fn sync_text(r: &SyncReport) -> String {
    let mut out = format!(
        "Synced {} accounts: {} feeds added, {} removed; {} new articles; {} edits pushed; {} states pulled\n",
        r.accounts, r.feeds_added, r.feeds_removed, r.new_articles, r.pushed, r.pulled
    );
    for e in &r.errors {
        out.push_str(&format!(
            "  account {}: {} ({})\n",
            e.account_id, e.message, e.kind
        ));
    }
    out
}

pub(super) fn rules_text(rules: &[Rule]) -> String {
    if rules.is_empty() {
        return "No rules. Add one with `broadsheet rule add --match title=PATTERN`.\n".into();
    }
    let mut out = String::new();
    for r in rules {
        let s = &r.spec;
        out.push_str(&format!(
            "{:>5}  {:<8} {} ~ {}",
            r.id,
            s.action.as_str(),
            s.field.as_str(),
            s.pattern
        ));
        if let Some(feed) = s.feed_id {
            out.push_str(&format!("  [feed {feed}]"));
        }
        if let Some(folder) = &s.folder {
            out.push_str(&format!("  [folder {folder}]"));
        }
        if let Some(until) = s.until {
            out.push_str(&format!("  until {}", until.to_rfc3339()));
        }
        out.push('\n');
    }
    out
}

pub(super) fn feeds_text(feeds: &[Feed]) -> String {
    if feeds.is_empty() {
        return "No feeds yet. Add one with `broadsheet subscribe URL`.\n".into();
    }
    let mut out = String::new();
    for f in feeds {
        let folder = f
            .folder
            .as_deref()
            .map(|n| format!(" [{n}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>5}  {:>5} unread  {}{}\n       {}\n",
            f.id, f.unread, f.title, folder, f.url
        ));
        if let Some(e) = &f.error {
            out.push_str(&format!("       last refresh failed: {}\n", e.message));
        }
    }
    out
}

pub(super) fn articles_text(list: &[ArticleSummary]) -> String {
    if list.is_empty() {
        return "No articles.\n".into();
    }
    let mut out = String::new();
    for a in list {
        let mark = match (a.read, a.bookmarked) {
            (_, true) => '*',
            (false, false) => '•',
            (true, false) => ' ',
        };
        out.push_str(&format!(
            "{:>7} {} {}  {}",
            a.id,
            mark,
            a.published.format("%Y-%m-%d %H:%M"),
            a.title
        ));
        if let Some(feed) = &a.feed_title {
            out.push_str(&format!("  — {feed}"));
        }
        if a.outlets > 1 {
            out.push_str(&format!("  (+{} outlets)", a.outlets - 1));
        }
        out.push('\n');
    }
    out
}

pub(super) fn article_text(a: &Article) -> String {
    let s = &a.summary;
    let mut out = format!("{}\n", s.title);
    let mut meta = Vec::new();
    if let Some(feed) = &s.feed_title {
        meta.push(feed.clone());
    }
    if let Some(author) = &s.author {
        meta.push(author.clone());
    }
    meta.push(s.published.to_rfc3339());
    out.push_str(&meta.join(" · "));
    out.push('\n');
    if let Some(url) = &s.url {
        out.push_str(url);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(a.text.trim());
    out.push('\n');
    if !a.related.is_empty() {
        out.push_str("\nRelated:\n");
        for r in &a.related {
            out.push_str(&format!("  {}  {}\n", r.title, r.url));
        }
    }
    if !a.coverage.is_empty() {
        out.push_str("\nAlso covered by:\n");
        for c in &a.coverage {
            let outlet = c.feed_title.as_deref().unwrap_or("");
            out.push_str(&format!("  {:>7}  {}  — {outlet}\n", c.id, c.title));
        }
    }
    out
}
