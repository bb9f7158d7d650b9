//! Grouping articles into stories as they are stored: the library's word statistics and a
//! bounded memory of its recent articles (their profiles, an index from each of their words to
//! them, and their stories' spans and outlets), handed to the store as its [`StoryJudge`] so
//! each new article is judged inside the write that stores it, without a query of its own.
//!
//! Owns when the library is read (once, at the first batch with new articles, then kept up
//! with each batch), where a newcomer's words are read (in its feed's task, [`ReadyUpdate`]),
//! which recent articles it is compared with, and how much is remembered. Never measures similarity itself (that is `stories`) and never writes SQL.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::{Library, Result};
use crate::model::{ArticleId, FeedId};
use crate::store::{
    ApplyCounts, FeedUpdate, NewArticle, PackedUpdate, Store, StoreError, StoryArrival, StoryJudge,
    SyncedArticle,
};
use crate::stories::{self, ArticleTerms, Background, Candidate, Profile, TermMap, STORY_WINDOW};

/// Articles remembered, the last stored: only they can be candidates, whatever their dates
/// say (a feed's archive spanning a year is not news). Their titles and leads also give the
/// word statistics when a library is opened. About 1.6 KB each (see BENCHMARKS.md).
const RECENT_ARTICLES: usize = 10_000;

/// Rarest words of a new article its candidates are looked for with (each rare enough to
/// match few articles: see `stories::search_terms`).
const SEARCH_WORDS: usize = 24;

/// Most candidates one new article is compared with: those sharing the most of its rarest
/// words. Bounds the cost of an arrival.
const STORY_CANDIDATES: usize = 30;

/// What grouping remembers between batches.
pub(super) struct Grouping {
    /// `None` until the first batch with new articles reads the library.
    memory: Option<Memory>,
    /// How many recent articles are remembered.
    capacity: usize,
    /// Stores articles without grouping them (to measure grouping's cost).
    off: bool,
    /// The terms of the batch being stored, read once by [`Grouping::learn`] for the word
    /// statistics and taken again by [`StoryJudge::choose`], in the batch's order, each with
    /// the address of its article (valid only while the batch is stored: cleared after).
    batch_terms: VecDeque<(usize, ArticleTerms)>,
}

/// The grouping state of a library, shared by its writes.
pub(super) struct SharedGrouping {
    state: Arc<Mutex<Grouping>>,
    /// Whether articles are grouped (see [`Grouping::off`]), known without the lock.
    on: bool,
}

impl SharedGrouping {
    /// Whether new articles' words are read for grouping.
    pub(super) fn reads_words(&self) -> bool {
        self.on
    }
}

/// A feed's update made ready for the writer: its stories packed, and (when grouping) each
/// new item's words read. Both are CPU work done in the feed's own task, so the one writer,
/// which every feed's transaction waits for and which runs alone at an import's end, only
/// counts, judges and writes (BENCHMARKS.md, 2026-12-01, night).
pub(super) struct ReadyUpdate {
    packed: PackedUpdate,
    /// The words of each of the update's new items, in order; none when not read (then the
    /// writer reads them).
    terms: Vec<ArticleTerms>,
}

impl ReadyUpdate {
    /// `update` packed, with its items' words read if `read_words`.
    pub(super) fn new(update: FeedUpdate, read_words: bool) -> Self {
        let terms = match &update {
            FeedUpdate::Fetched { items, .. } if read_words => (items.iter())
                .map(|item| ArticleTerms::new(&item.title, &item.text))
                .collect(),
            _ => Vec::new(),
        };
        ReadyUpdate {
            packed: PackedUpdate::from(update),
            terms,
        }
    }

    /// The update as it was given.
    pub(super) fn update(&self) -> &FeedUpdate {
        self.packed.update()
    }
}

impl From<FeedUpdate> for ReadyUpdate {
    /// An update packed, its words left for the writer (one without items has none).
    fn from(update: FeedUpdate) -> Self {
        ReadyUpdate::new(update, false)
    }
}

