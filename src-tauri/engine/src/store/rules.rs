//! Rules and what they decided for each story: the `rules` table, the hidden and notify marks
//! on `article_state`, each feed's "notify me", and the notification batch.
//!
//! Stores and reads; never matches a pattern (that is `rules`, called by `library`), so the
//! marks written here are whatever the caller decided. A bookmarked story is never hidden, and
//! a story is announced at most once (`notify` goes 1 → 2, never back).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::packed::{self, Unpacked, Upto};
use super::{to_time, Result, Store, StoreError};
use crate::model::{ArticleId, FeedId};
use crate::rules::{PatternKind, Rule, RuleAction, RuleField, RuleId, RuleSpec, Subject};

/// What changed when rules were matched again against the stored stories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleMarks {
    pub hide: Vec<ArticleId>,
    pub show: Vec<ArticleId>,
    pub read: Vec<ArticleId>,
    pub bookmark: Vec<ArticleId>,
}

/// The stories one notification announces, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueStories {
    pub ids: Vec<ArticleId>,
    pub titles: Vec<String>,
}

/// One stored story as the rules see it, with its current marks.
pub struct StoredSubject<'a> {
    pub id: ArticleId,
    pub subject: Subject<'a>,
    pub bookmarked: bool,
    pub hidden: bool,
}

impl Store {
    /// Every rule, oldest first.
    pub fn rules(&self) -> Result<Vec<Rule>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached(&format!("SELECT {RULE_COLUMNS} FROM rules ORDER BY id"))?;
            let rows = stmt
                .query_map([], rule_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// One rule.
    pub fn rule(&self, id: RuleId) -> Result<Rule> {
        self.read(|c| one_rule(c, id))
    }

    /// Stores a new rule (already checked by the caller).
    pub fn add_rule(&self, spec: &RuleSpec, now: DateTime<Utc>) -> Result<Rule> {
        self.write(|tx| {
            write_spec(
                tx,
                "INSERT INTO rules (created_at, field, pattern, kind, feed_id, folder, action, until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                now.timestamp(),
                spec,
            )?;
            one_rule(tx, tx.last_insert_rowid())
        })
    }

    /// Replaces a rule's match, scope, action and expiry.
    pub fn update_rule(&self, id: RuleId, spec: &RuleSpec) -> Result<Rule> {
        self.write(|tx| {
            let n = write_spec(
                tx,
                "UPDATE rules SET field = ?2, pattern = ?3, kind = ?4, feed_id = ?5, folder = ?6,
                        action = ?7, until = ?8, lapsed = 0
                 WHERE id = ?1",
                id,
                spec,
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchRule(id));
            }
            one_rule(tx, id)
        })
    }

    /// Removes a rule, returning it.
    pub fn remove_rule(&self, id: RuleId) -> Result<Rule> {
        self.write(|tx| {
            let rule = one_rule(tx, id)?;
            tx.execute("DELETE FROM rules WHERE id = ?1", [id])?;
            Ok(rule)
        })
    }

