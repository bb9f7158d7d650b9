//! Grouping articles into stories as they are stored: the library's word statistics and the
//! profiles of recent articles, handed to the store as its [`StoryJudge`] so each new article
//! is judged inside the write that stores it.
//!
//! Owns when the statistics are read (once, from the library's latest articles, then kept up
//! with each batch) and how much is remembered. Never measures similarity itself (that is
//! `stories`) and never writes SQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Duration as TimeDelta, Utc};

use super::{Library, Result};
use crate::model::ArticleId;
use crate::store::{
    ApplyCounts, FeedUpdate, NewArticle, Store, StoreError, StoryArrival, StoryCandidate,
    StoryJudge, SyncedArticle,
};
use crate::stories::{self, Background, Candidate, Profile};

/// Articles whose titles and leads give the word statistics when a library is opened.
const BACKGROUND_ARTICLES: u32 = 2000;

/// Rarest words of a new article its candidates are looked for with (each rare enough to
/// match few articles: see `stories::search_words`).
const SEARCH_WORDS: usize = 24;

/// Profiles kept between batches (of the articles most recently stored or compared), so a
/// recent article is profiled once, not once per newcomer. About 1 KB each.
const PROFILES_KEPT: usize = 5000;

/// What grouping remembers between batches.
#[derive(Default)]
pub(super) struct Grouping {
    /// The word statistics: `None` until the first batch reads them from the library.
    background: Option<Background>,
    profiles: HashMap<ArticleId, Profile>,
}

/// The grouping state of a library, shared by its writes.
pub(super) type SharedGrouping = Arc<Mutex<Grouping>>;

impl Library {
    /// Stores feeds' updates in one transaction, each new article grouped into a story.
    pub(super) async fn store_updates(&self, updates: Vec<FeedUpdate>) -> Result<Vec<ApplyCounts>> {
        let grouping = Arc::clone(&self.grouping);
        self.blocking(move |store| {
            let mut grouping = grouping.lock().unwrap_or_else(PoisonError::into_inner);
            grouping.learn(store, &updates)?;
            store.apply_updates_grouped(&updates, &mut *grouping)
        })
        .await
    }

    /// Stores a sync's new articles in one transaction, each grouped into a story as a
    /// refresh's are. Returns the ids of those added.
    pub(super) async fn store_synced(&self, synced: Vec<SyncedArticle>) -> Result<Vec<ArticleId>> {
        let grouping = Arc::clone(&self.grouping);
        let now = Utc::now();
        self.blocking(move |store| {
            let mut grouping = grouping.lock().unwrap_or_else(PoisonError::into_inner);
            grouping.learn_items(store, synced.iter().map(|s| &s.article))?;
            store.add_synced_articles(&synced, now, &mut *grouping)
        })
        .await
    }
}

impl Grouping {
    /// Brings the word statistics up to date with a batch about to be stored: read from the
    /// library the first time, then the batch's items counted in (so the first batch of an
    /// empty library has statistics too).
    fn learn(&mut self, store: &Store, updates: &[FeedUpdate]) -> Result<(), StoreError> {
        let items = updates.iter().flat_map(|update| match update {
            FeedUpdate::Fetched { items, .. } => items.as_slice(),
            _ => &[],
        });
        self.learn_items(store, items)
    }

    /// [`Grouping::learn`] for new articles not in a feed's update (a sync's).
    fn learn_items<'a>(
        &mut self,
        store: &Store,
        items: impl Iterator<Item = &'a NewArticle>,
    ) -> Result<(), StoreError> {
        let background = match &mut self.background {
            Some(background) => background,
            None => {
                let recent = store.recent_leads(BACKGROUND_ARTICLES)?;
                self.background.insert(Background::from_documents(
                    recent.iter().map(|(t, l)| (t.as_str(), l.as_str())),
                ))
            }
        };
        for item in items {
            background.add(&item.title, lead(item));
        }
        Ok(())
    }
}

/// The part of an article's text the measure reads: counting the rest into the statistics
/// would cost time and skew them.
fn lead(article: &NewArticle) -> &str {
    stories::lead(&article.text)
}

impl StoryJudge for Grouping {
    fn window(&self) -> TimeDelta {
        stories::STORY_WINDOW
    }

    fn search_words(&mut self, article: &NewArticle) -> Vec<String> {
        let background = self.background.get_or_insert_with(Background::default);
        stories::search_words(background, &article.title, lead(article), SEARCH_WORDS)
    }

    fn choose(
        &mut self,
        arrival: StoryArrival<'_>,
        candidates: &[StoryCandidate],
    ) -> Option<ArticleId> {
        if self.profiles.len() + candidates.len() > PROFILES_KEPT {
            self.profiles.clear();
        }
        let background = self.background.get_or_insert_with(Background::default);
        let article = arrival.article;
        let profile = Profile::new(background, &article.title, lead(article));
        for c in candidates {
            self.profiles
                .entry(c.id)
                .or_insert_with(|| Profile::new(background, &c.title, &c.lead));
        }
        let judged: Vec<Candidate<'_, ArticleId>> = candidates
            .iter()
            .filter_map(|c| {
                Some(Candidate {
                    story: c.story,
                    story_began: c.story_began,
                    story_ended: c.story_ended,
                    story_has_feed: c.story_has_feed,
                    feed: c.feed_id,
                    published: c.published,
                    profile: self.profiles.get(&c.id)?,
                })
            })
            .collect();
        let chosen = stories::choose_story(arrival.feed_id, article.published, &profile, &judged);
        self.profiles.insert(arrival.id, profile);
        chosen
    }
}