/// The library's word statistics and its recent articles, as grouping needs them.
#[derive(Default)]
struct Memory {
    background: Background,
    /// The remembered articles' ids in the order they were stored, oldest first.
    order: VecDeque<ArticleId>,
    articles: HashMap<ArticleId, Remembered>,
    /// Each term of a remembered article to the articles holding it.
    by_term: TermIndex,
    /// Stories of more than one article (an article alone is its own story).
    stories: HashMap<ArticleId, Story>,
}

/// Each term of the remembered articles to the articles holding it, newest first. The lists
/// are threaded through one array that only grows, so remembering an article costs a push per
/// term and forgetting one costs nothing: its postings are left where they are and end the
/// lists they are in, being older than the oldest article remembered. The array is rebuilt from
/// the remembered articles when it holds more than twice what is remembered. (A list per term
/// cost an allocation for each new term and a search of the list for each forgotten one.)
#[derive(Default)]
struct TermIndex {
    /// Per term, its newest posting.
    heads: TermMap<u32>,
    postings: Vec<Posting>,
    /// The number of the oldest remembered article: the first of [`Memory::order`], whose
    /// article numbered `n` is at `n - first`.
    first: u32,
    /// Postings of the articles remembered.
    live: usize,
}

/// One article holding one term.
#[derive(Clone, Copy)]
struct Posting {
    /// The article's number (see [`TermIndex::first`]).
    article: u32,
    /// The term's next older posting, or [`Posting::END`].
    next: u32,
}

impl Posting {
    const END: u32 = u32::MAX;
}

impl TermIndex {
    /// Indexes the article numbered `article` (the newest) under `terms`.
    fn add(&mut self, article: u32, terms: impl Iterator<Item = u64>) {
        for term in terms {
            let next = self.heads.entry(term).or_insert(Posting::END);
            // Past u32::MAX - 1 postings a list would end early; `Memory::rebuild_index` keeps
            // the array far below that.
            let at = u32::try_from(self.postings.len()).unwrap_or(Posting::END);
            self.postings.push(Posting {
                article,
                next: std::mem::replace(next, at),
            });
            self.live += 1;
        }
    }

    /// The positions in [`Memory::order`] of the remembered articles holding `term`, newest first.
    fn positions(&self, term: u64) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.heads.get(&term).copied().unwrap_or(Posting::END);
        std::iter::from_fn(move || {
            let posting = self.postings.get(usize::try_from(at).ok()?)?;
            let position = posting.article.checked_sub(self.first)?;
            at = posting.next;
            usize::try_from(position).ok()
        })
    }

    /// Forgets the oldest remembered article, which held `terms` terms: its postings now end
    /// the lists they are in.
    fn forget_oldest(&mut self, terms: usize) {
        self.first = self.first.saturating_add(1);
        self.live = self.live.saturating_sub(terms);
    }

    /// Empties the index, keeping its memory, for articles numbered from 0.
    fn clear(&mut self) {
        self.heads.clear();
        self.postings.clear();
        self.first = 0;
        self.live = 0;
    }

    /// Whether the dead postings outnumber the live ones (with some slack for a small index),
    /// or the articles' numbers run out.
    fn wants_rebuild(&self, remembered: usize) -> bool {
        let numbers_left =
            usize::try_from((u32::MAX - 1).saturating_sub(self.first)).unwrap_or(usize::MAX);
        self.postings.len() > 2 * self.live + 4096 || numbers_left <= remembered
    }
}

/// A recent article as grouping remembers it.
struct Remembered {
    feed: FeedId,
    published: DateTime<Utc>,
    /// Its story (its own id when it is alone).
    story: ArticleId,
    profile: Profile,
}

/// What the rules need of a story: its span and its outlets.
struct Story {
    began: DateTime<Utc>,
    ended: DateTime<Utc>,
    feeds: Vec<FeedId>,
}

impl Story {
    fn add(&mut self, feed: FeedId, published: DateTime<Utc>) {
        self.began = self.began.min(published);
        self.ended = self.ended.max(published);
        if !self.feeds.contains(&feed) {
            self.feeds.push(feed);
        }
    }
}

impl Grouping {
    /// Grouping that remembers `capacity` recent articles, or groups nothing when `off`.
    pub(super) fn new(capacity: usize, off: bool) -> Self {
        Grouping {
            memory: None,
            capacity,
            off,
            batch_terms: VecDeque::new(),
        }
    }