    /// Notes the rules that have expired since last asked; `true` when there were any, so the
    /// stories they hid are matched again once, not at every refresh.
    pub fn lapse_expired_rules(&self, now: DateTime<Utc>) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE rules SET lapsed = 1 WHERE lapsed = 0 AND until IS NOT NULL AND until <= ?1",
                [now.timestamp()],
            )?;
            Ok(n > 0)
        })
    }

    /// Calls `f` with every stored story (of a feed or not) as the rules see it; without
    /// `with_text` its summary and story are left empty (the longest columns, read only for
    /// rules that look there).
    pub fn for_each_rule_subject(
        &self,
        with_text: bool,
        mut f: impl FnMut(StoredSubject),
    ) -> Result<()> {
        self.read(|c| {
            let mut stmt = c.prepare(if with_text {
                "SELECT a.id, a.feed_id, d.name, a.title, a.body, a.author, a.url,
                        a.categories, s.bookmarked, s.hidden
                 FROM articles a JOIN article_state s ON s.article_id = a.id
                 LEFT JOIN feeds f ON f.id = a.feed_id LEFT JOIN folders d ON d.id = f.folder_id"
            } else {
                "SELECT a.id, a.feed_id, d.name, a.title, NULL, a.author, a.url,
                        a.categories, s.bookmarked, s.hidden
                 FROM articles a JOIN article_state s ON s.article_id = a.id
                 LEFT JOIN feeds f ON f.id = a.feed_id LEFT JOIN folders d ON d.id = f.folder_id"
            })?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let folder: Option<String> = r.get(2)?;
                let title: String = r.get(3)?;
                let Unpacked { excerpt, text, .. } = if with_text {
                    packed::column(r, 4, Upto::Text)?
                } else {
                    Unpacked::default()
                };
                let author: Option<String> = r.get(5)?;
                let url: Option<String> = r.get(6)?;
                let categories = categories_from(r.get(7)?);
                f(StoredSubject {
                    id: r.get(0)?,
                    subject: Subject {
                        feed_id: r.get(1)?,
                        folder: folder.as_deref(),
                        title: &title,
                        summary: &excerpt,
                        text: &text,
                        author: author.as_deref(),
                        url: url.as_deref(),
                        categories: &categories,
                    },
                    bookmarked: r.get(8)?,
                    hidden: r.get(9)?,
                });
            }
            Ok(())
        })
    }

    /// Writes what matching the rules again decided, in one transaction. A story bookmarked
    /// meanwhile is not hidden.
    pub fn set_rule_marks(&self, marks: &RuleMarks, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            let stamp = now.timestamp();
            let mut bookmark = tx.prepare_cached(
                "UPDATE article_state SET bookmarked = 1, bookmarked_at = ?2, hidden = 0
                 WHERE article_id = ?1 AND bookmarked = 0",
            )?;
            for id in &marks.bookmark {
                bookmark.execute(params![id, stamp])?;
            }
            let mut read = tx.prepare_cached(
                "UPDATE article_state SET read = 1, read_at = ?2 WHERE article_id = ?1 AND read = 0",
            )?;
            for id in &marks.read {
                read.execute(params![id, stamp])?;
            }
            let mut hide = tx.prepare_cached(
                "UPDATE article_state SET hidden = ?2 WHERE article_id = ?1 AND (bookmarked = 0 OR ?2 = 0)",
            )?;
            for (ids, hidden) in [(&marks.hide, true), (&marks.show, false)] {
                for id in ids {
                    hide.execute(params![id, hidden])?;
                }
            }
            Ok(())
        })
    }

    /// Sets whether the person hears of a feed's new stories.
    pub fn set_feed_notify(&self, id: FeedId, on: bool) -> Result<()> {
        self.set_feed_flag(id, "notify", on)
    }

    /// The stories due to be announced, marked announced in the same transaction so none is
    /// announced twice. Stories hidden meanwhile are dropped from the batch, never announced.
    pub fn take_due_stories(&self) -> Result<DueStories> {
        self.write(|tx| {
            let mut due = DueStories::default();
            {
                let mut stmt = tx.prepare_cached(
                    "SELECT a.id, a.title FROM article_state s JOIN articles a ON a.id = s.article_id
                     WHERE s.notify = 1 AND s.hidden = 0
                     ORDER BY a.published, a.id",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    due.ids.push(r.get(0)?);
                    due.titles.push(r.get(1)?);
                }
            }
            tx.execute("UPDATE article_state SET notify = 2 WHERE notify = 1", [])?;
            Ok(due)
        })
    }
}

const RULE_COLUMNS: &str = "id, field, pattern, kind, feed_id, folder, action, until";

fn one_rule(c: &Connection, id: RuleId) -> Result<Rule> {
    c.query_row(
        &format!("SELECT {RULE_COLUMNS} FROM rules WHERE id = ?1"),
        [id],
        rule_from_row,
    )
    .optional()?
    .ok_or(StoreError::NoSuchRule(id))
}

/// Runs `sql` with `first` as `?1` and the rule's columns as `?2` to `?8`, once its feed is
/// known to exist.
fn write_spec(tx: &Transaction, sql: &str, first: i64, spec: &RuleSpec) -> Result<usize> {
    check_feed(tx, spec.feed_id)?;
    Ok(tx.execute(
        sql,
        params![
            first,
            spec.field.as_str(),
            spec.pattern,
            kind_name(spec.kind),
            spec.feed_id,
            spec.folder,
            spec.action.as_str(),
            spec.until.map(|t| t.timestamp())
        ],
    )?)
}

fn check_feed(tx: &Transaction, feed: Option<FeedId>) -> Result<()> {
    let Some(id) = feed else { return Ok(()) };
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM feeds WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::NoSuchFeed(id))
    }
}

fn kind_name(kind: PatternKind) -> &'static str {
    match kind {
        PatternKind::Words => "words",
        PatternKind::Regex => "regex",
    }
}

