//! Rules and notifications as operations: adding, changing and removing rules (each change
//! matched again against the stored stories), the dry run, Miniflux's rule lines, each feed's
//! "notify me", and the one notification batch a refresh ends with.
//!
//! Owns when rules are matched: on arrival (`decide`, on the item-to-article step's output,
//! before the store sees it), after a rule changes or expires (`rematch`). Never matches a
//! pattern itself (that is `rules`) and never writes SQL.

use std::slice;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Library, LibraryError, Result};
use crate::model::{FeedId, NotifyBatch};
use crate::rules::miniflux::{self, SkippedLine};
use crate::rules::{Rule, RuleError, RuleId, RuleSet, RuleSpec, Subject};
use crate::store::{FeedUpdate, NewArticle, RuleMarks, Store, StoreError};

/// Most titles one notification batch carries; its count and ids still cover every story.
const MAX_TITLES: usize = 20;

/// What importing a file of rule lines did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RulesImport {
    pub added: Vec<Rule>,
    pub skipped: Vec<SkippedLine>,
}

impl From<RuleError> for LibraryError {
    fn from(e: RuleError) -> Self {
        LibraryError::Rule(e)
    }
}

impl Library {
    /// Every rule, oldest first (expired ones too: they are kept, inactive).
    pub async fn rules(&self) -> Result<Vec<Rule>> {
        self.blocking(|s| s.rules()).await
    }

    /// Checks and stores a rule, then applies it to the stored stories.
    pub async fn add_rule(&self, spec: RuleSpec) -> Result<Rule> {
        spec.compile()?;
        let rule = self
            .blocking(move |s| s.add_rule(&spec, Utc::now()))
            .await?;
        let changed = rule.clone();
        self.blocking(move |s| rematch(s, Some(&changed), Utc::now()))
            .await?;
        Ok(rule)
    }

    /// Changes a rule; the stored stories are matched again (what it no longer hides comes back).
    pub async fn update_rule(&self, id: RuleId, spec: RuleSpec) -> Result<Rule> {
        spec.compile()?;
        let rule = self.blocking(move |s| s.update_rule(id, &spec)).await?;
        let changed = rule.clone();
        self.blocking(move |s| rematch(s, Some(&changed), Utc::now()))
            .await?;
        Ok(rule)
    }

    /// Removes a rule; the stories only it hid come back.
    pub async fn remove_rule(&self, id: RuleId) -> Result<Rule> {
        let rule = self.blocking(move |s| s.remove_rule(id)).await?;
        self.blocking(|s| rematch(s, None, Utc::now())).await?;
        Ok(rule)
    }

    /// How many stored stories the rule would match (its expiry aside), without saving it.
    pub async fn count_rule_matches(&self, spec: RuleSpec) -> Result<usize> {
        spec.compile()?;
        self.blocking(move |s| {
            let rule = Rule {
                id: 0,
                spec: RuleSpec {
                    until: None,
                    ..spec
                },
            };
            let one = RuleSet::active(slice::from_ref(&rule), Utc::now());
            let mut n = 0;
            s.for_each_rule_subject(one.reads_text(), |stored| {
                let o = one.outcome(&stored.subject);
                n += usize::from(o.hide || o.read || o.bookmark || o.notify);
            })?;
            Ok(n)
        })
        .await
    }

    /// Adds the `hide` rules of a file of Miniflux rule lines; the lines that do not map are
    /// reported, not fatal.
    pub async fn import_rules(&self, lines: &str) -> Result<RulesImport> {
        let parsed = miniflux::parse_lines(lines);
        let specs = parsed.rules;
        let added = self
            .blocking(move |s| {
                let now = Utc::now();
                specs.iter().map(|spec| s.add_rule(spec, now)).collect()
            })
            .await?;
        self.blocking(|s| rematch(s, None, Utc::now())).await?;
        Ok(RulesImport {
            added,
            skipped: parsed.skipped,
        })
    }

    /// The `hide` rules that apply everywhere, as Miniflux rule lines.
    pub async fn export_rules(&self) -> Result<String> {
        let rules = self.rules().await?;
        Ok(miniflux::to_lines(&rules, Utc::now()))
    }