    /// The grouping state of a newly opened library.
    pub(super) fn shared(off: bool) -> SharedGrouping {
        SharedGrouping {
            state: Arc::new(Mutex::new(Grouping::new(RECENT_ARTICLES, off))),
            on: !off,
        }
    }
}

impl Library {
    /// Stores feeds' updates in one transaction, each new article grouped into a story.
    pub(super) async fn store_updates(
        &self,
        updates: Vec<ReadyUpdate>,
    ) -> Result<Vec<ApplyCounts>> {
        let grouping = Arc::clone(&self.grouping.state);
        self.blocking(move |store| {
            let mut grouping = grouping.lock().unwrap_or_else(PoisonError::into_inner);
            grouping.store(store, updates)
        })
        .await
    }

    /// Stores a sync's new articles in one transaction, each grouped into a story as a
    /// refresh's are. Returns the ids of those added.
    pub(super) async fn store_synced(&self, synced: Vec<SyncedArticle>) -> Result<Vec<ArticleId>> {
        let grouping = Arc::clone(&self.grouping.state);
        let now = Utc::now();
        self.blocking(move |store| {
            let mut grouping = grouping.lock().unwrap_or_else(PoisonError::into_inner);
            grouping.learn(store, synced.iter().map(|s| (&s.article, None)))?;
            let stored = store.add_synced_articles(&synced, now, &mut *grouping);
            grouping.finish_batch(&stored);
            stored
        })
        .await
    }
}

impl Grouping {
    /// Stores feeds' updates in one transaction, each new article grouped (unless grouping is
    /// off), its words read now if its feed's task did not read them.
    fn store(
        &mut self,
        store: &Store,
        updates: Vec<ReadyUpdate>,
    ) -> Result<Vec<ApplyCounts>, StoreError> {
        let (updates, terms): (Vec<PackedUpdate>, Vec<Vec<ArticleTerms>>) =
            updates.into_iter().map(|u| (u.packed, u.terms)).unzip();
        if self.off {
            return store.apply_packed(&updates, None);
        }
        let items = updates.iter().zip(terms).flat_map(|(packed, terms)| {
            let items = match packed.update() {
                FeedUpdate::Fetched { items, .. } => items.as_slice(),
                _ => &[],
            };
            let mut terms = terms.into_iter();
            items.iter().map(move |item| (item, terms.next()))
        });
        self.learn(store, items)?;
        let stored = store.apply_packed(&updates, Some(&mut *self));
        self.finish_batch(&stored);
        stored
    }

    /// Gets ready for a batch about to be stored: the library read the first time a batch
    /// brings items, then the batch's items counted into the word statistics (so the first
    /// batch of an empty library has statistics too). Each item comes with its words if they
    /// were read already. A batch without items reads nothing.
    fn learn<'a>(
        &mut self,
        store: &Store,
        items: impl Iterator<Item = (&'a NewArticle, Option<ArticleTerms>)>,
    ) -> Result<(), StoreError> {
        let mut items = items.peekable();
        if items.peek().is_none() {
            return Ok(());
        }
        let memory = match &mut self.memory {
            Some(memory) => memory,
            None => self.memory.insert(Memory::read(store, self.capacity)?),
        };
        self.batch_terms.clear();
        for (item, terms) in items {
            // The whole text (only its lead counts), read once: its words, names and numbers
            // are remembered for the story it is judged into next.
            let terms = terms.unwrap_or_else(|| ArticleTerms::new(&item.title, &item.text));
            memory.background.add_terms(&terms);
            self.batch_terms.push_back((address(item), terms));
        }
        Ok(())
    }

    /// The terms [`Grouping::learn`] read of `article`, else read now. Articles arrive in the
    /// batch's order, some left out (those stored before), so the ones before it are dropped.
    fn take_terms(&mut self, article: &NewArticle) -> ArticleTerms {
        while let Some((at, terms)) = self.batch_terms.pop_front() {
            if at == address(article) {
                return terms;
            }
        }
        ArticleTerms::new(&article.title, &article.text)
    }

    /// After a batch is written. A write that failed stored none of what was remembered of it:
    /// read the library again.
    fn finish_batch<T>(&mut self, stored: &Result<T, StoreError>) {
        self.batch_terms.clear();
        if stored.is_err() {
            self.memory = None;
        }
    }
}