/// A stored rule. Names this version does not know (a later version's) read as the nearest
/// thing that hides nothing by surprise: `title`, `regex`, `notify`.
fn rule_from_row(r: &Row) -> rusqlite::Result<Rule> {
    let field: String = r.get(1)?;
    let kind: String = r.get(3)?;
    let action: String = r.get(6)?;
    Ok(Rule {
        id: r.get(0)?,
        spec: RuleSpec {
            field: RuleField::parse(&field).unwrap_or(RuleField::Title),
            pattern: r.get(2)?,
            kind: if kind == "words" {
                PatternKind::Words
            } else {
                PatternKind::Regex
            },
            feed_id: r.get(4)?,
            folder: r.get(5)?,
            action: RuleAction::parse(&action).unwrap_or(RuleAction::Notify),
            until: r.get::<_, Option<i64>>(7)?.map(to_time),
        },
    })
}

/// A story's categories as stored (JSON), none when absent or unreadable.
pub(super) fn categories_from(json: Option<String>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

/// A story's categories to store: JSON, or NULL for none.
pub(super) fn categories_json(categories: &[String]) -> Option<String> {
    if categories.is_empty() {
        None
    } else {
        serde_json::to_string(categories).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArticleQuery;
    use crate::rules::Outcome;
    use crate::store::{NewArticle, NewFeed};

    fn item(key: &str, title: &str, rules: Outcome) -> NewArticle {
        NewArticle {
            key: key.into(),
            url: None,
            title: title.into(),
            author: None,
            published: to_time(1_000 + key.len() as i64),
            updated: None,
            html: String::new(),
            text: String::new(),
            excerpt: String::new(),
            source_hash: title.into(),
            site_name: None,
            lead_image: None,
            related: vec![],
            images: vec![],
            categories: vec![],
            rules,
        }
    }

    fn store_with_feed() -> (tempfile::TempDir, Store, FeedId) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("library.sqlite3")).unwrap();
        let new = NewFeed {
            url: "https://news.example/feed.xml".into(),
            ..NewFeed::default()
        };
        let feed = store.add_feed(&new, Utc::now()).unwrap().0;
        (dir, store, feed)
    }

    fn arrive(store: &Store, feed: FeedId, items: Vec<NewArticle>) {
        store
            .apply_updates(&[crate::store::tests_support::fetched(feed, items)])
            .unwrap();
    }

    fn listed(store: &Store, hidden_only: bool) -> Vec<String> {
        let q = ArticleQuery {
            hidden_only,
            ..ArticleQuery::default()
        };
        crate::store::tests_support::titles(store, &q)
    }

    #[test]
    fn a_story_a_rule_both_hides_and_bookmarks_arrives_bookmarked_and_shown() {
        let (_d, store, feed) = store_with_feed();
        let both = Outcome {
            hide: true,
            bookmark: true,
            ..Outcome::default()
        };
        let hide = Outcome {
            hide: true,
            ..Outcome::default()
        };
        arrive(
            &store,
            feed,
            vec![item("a", "Kept", both), item("b", "Muted", hide)],
        );
        assert_eq!(listed(&store, false), ["Kept"]);
        assert_eq!(listed(&store, true), ["Muted"]);
        assert_eq!(store.feeds().unwrap()[0].unread, 1);
    }

    #[test]
    fn a_changed_story_is_hidden_or_shown_as_it_now_reads() {
        let (_d, store, feed) = store_with_feed();
        arrive(&store, feed, vec![item("a", "Pier", Outcome::default())]);
        let hide = Outcome {
            hide: true,
            ..Outcome::default()
        };
        arrive(&store, feed, vec![item("a", "Sponsored pier", hide)]);
        assert_eq!(listed(&store, true), ["Sponsored pier"]);
        arrive(
            &store,
            feed,
            vec![item("a", "Pier again", Outcome::default())],
        );
        assert_eq!(listed(&store, false), ["Pier again"]);
    }

    #[test]
    fn each_story_is_due_once_and_a_hidden_one_never() {
        let (_d, store, feed) = store_with_feed();
        let notify = Outcome {
            notify: true,
            ..Outcome::default()
        };
        let hidden = Outcome {
            notify: true,
            hide: true,
            ..Outcome::default()
        };
        arrive(
            &store,
            feed,
            vec![
                item("a", "Storm", notify),
                item("b", "Quiet", Outcome::default()),
                item("c", "Muted storm", hidden),
            ],
        );
        let due = store.take_due_stories().unwrap();
        assert_eq!(due.titles, ["Storm"]);
        assert_eq!(store.take_due_stories().unwrap(), DueStories::default());

        // A feed the person listens to: every new story of it is due.
        store.set_feed_notify(feed, true).unwrap();
        arrive(&store, feed, vec![item("dd", "Ferry", Outcome::default())]);
        assert_eq!(store.take_due_stories().unwrap().titles, ["Ferry"]);
    }
}