    /// Sets whether the person hears of a feed's new stories.
    pub async fn set_feed_notify(&self, id: FeedId, on: bool) -> Result<()> {
        self.blocking(move |s| s.set_feed_notify(id, on)).await
    }

    /// The rules active now, for stories about to arrive. Rules that expired since last asked
    /// first give back the stories they hid.
    pub(super) async fn active_rules(&self) -> Result<RuleSet> {
        self.blocking(|s| {
            let now = Utc::now();
            if s.lapse_expired_rules(now)? {
                rematch(s, None, now)?;
            }
            Ok(RuleSet::active(&s.rules()?, now))
        })
        .await
    }

    /// The stories due to be announced since the last batch, marked announced.
    pub(super) async fn take_notifications(&self) -> Result<NotifyBatch> {
        let due = self.blocking(|s| s.take_due_stories()).await?;
        let mut titles = due.titles;
        titles.truncate(MAX_TITLES);
        Ok(NotifyBatch {
            count: due.ids.len(),
            titles,
            article_ids: due.ids,
        })
    }
}

/// What the rules decide for each new or changed item of a feed's update, kept on the item
/// for the store to write with it; `announce` false leaves out the `notify` action (a new
/// subscription's stories are not news).
pub(super) fn decide(
    rules: &RuleSet,
    folder: Option<&str>,
    update: &mut FeedUpdate,
    announce: bool,
) {
    let (feed_id, items) = match update {
        FeedUpdate::Fetched { feed_id, items, .. }
        | FeedUpdate::Completed { feed_id, items, .. } => (*feed_id, items),
        FeedUpdate::NotModified { .. } | FeedUpdate::Failed { .. } => return,
    };
    decide_items(rules, feed_id, folder, items, announce);
}

/// What the rules decide for each of a feed's new items (a synced account's, or an update's).
pub(super) fn decide_items(
    rules: &RuleSet,
    feed_id: FeedId,
    folder: Option<&str>,
    items: &mut [NewArticle],
    announce: bool,
) {
    if rules.is_empty() {
        return;
    }
    for item in items.iter_mut() {
        item.rules = rules.outcome(&subject_of(item, feed_id, folder));
        item.rules.notify &= announce;
    }
}

/// An item about to be stored, as the rules see it.
fn subject_of<'a>(item: &'a NewArticle, feed_id: FeedId, folder: Option<&'a str>) -> Subject<'a> {
    Subject {
        feed_id: Some(feed_id),
        folder,
        title: &item.title,
        summary: &item.excerpt,
        text: &item.text,
        author: item.author.as_deref(),
        url: item.url.as_deref(),
        categories: &item.categories,
    }
}

/// Matches the rules again against every stored story: what the active rules hide is hidden
/// and nothing else; `changed` (a rule just added or changed) also marks read or bookmarks
/// what it matches. Older rules' read and bookmark marks are not applied again: the person may
/// have undone them since.
fn rematch(store: &Store, changed: Option<&Rule>, now: DateTime<Utc>) -> Result<(), StoreError> {
    let all = RuleSet::active(&store.rules()?, now);
    let one = changed.map(|rule| RuleSet::active(slice::from_ref(rule), now));
    let mut marks = RuleMarks::default();
    let with_text = all.reads_text() || one.as_ref().is_some_and(RuleSet::reads_text);
    store.for_each_rule_subject(with_text, |stored| {
        let extra = one
            .as_ref()
            .map(|one| one.outcome(&stored.subject))
            .unwrap_or_default();
        if extra.read {
            marks.read.push(stored.id);
        }
        if extra.bookmark && !stored.bookmarked {
            marks.bookmark.push(stored.id);
        }
        let bookmarked = stored.bookmarked || extra.bookmark;
        let hide = !bookmarked && all.outcome(&stored.subject).hide;
        match (hide, stored.hidden) {
            (true, false) => marks.hide.push(stored.id),
            (false, true) => marks.show.push(stored.id),
            _ => {}
        }
    })?;
    store.set_rule_marks(&marks, now)
}