impl Memory {
    /// The library's `capacity` articles stored last, their stories and word statistics.
    fn read(store: &Store, capacity: usize) -> Result<Memory, StoreError> {
        let (recent, members) =
            store.recent_for_stories(capacity.try_into().unwrap_or(u32::MAX))?;
        // Each article's words are read twice, for the word statistics and then for its
        // profile (which needs the statistics of all of them). Keeping the first reading
        // would hold every article's terms at once (about 1 KB each, so 10 MB for 10,000),
        // and it saved no measurable time (BENCHMARKS.md, 2026-12-01, evening).
        let mut memory = Memory {
            background: Background::from_documents(
                recent
                    .iter()
                    .map(|r| (r.title.as_str(), stories::lead(&r.lead))),
            ),
            ..Memory::default()
        };
        for m in members {
            memory
                .stories
                .entry(m.story)
                .or_insert(Story {
                    began: m.published,
                    ended: m.published,
                    feeds: Vec::new(),
                })
                .add(m.feed_id, m.published);
        }
        for r in recent {
            let profile = Profile::new(&memory.background, &r.title, &r.lead);
            let story = r.story.unwrap_or(r.id);
            memory.remember(capacity, r.id, r.feed_id, r.published, story, profile);
        }
        Ok(memory)
    }

    /// Remembers an article just stored (or read), forgetting the oldest beyond `capacity`.
    fn remember(
        &mut self,
        capacity: usize,
        id: ArticleId,
        feed: FeedId,
        published: DateTime<Utc>,
        story: ArticleId,
        profile: Profile,
    ) {
        while self.order.len() >= capacity {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            self.forget(old);
        }
        let remembered = u32::try_from(self.order.len()).unwrap_or(u32::MAX);
        let number = self.by_term.first.saturating_add(remembered);
        self.by_term.add(number, profile.terms());
        self.order.push_back(id);
        self.articles.insert(
            id,
            Remembered {
                feed,
                published,
                story,
                profile,
            },
        );
        // Stories none of whose articles are remembered any more are never candidates' again.
        if self.stories.len() > capacity {
            let articles = &self.articles;
            let kept: std::collections::HashSet<ArticleId> =
                articles.values().map(|a| a.story).collect();
            self.stories.retain(|story, _| kept.contains(story));
        }
    }

    /// Forgets the oldest remembered article, `id` (just taken off [`Memory::order`]).
    fn forget(&mut self, id: ArticleId) {
        let terms = self
            .articles
            .remove(&id)
            .map_or(0, |old| old.profile.terms().count());
        self.by_term.forget_oldest(terms);
        if self.by_term.wants_rebuild(self.order.len()) {
            self.rebuild_index();
        }
    }

    /// The index of the remembered articles' terms anew, the oldest numbered 0.
    fn rebuild_index(&mut self) {
        let mut index = std::mem::take(&mut self.by_term);
        index.clear();
        for (number, id) in (0u32..).zip(&self.order) {
            if let Some(article) = self.articles.get(id) {
                index.add(number, article.profile.terms());
            }
        }
        self.by_term = index;
    }

    /// The remembered articles a new one is compared with: of other feeds, published within
    /// [`STORY_WINDOW`] of it, sharing the most of its rarest `words` (weighted by rarity).
    fn candidates(
        &self,
        feed: FeedId,
        published: DateTime<Utc>,
        words: Vec<(u64, f64)>,
    ) -> Vec<ArticleId> {
        let mut shared: HashMap<ArticleId, f64> = HashMap::new();
        for (term, rarity) in words {
            for position in self.by_term.positions(term) {
                let Some(id) = self.order.get(position) else {
                    continue;
                };
                let Some(other) = self.articles.get(id) else {
                    continue;
                };
                if other.feed != feed && (other.published - published).abs() <= STORY_WINDOW {
                    *shared.entry(*id).or_insert(0.0) += rarity;
                }
            }
        }
        let mut ranked: Vec<(ArticleId, f64)> = shared.into_iter().collect();
        // Most shared first; of equals, the one stored last, so every run picks the same.
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        ranked.truncate(STORY_CANDIDATES);
        ranked.into_iter().map(|(id, _)| id).collect()
    }
}

/// Where an article of the batch being stored is: how its terms are found again.
fn address(article: &NewArticle) -> usize {
    std::ptr::from_ref(article) as usize
}

impl StoryJudge for Grouping {
    fn choose(&mut self, arrival: StoryArrival<'_>) -> Option<ArticleId> {
        let article = arrival.article;
        let terms = self.take_terms(article);
        let memory = self.memory.get_or_insert_with(Memory::default);
        let (feed, published) = (arrival.feed_id, article.published);
        let (profile, words) =
            stories::profile_and_search_terms_of(&memory.background, terms, SEARCH_WORDS);
        let found = memory.candidates(feed, published, words);
        let judged: Vec<Candidate<'_, ArticleId>> = found
            .iter()
            .filter_map(|id| {
                let other = memory.articles.get(id)?;
                let (began, ended, has_feed) = match memory.stories.get(&other.story) {
                    Some(story) => (story.began, story.ended, story.feeds.contains(&feed)),
                    None => (other.published, other.published, false),
                };
                Some(Candidate {
                    story: other.story,
                    story_began: began,
                    story_ended: ended,
                    story_has_feed: has_feed,
                    feed: other.feed,
                    published: other.published,
                    profile: &other.profile,
                })
            })
            .collect();
        let chosen = stories::choose_story(feed, published, &profile, &judged);
        if let Some(story) = chosen {
            let first = memory.articles.get(&story).map(|a| (a.feed, a.published));
            memory
                .stories
                .entry(story)
                .or_insert_with(|| {
                    // Until now an article alone (and remembered: it was a candidate).
                    let (feed, published) = first.unwrap_or((feed, published));
                    Story {
                        began: published,
                        ended: published,
                        feeds: vec![feed],
                    }
                })
                .add(feed, published);
        }
        let story = chosen.unwrap_or(arrival.id);
        memory.remember(self.capacity, arrival.id, feed, published, story, profile);
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArticleQuery;
    use crate::store::tests_support::{article, fetched, store, subscribe};

    const HOUR: i64 = 3600;
    const T: i64 = 1_900_000_000;

    /// Two write-ups of one event, and another event.
    const VOLCANO: &str = "Volcano erupts near Reykjavik airport";
    const VOLCANO_TOO: &str = "Reykjavik airport shut as volcano erupts";
    const BUDGET: &str = "Parliament passes budget after long night";
    const STORM: &str = "Storm batters southern coast";

    fn feeds(store: &Store) -> [FeedId; 3] {
        ["a", "b", "c"].map(|n| subscribe(store, &format!("https://{n}.example/feed")))
    }

    /// Stores `updates` as a refresh does, in one batch, each item's words read in its feed's
    /// task.
    fn refresh(grouping: &mut Grouping, store: &Store, updates: &[FeedUpdate]) {
        store_ready(grouping, store, updates, true);
    }

    /// Stores `updates` in one batch, each item's words read in its feed's task if
    /// `read_in_task`, else by the writer.
    fn store_ready(
        grouping: &mut Grouping,
        store: &Store,
        updates: &[FeedUpdate],
        read_in_task: bool,
    ) {
        let ready = (updates.iter().cloned())
            .map(|update| ReadyUpdate::new(update, read_in_task))
            .collect();
        grouping.store(store, ready).unwrap();
    }

    #[test]
    fn words_read_in_the_feeds_tasks_group_articles_as_the_writers_reading_does() {
        let partitions = [true, false].map(|read_in_task| {
            let (_d, store) = store();
            let feeds = feeds(&store);
            let mut grouping = grouping();
            // Each feed's items in an order the other's do not share, and a batch after.
            store_ready(
                &mut grouping,
                &store,
                &[
                    fetched(
                        feeds[0],
                        vec![
                            article("a1", VOLCANO, "1", T),
                            article("a2", BUDGET, "2", T),
                        ],
                    ),
                    fetched(
                        feeds[1],
                        vec![
                            article("b1", STORM, "3", T),
                            article("b2", VOLCANO_TOO, "4", T),
                        ],
                    ),
                ],
                read_in_task,
            );
            store_ready(
                &mut grouping,
                &store,
                &[fetched(
                    feeds[2],
                    vec![
                        article("c1", BUDGET, "5", T + HOUR),
                        article("c2", VOLCANO, "6", T),
                    ],
                )],
                read_in_task,
            );
            let story = stories(&store);
            let mut keys: Vec<&String> = story.keys().collect();
            keys.sort();
            keys.iter()
                .map(|a| {
                    keys.iter()
                        .map(|b| story[*a] == story[*b])
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        });
        assert_eq!(partitions[0], partitions[1]);
        // Not all alone: the volcano's write-ups are one story (keys a1 a2 b1 b2 c1 c2).
        assert!(
            partitions[0][0][3] && partitions[0][0][5],
            "{:?}",
            partitions[0]
        );
    }

    /// The story of each article, by key.
    fn stories(store: &Store) -> HashMap<String, ArticleId> {
        let all = store.articles(&ArticleQuery::default()).unwrap();
        all.into_iter()
            .map(|a| (a.url.unwrap_or_default(), a.story))
            .map(|(url, story)| (url.rsplit('/').next().unwrap_or("").to_string(), story))
            .collect()
    }

    fn grouping() -> Grouping {
        Grouping::new(RECENT_ARTICLES, false)
    }

    /// Stores, in one batch, feed a's and feed b's write-ups of one event (as "a1" and "b1",
    /// b's `apart` seconds after a's).
    fn one_event(grouping: &mut Grouping, store: &Store, feeds: [FeedId; 3], apart: i64) {
        refresh(
            grouping,
            store,
            &[
                fetched(feeds[0], vec![article("a1", VOLCANO, "1", T)]),
                fetched(feeds[1], vec![article("b1", VOLCANO_TOO, "2", T + apart)]),
            ],
        );
    }

    #[test]
    fn an_article_stored_earlier_in_the_same_batch_is_a_candidate() {
        let (_d, store) = store();
        one_event(&mut grouping(), &store, feeds(&store), HOUR);
        let story = stories(&store);
        assert_eq!(story["a1"], story["b1"]);
    }

    /// [`one_event`], then in a later refresh feed `newcomer`'s (0 to 2: a to c) second
    /// write-up published at `at`, as "new". Returns the stories by key.
    fn one_event_then(apart: i64, newcomer: usize, at: i64) -> HashMap<String, ArticleId> {
        let (_d, store) = store();
        let feeds = feeds(&store);
        let mut grouping = grouping();
        one_event(&mut grouping, &store, feeds, apart);
        let new = article("new", VOLCANO_TOO, "3", at);
        refresh(
            &mut grouping,
            &store,
            &[fetched(feeds[newcomer], vec![new])],
        );
        let story = stories(&store);
        assert_eq!(story["a1"], story["b1"]);
        story
    }

    #[test]
    fn an_article_never_joins_a_story_holding_an_article_of_its_feed() {
        // Closest to feed b's article, whose story already has feed a's.
        let story = one_event_then(HOUR, 0, T + 2 * HOUR);
        assert_ne!(story["new"], story["a1"]);
        // Feed c's joins it (so it was the rule that kept feed a's out).
        let story = one_event_then(HOUR, 2, T + 2 * HOUR);
        assert_eq!(story["new"], story["a1"]);
    }

    #[test]
    fn a_story_spans_at_most_48_hours_from_its_first_article() {
        // Within 48 hours of feed b's article, not of the story's first.
        let story = one_event_then(40 * HOUR, 2, T + 60 * HOUR);
        assert_ne!(story["new"], story["b1"]);
        let story = one_event_then(40 * HOUR, 2, T + 47 * HOUR);
        assert_eq!(story["new"], story["b1"]);
    }

    #[test]
    fn a_reopened_library_remembers_its_recent_articles_and_their_stories() {
        let (_d, store) = store();
        let feeds = feeds(&store);
        let [a, _, c] = feeds;
        one_event(&mut grouping(), &store, feeds, HOUR);
        // As after the app is started again: read from the library.
        let mut reopened = grouping();
        refresh(
            &mut reopened,
            &store,
            &[
                fetched(a, vec![article("a2", VOLCANO_TOO, "3", T + 2 * HOUR)]),
                fetched(c, vec![article("c1", VOLCANO, "4", T + 2 * HOUR)]),
            ],
        );
        let story = stories(&store);
        assert_eq!(story["c1"], story["a1"], "found the stored story");
        assert_ne!(story["a2"], story["a1"], "knew the story has feed a");
    }

    #[test]
    fn a_reopened_library_reads_each_article_as_it_was_judged_when_stored() {
        let (_d, store) = store();
        let [a, b, c] = feeds(&store);
        let mut first = grouping();
        // One batch: each article was judged with the statistics of all three, as a reading
        // of the library has them.
        refresh(
            &mut first,
            &store,
            &[
                fetched(a, vec![article("a1", VOLCANO, "1", T)]),
                fetched(b, vec![article("b1", VOLCANO_TOO, "2", T + HOUR)]),
                fetched(c, vec![article("c1", STORM, "3", T + HOUR)]),
            ],
        );
        let stored = first.memory.as_ref().unwrap();
        let read = Memory::read(&store, RECENT_ARTICLES).unwrap();
        assert_eq!(read.order, stored.order);
        for id in &stored.order {
            assert_eq!(
                read.articles[id].profile, stored.articles[id].profile,
                "{id:?}"
            );
        }
    }

    #[test]
    fn only_the_last_stored_articles_are_remembered_and_compared_with() {
        for (capacity, joins) in [(2, false), (3, true)] {
            let (_d, store) = store();
            let [a, b, c] = feeds(&store);
            let mut grouping = Grouping::new(capacity, false);
            refresh(
                &mut grouping,
                &store,
                &[
                    fetched(a, vec![article("a1", VOLCANO, "1", T)]),
                    fetched(
                        b,
                        vec![
                            article("b1", BUDGET, "2", T + HOUR),
                            article("b2", STORM, "3", T + HOUR),
                        ],
                    ),
                    fetched(c, vec![article("c1", VOLCANO_TOO, "4", T + 2 * HOUR)]),
                ],
            );
            let story = stories(&store);
            assert_eq!(story["c1"] == story["a1"], joins, "remembering {capacity}");
            let memory = grouping.memory.as_ref().unwrap();
            assert_eq!(memory.order.len(), capacity);
            assert_eq!(memory.articles.len(), capacity);
            let indexed: Vec<ArticleId> = memory
                .by_term
                .heads
                .keys()
                .flat_map(|&term| memory.by_term.positions(term))
                .map(|position| memory.order[position])
                .collect();
            assert!(indexed.iter().all(|id| memory.articles.contains_key(id)));
            let terms: usize = memory
                .articles
                .values()
                .map(|a| a.profile.terms().count())
                .sum();
            assert_eq!(indexed.len(), terms, "nothing forgotten stays indexed");
        }
    }

    #[test]
    fn the_term_index_forgets_as_articles_are_forgotten_and_stays_small() {
        let mut memory = Memory::default();
        let background = Background::default();
        let shared = stories::search_terms(&background, "Kestrel", "", 1)[0].0;
        for n in 0..3_000 {
            let title = format!("Kestrel item{n} word{n}a word{n}b");
            let profile = Profile::new(&background, &title, "");
            memory.remember(3, n, 1, Utc::now(), n, profile);
        }
        let holding = |term| -> Vec<ArticleId> {
            let positions = memory.by_term.positions(term);
            positions.map(|at| memory.order[at]).collect()
        };
        assert_eq!(holding(shared), [2_999, 2_998, 2_997]);
        let term_of = |title: &str| stories::search_terms(&background, title, "", 1)[0].0;
        assert_eq!(holding(term_of("item2999")), [2_999]);
        assert!(holding(term_of("item2996")).is_empty());
        assert!(holding(term_of("item5")).is_empty());
        assert!(
            memory.by_term.postings.len() <= 2 * memory.by_term.live + 4096,
            "{} postings for {} remembered",
            memory.by_term.postings.len(),
            memory.by_term.live
        );
    }

    #[test]
    fn a_batch_without_new_articles_reads_nothing_from_the_library() {
        let (_d, store) = store();
        let mut grouping = grouping();
        refresh(&mut grouping, &store, &[]);
        assert!(grouping.memory.is_none());
    }
}
