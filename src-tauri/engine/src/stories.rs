//! Which articles of different outlets report the same event: the story-similarity measure
//! (the words, names and numbers of a title and its lead), its calibrated threshold, and the
//! grouping rules (one outlet never groups with itself; a story spans at most [`STORY_WINDOW`],
//! measured from its first article, so stories never chain).
//!
//! Pure and synchronous: it must never run SQL, touch the network or read the clock. The
//! caller supplies the background word statistics (the library's recent articles at run time)
//! and the candidates (recent articles of other feeds with their story ids), and stores what
//! this module decides.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::ControlFlow;
use std::sync::LazyLock;

use chrono::{DateTime, Duration as TimeDelta, Utc};

use crate::model::FeedId;
use crate::runs::runs_of;

/// How many words of the lead count: the title and the first paragraph or two say what the
/// event is; later paragraphs drift into background that other stories share.
pub const LEAD_WORDS: usize = 60;

/// The longest a story may span, from its first article to its last. Anchored at the first
/// article, so a story cannot creep forward day by day through follow-ups.
pub const STORY_WINDOW: TimeDelta = TimeDelta::hours(48);

/// Two articles with a [`similarity`] at or above this report the same event. Calibrated on
/// the labelled fixture (`tests/fixtures/stories/news-week-ten-outlets.json`) for precision
/// first: see the `Story grouping` section of BENCHMARKS.md.
pub const SAME_STORY: f64 = 0.25;

/// Words so common in news that they say nothing about which event an article reports.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "down", "during", "each", "few", "for", "from", "further", "had",
    "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "just", "last", "like", "made", "make", "many", "may", "me", "more",
    "most", "mr", "mrs", "ms", "much", "must", "my", "new", "no", "nor", "not", "now", "of", "off",
    "on", "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "said",
    "same", "say", "says", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through", "to", "told", "too",
    "two", "under", "until", "up", "us", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "year", "years", "yesterday",
    "today", "you", "your",
];

/// Capitalized words that are dates, not names: two events in one week share them.
#[rustfmt::skip]
const CALENDAR: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
];

/// Document frequencies of words: how rare a word is decides how much sharing it counts.
#[derive(Debug, Clone, Default)]
pub struct Background {
    frequencies: TermMap<u32>,
    documents: u32,
}

impl Background {
    /// Background statistics from `(title, lead)` documents, such as the library's recent articles.
    pub fn from_documents<'a>(documents: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut background = Background::default();
        for (title, lead) in documents {
            background.add(title, lead);
        }
        background
    }

    /// Counts one more document.
    pub fn add(&mut self, title: &str, lead: &str) {
        let mut terms = terms(title, lead);
        terms.sort_unstable();
        terms.dedup();
        for term in terms {
            *self.frequencies.entry(term).or_insert(0) += 1;
        }
        self.documents = self.documents.saturating_add(1);
    }

    /// Counts one more document, its terms read already (see [`ArticleTerms`]).
    pub fn add_terms(&mut self, terms: &ArticleTerms) {
        for run in terms.sorted.chunk_by(|a, b| a.0 == b.0) {
            *self.frequencies.entry(run[0].0).or_insert(0) += 1;
        }
        self.documents = self.documents.saturating_add(1);
    }

    /// How many documents hold the term.
    fn frequency(&self, term: u64) -> u32 {
        self.frequencies.get(&term).copied().unwrap_or(0)
    }

    /// Smoothed inverse document frequency of a term in `df` documents: a word never seen
    /// counts as the rarest there is.
    fn idf_of(&self, df: u32) -> f64 {
        ((f64::from(self.documents) + 1.0) / (f64::from(df) + 1.0)).ln() + 1.0
    }
}

/// One distinct term of an article: how often it occurs, where it first occurs and in how many
/// documents of the background. The word statistics are looked up once per term for both the
/// profile's weights and the search terms.
#[derive(Debug, Clone, Copy)]
struct TermRun {
    term: u64,
    count: u32,
    /// The position of its first occurrence among the article's terms.
    first: u32,
    frequency: u32,
}

/// `terms` with their positions, sorted by term then position.
fn positioned(terms: &[u64]) -> Vec<(u64, u32)> {
    let mut at: Vec<(u64, u32)> = terms.iter().copied().zip(0u32..).collect();
    at.sort_unstable();
    at
}

impl TermRun {
    /// The distinct terms of terms sorted with their positions ([`positioned`]).
    fn of_sorted(background: &Background, sorted: &[(u64, u32)]) -> Vec<TermRun> {
        // Each term's count is the length of its run and its first position the run's first:
        // no map to build.
        sorted
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| TermRun {
                term: run[0].0,
                count: u32::try_from(run.len()).unwrap_or(u32::MAX),
                first: run[0].1,
                frequency: background.frequency(run[0].0),
            })
            .collect()
    }
}

/// What the measure needs of one article, computed once when it arrives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// TF-IDF weights of the title's and lead's words, unit length, sorted by term.
    weights: Vec<(u64, f64)>,
    /// Names (capitalized words inside sentences of the lead), sorted and distinct.
    names: Vec<u64>,
    /// Numbers of the title and lead, sorted and distinct.
    numbers: Vec<u64>,
}

impl Profile {
    /// The profile of an article from its title and the text of its lead (any length; only the
    /// first [`LEAD_WORDS`] count).
    pub fn new(background: &Background, title: &str, lead: &str) -> Self {
        let terms = ArticleTerms::new(title, lead);
        let runs = TermRun::of_sorted(background, &terms.sorted);
        Profile::of_runs(background, &runs, terms)
    }

    /// The profile of an article read as `terms`, whose counted terms are `runs`.
    fn of_runs(background: &Background, runs: &[TermRun], terms: ArticleTerms) -> Self {
        let mut weights: Vec<(u64, f64)> = runs
            .iter()
            .map(|run| {
                let count = f64::from(run.count);
                (
                    run.term,
                    (1.0 + f64::ln(count)) * background.idf_of(run.frequency),
                )
            })
            .collect();
        // Kept for each remembered article: no spare capacity.
        weights.shrink_to_fit();
        let norm = weights.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        if norm > 0.0 {
            weights.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        Profile {
            weights,
            names: terms.names,
            numbers: terms.numbers,
        }
    }

    /// The article's distinct terms (its title's and lead's words, stemmed and hashed), to
    /// index it by.
    pub fn terms(&self) -> impl Iterator<Item = u64> + '_ {
        self.weights.iter().map(|&(term, _)| term)
    }
}

/// How alike two articles are, from 0 (nothing shared) to 1 (copies of one wire story).
///
/// TF-IDF cosine over title and lead, discounted by up to 30% when the leads name different
/// people and places (two storms or two central banks share their words, not their names), and
/// raised a little by shared numbers. Weights from the calibration in BENCHMARKS.md. Wire copies
/// need no rule of their own: with the lead shared, the cosine is near 1 whatever the headline
/// (a shingle test for them changed no figure on the fixture, so it was left out).
pub fn similarity(a: &Profile, b: &Profile) -> f64 {
    let cosine = cosine(a, b);
    let names = overlap(&a.names, &b.names);
    let numbers = overlap(&a.numbers, &b.numbers);
    (cosine * (0.7 + 0.3 * names) + 0.1 * numbers).min(1.0)
}

/// The TF-IDF cosine alone, the part of [`similarity`] the calibration compares against.
pub fn cosine(a: &Profile, b: &Profile) -> f64 {
    let mut dot = 0.0;
    for_each_shared(
        &a.weights,
        &b.weights,
        |&(term, _)| term,
        |x, y| dot += x.1 * y.1,
    );
    dot
}

/// A recent article of another feed that a new article might join, with the story it is in.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'p, S> {
    /// The story the candidate belongs to (the caller's id; an article alone has its own).
    pub story: S,
    /// When the candidate's story began: the publication time of its first article.
    pub story_began: DateTime<Utc>,
    /// The publication time of its story's latest article.
    pub story_ended: DateTime<Utc>,
    /// Whether its story already holds an article of the new article's feed (known to the
    /// caller even when that article is not among the candidates).
    pub story_has_feed: bool,
    /// The candidate's feed.
    pub feed: FeedId,
    /// When the candidate was published.
    pub published: DateTime<Utc>,
    /// The candidate's profile.
    pub profile: &'p Profile,
}

/// The story a new article joins, if any: the one holding the most similar candidate at or
/// above [`SAME_STORY`], unless that story already has an article of the new article's feed or
/// would span more than [`STORY_WINDOW`] from its first article with it.
///
/// The same-feed rule and the span are judged from each candidate's story facts
/// (`story_began`, `story_ended`, `story_has_feed`) and from the candidates themselves: a
/// candidate of the new article's own feed rules its story out.
pub fn choose_story<S: Copy + Ord>(
    feed: FeedId,
    published: DateTime<Utc>,
    profile: &Profile,
    candidates: &[Candidate<'_, S>],
) -> Option<S> {
    // Per story: (earliest, latest, has this feed, best similarity).
    // In story order, so that of two equally close stories the same one wins on every run.
    let mut stories: BTreeMap<S, (DateTime<Utc>, DateTime<Utc>, bool, f64)> = BTreeMap::new();
    for candidate in candidates {
        let entry = stories.entry(candidate.story).or_insert((
            published,
            published,
            false,
            f64::NEG_INFINITY,
        ));
        entry.0 = entry.0.min(candidate.story_began).min(candidate.published);
        entry.1 = entry.1.max(candidate.story_ended).max(candidate.published);
        if candidate.feed == feed || candidate.story_has_feed {
            entry.2 = true;
        } else {
            entry.3 = entry.3.max(similarity(profile, candidate.profile));
        }
    }
    stories
        .into_iter()
        .filter(|(_, (first, last, same_feed, score))| {
            !same_feed && *last - *first <= STORY_WINDOW && *score >= SAME_STORY
        })
        .max_by(|a, b| a.1 .3.total_cmp(&b.1 .3))
        .map(|(story, _)| story)
}

/// An article to group: its feed, when it was published, and its profile.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'p> {
    /// The article's feed.
    pub feed: FeedId,
    /// When the article was published.
    pub published: DateTime<Utc>,
    /// The article's profile.
    pub profile: &'p Profile,
}

/// Groups articles as they would arrive one by one (in order of publication), each judged by
/// [`choose_story`] against the earlier ones within [`STORY_WINDOW`]. Returns for each article
/// the index of its story's first article.
pub fn group(articles: &[Arrival<'_>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| (articles[i].published, i));
    let mut story = vec![usize::MAX; articles.len()];
    // Stories are named after their first article, whose time is when the story began.
    for (position, &i) in order.iter().enumerate() {
        let new = &articles[i];
        let candidates: Vec<Candidate<'_, usize>> = order[..position]
            .iter()
            .filter(|&&j| new.published - articles[j].published <= STORY_WINDOW)
            .map(|&j| Candidate {
                story: story[j],
                story_began: articles[story[j]].published,
                // The other articles of the story are among the candidates too.
                story_ended: articles[j].published,
                story_has_feed: false,
                feed: articles[j].feed,
                published: articles[j].published,
                profile: articles[j].profile,
            })
            .collect();
        story[i] = choose_story(new.feed, new.published, new.profile, &candidates).unwrap_or(i);
    }
    story
}

/// A word in more documents of the background than this share of them (and than
/// [`SEARCH_WORD_MIN_LIMIT`]) is too common to look for an article's story with: its matches
/// would be many and say little. Keeps the candidate search's cost bounded whatever the library.
pub const SEARCH_WORD_MAX_SHARE: f64 = 0.01;

/// The document count under which a word is never too common to search with: a story's own
/// words appear in as many documents as it has outlets.
pub const SEARCH_WORD_MIN_LIMIT: u32 = 20;

/// The `n` rarest terms of an article's title and lead (by the background's statistics), with
/// how rare each is (its inverse document frequency), to find candidates with in an index of
/// recent articles' terms, leaving out terms too common to tell anything
/// ([`SEARCH_WORD_MAX_SHARE`]): rare words are both what tells an event apart and what such an
/// index finds fastest. Terms as [`Profile::terms`] gives them, distinct.
pub fn search_terms(background: &Background, title: &str, lead: &str, n: usize) -> Vec<(u64, f64)> {
    let terms = ArticleTerms::new(title, lead);
    rarest(
        background,
        &TermRun::of_sorted(background, &terms.sorted),
        n,
    )
}

/// What the measure reads of an article's title and lead (its first [`LEAD_WORDS`] words):
/// its counted terms, names and numbers. Read once, in one pass over the lead, for both the
/// word statistics ([`Background::add_terms`]) and its profile
/// ([`profile_and_search_terms_of`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleTerms {
    /// Its terms with their positions, sorted (see [`positioned`]).
    sorted: Vec<(u64, u32)>,
    /// As [`Profile::names`].
    names: Vec<u64>,
    /// As [`Profile::numbers`].
    numbers: Vec<u64>,
}

impl ArticleTerms {
    /// What counts of `title` and `lead` (any length; only the first [`LEAD_WORDS`] words of
    /// the lead count).
    pub fn new(title: &str, lead: &str) -> Self {
        let mut reader = WordReader::default();
        // At most a term a word of the lead (stop words are dropped), and about one in six
        // bytes of the title: room for most articles without growing.
        let mut found = Vec::with_capacity(title.len() / 6 + LEAD_WORDS);
        for_each_word(title, |word| found.extend(reader.term(word)));
        let (mut names, mut figures) = (Vec::new(), numbers(title).collect::<Vec<_>>());
        // Words, names and numbers never hold whitespace, so reading them chunk by chunk finds
        // what reading the whole cut lead would, in one walk over it.
        let mut opens_sentence = true;
        for chunk in lead.split_whitespace().take(LEAD_WORDS) {
            for_each_word(chunk, |word| found.extend(reader.term(word)));
            figures.extend(numbers(chunk));
            let opened = opens_sentence;
            opens_sentence = chunk.ends_with(['.', '!', '?', ':', '"', '\u{201d}']);
            if !opened {
                names.extend(reader.name(chunk));
            }
        }
        ArticleTerms {
            sorted: positioned(&found),
            names: sorted(names),
            numbers: sorted(figures),
        }
    }
}

/// An article's [`Profile`] and its [`search_terms`], its words read once for both.
pub fn profile_and_search_terms(
    background: &Background,
    title: &str,
    lead: &str,
    n: usize,
) -> (Profile, Vec<(u64, f64)>) {
    profile_and_search_terms_of(background, ArticleTerms::new(title, lead), n)
}

/// As [`profile_and_search_terms`], the article read already.
pub fn profile_and_search_terms_of(
    background: &Background,
    terms: ArticleTerms,
    n: usize,
) -> (Profile, Vec<(u64, f64)>) {
    let runs = TermRun::of_sorted(background, &terms.sorted);
    let search = rarest(background, &runs, n);
    (Profile::of_runs(background, &runs, terms), search)
}

/// The `n` rarest of an article's distinct terms, as [`search_terms`] chooses them.
fn rarest(background: &Background, runs: &[TermRun], n: usize) -> Vec<(u64, f64)> {
    let most =
        SEARCH_WORD_MIN_LIMIT.max((f64::from(background.documents) * SEARCH_WORD_MAX_SHARE) as u32);
    let mut found: Vec<&TermRun> = runs.iter().filter(|run| run.frequency <= most).collect();
    // Rarest first; of equally rare words, the earlier (the title's before the lead's).
    found.sort_unstable_by(|a, b| a.frequency.cmp(&b.frequency).then(a.first.cmp(&b.first)));
    found
        .into_iter()
        .take(n)
        .map(|run| (run.term, background.idf_of(run.frequency)))
        .collect()
}

/// The part of an article's text the measure reads: its first [`LEAD_WORDS`] words.
pub fn lead(text: &str) -> &str {
    first_words(text, LEAD_WORDS)
}

/// The first `n` whitespace-separated words of `text`, as a slice of it.
fn first_words(text: &str, n: usize) -> &str {
    let mut words = 0;
    let mut end = text.len();
    runs_of(
        text,
        |c| !c.is_whitespace(),
        |start, _| {
            if words == n {
                end = start;
                return ControlFlow::Break(());
            }
            words += 1;
            ControlFlow::Continue(())
        },
    );
    text.get(..end).unwrap_or(text)
}

/// The counted terms of an article: its title's and lead's words (split at anything not a
/// letter or digit, any script, and lowercased), stop words dropped, stemmed.
fn terms(title: &str, lead: &str) -> Vec<u64> {
    let mut reader = WordReader::default();
    // About one term in six bytes of news text: room for most articles without growing.
    let mut found = Vec::with_capacity((title.len() + lead.len()) / 6);
    for text in [title, lead] {
        for_each_word(text, |word| found.extend(reader.term(word)));
    }
    found
}

/// Makes words into terms and names, with one buffer for every word's lowercase: this runs
/// for each word of each arrival.
#[derive(Default)]
struct WordReader {
    lower: String,
}

impl WordReader {
    /// The term of a word (split as [`for_each_word`] splits), unless it is a stop word:
    /// lowercased, stemmed and hashed.
    fn term(&mut self, word: &str) -> Option<u64> {
        // Most words are ASCII and their own stem: hashed as they are lowercased, byte by
        // byte, without a copy.
        if word.is_ascii() && is_own_stem(word) {
            let hash = hash_bytes(word.bytes().map(|b| b.to_ascii_lowercase()));
            return (!is_stop_hash(hash)).then_some(hash);
        }
        lowercase_into(&mut self.lower, word);
        let hash = hash_str(&self.lower);
        (!is_stop_hash(hash)).then(|| stemmed_hash(&self.lower, hash))
    }

    /// The name a chunk of a lead (a whitespace-separated piece) is, read as a term, if it is
    /// one: its first letter or digit a capital, and neither a stop word nor a date. The
    /// caller knows whether it opens a sentence (where every word is capitalized).
    fn name(&mut self, chunk: &str) -> Option<u64> {
        // Most words are not names, so the word is cut out of its punctuation only for those
        // that may be.
        let capitalized = chunk
            .chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(char::is_uppercase);
        if !capitalized {
            return None;
        }
        lowercase_into(
            &mut self.lower,
            chunk.trim_matches(|c: char| !c.is_alphanumeric()),
        );
        let hash = hash_str(&self.lower);
        let name = !is_stop_hash(hash) && !CALENDAR.contains(&self.lower.as_str());
        name.then(|| stemmed_hash(&self.lower, hash))
    }
}

/// Calls `each` on every word of `text`: its runs of letters and digits, any script.
fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    runs_of(text, char::is_alphanumeric, |start, end| {
        if let Some(word) = text.get(start..end) {
            each(word);
        }
        ControlFlow::Continue(())
    });
}

/// Puts `word` lowercased in `lower`, without allocating when it is ASCII.
fn lowercase_into(lower: &mut String, word: &str) {
    if word.is_ascii() {
        lower.clear();
        lower.push_str(word);
        lower.make_ascii_lowercase();
    } else {
        *lower = word.to_lowercase();
    }
}

/// The term of a lowercased word whose hash ([`hash_str`]) is `hash`: its stem's hash.
fn stemmed_hash(lower: &str, hash: u64) -> u64 {
    match stem(lower) {
        // Most words are their own stem: their hash is known already.
        Cow::Borrowed(stem) if stem.len() == lower.len() => hash,
        stem => hash_str(&stem),
    }
}

/// Whether the word of this hash ([`hash_str`]) is a stop word.
fn is_stop_hash(hash: u64) -> bool {
    // A set of the words' hashes, not the list: every word of every arriving article is looked
    // up, and its hash is wanted anyway.
    static SET: LazyLock<HashSet<u64, BuildHasherDefault<TermHasher>>> =
        LazyLock::new(|| STOP_WORDS.iter().map(|w| hash_str(w)).collect());
    SET.contains(&hash)
}

/// Whether [`stem`] leaves a word (in any case) as it is, known from its last letter alone:
/// every ending the stemmer takes off ends in "s".
fn is_own_stem(word: &str) -> bool {
    !word.ends_with(['s', 'S'])
}

/// A light English stemmer: plurals and possessives only, so "rates" meets "rate" and
/// "storm's" meets "storm" without the false meetings of a full stemmer.
fn stem(word: &str) -> Cow<'_, str> {
    // Digits are ASCII, so their bytes find them; only a word that is not ASCII has fewer
    // characters than bytes.
    let short = word.len() <= 3 || (!word.is_ascii() && word.chars().count() <= 3);
    if short || word.bytes().any(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(word);
    }
    if let Some(base) = word.strip_suffix("ies") {
        return Cow::Owned(format!("{base}y"));
    }
    for (suffix, keep) in [("sses", 2), ("xes", 1), ("ches", 2), ("shes", 2)] {
        if let Some(base) = word.strip_suffix(suffix) {
            return Cow::Borrowed(&word[..base.len() + keep]);
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return Cow::Borrowed(word);
    }
    Cow::Borrowed(word.strip_suffix('s').unwrap_or(word))
}

/// Numbers in `text` ("0.25", "3,000", "2-1" as "2" and "1"), as written without separators.
fn numbers(text: &str) -> impl Iterator<Item = u64> + '_ {
    // Runs of digits, points and commas, found byte by byte: splitting at every other
    // character made an empty piece of each, which cost more than the rest of a profile.
    let bytes = text.as_bytes();
    let in_number = |b: u8| b.is_ascii_digit() || b == b'.' || b == b',';
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let start = at + bytes.get(at..)?.iter().position(|&b| in_number(b))?;
        let len = bytes[start..].iter().take_while(|&&b| in_number(b)).count();
        at = start + len;
        let n = text.get(start..at)?.trim_matches(['.', ',']);
        if n.bytes().any(|b| b.is_ascii_digit()) {
            return Some(hash_bytes(n.bytes().filter(|&b| b != b',')));
        }
    })
}

fn sorted(items: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let mut items: Vec<u64> = items.into_iter().collect();
    items.sort_unstable();
    items.dedup();
    items
}

/// Calls `shared` on each pair of items with the same key in two lists sorted by that key.
fn for_each_shared<T>(a: &[T], b: &[T], key: impl Fn(&T) -> u64, mut shared: impl FnMut(&T, &T)) {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match key(x).cmp(&key(y)) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared(x, y);
                i += 1;
                j += 1;
            }
        }
    }
}

/// Shared items over the shorter list: a brief lead naming two of the longer one's five names
/// still agrees on who the story is about.
fn overlap(a: &[u64], b: &[u64]) -> f64 {
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        0.0
    } else {
        let mut common = 0;
        for_each_shared(a, b, |&x| x, |_, _| common += 1);
        f64::from(common) / shorter as f64
    }
}

/// FNV-1a: terms are compared as 64-bit hashes, which is fast and the same on every run.
fn hash_str(text: &str) -> u64 {
    hash_bytes(text.bytes())
}

fn hash_bytes(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hashes a term for a map keyed by terms: a term is already a hash, so it is its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct TermHasher(u64);

impl Hasher for TermHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(bytes.iter().copied()) ^ self.0.rotate_left(5);
    }
    fn write_u64(&mut self, term: u64) {
        self.0 = term;
    }
}

/// A map keyed by terms (see [`TermHasher`]).
pub type TermMap<V> = HashMap<u64, V, BuildHasherDefault<TermHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(words: &[&str]) -> Vec<u64> {
        sorted(words.iter().map(|w| hash_str(w)))
    }

    #[test]
    fn the_stemmer_meets_plurals_and_possessives_and_leaves_other_endings() {
        for (word, stem_) in [
            ("rates", "rate"),
            ("storms", "storm"),
            ("companies", "company"),
            ("taxes", "tax"),
            ("crashes", "crash"),
            ("losses", "loss"),
            ("bus", "bus"),
            ("crisis", "crisis"),
            ("congress", "congress"),
            ("gas", "gas"),
            ("1990s", "1990s"),
        ] {
            assert_eq!(stem(word), stem_, "{word}");
        }
    }

    #[test]
    fn a_words_term_is_the_hash_of_its_lowercase_stem_whichever_way_it_is_read() {
        // The fixture's words, and capitals' plurals it lacks.
        let fixture = include_str!("../tests/fixtures/stories/news-week-ten-outlets.json");
        let text = format!("{fixture} RATES Storms TAXES COMPANIES Crisis US");
        let mut reader = WordReader::default();
        let (mut words, mut own_stems) = (0, 0);
        for_each_word(&text, |word| {
            let lower = word.to_lowercase();
            let hash = hash_str(&lower);
            let term = (!is_stop_hash(hash)).then(|| hash_str(&stem(&lower)));
            assert_eq!(reader.term(word), term, "{word}");
            if is_own_stem(word) {
                assert_eq!(stem(&lower), lower, "{word}");
                own_stems += 1;
            }
            words += 1;
        });
        // Both ways of reading were taken, many times.
        assert!(
            own_stems > 1000 && words - own_stems > 100,
            "{own_stems} of {words}"
        );
    }

    #[test]
    fn the_lead_counts_only_its_first_words() {
        assert_eq!(first_words("one two  three four", 2), "one two  ");
        assert_eq!(first_words("one two", 5), "one two");
        assert_eq!(first_words("", 5), "");
        // Any whitespace, as `split_whitespace` reads it: no-break, ideographic, vertical tab.
        assert_eq!(
            first_words("\u{a0}un\u{a0}deux\u{3000}trois\u{b}quatre", 2),
            "\u{a0}un\u{a0}deux\u{3000}"
        );
        assert_eq!(first_words("Zürich’s école\u{b}", 1), "Zürich’s ");
    }

    #[test]
    fn numbers_keep_decimals_and_drop_thousands_separators() {
        let found = sorted(numbers("Rates at 3.75%, 3,000 homes; won 2-1 in 2026."));
        assert_eq!(found, hashes(&["3.75", "3000", "2", "1", "2026"]));
    }

    #[test]
    fn a_lead_read_in_one_pass_gives_the_terms_and_numbers_of_its_first_words_read_whole() {
        let title = "U.S.-China talks: 3.75% rates, 2-1 win";
        // 61 chunks and more: the 61st on ("Paris", "1999") must not count. Chunks with several
        // words and numbers in them, and whitespace other than spaces, among them.
        let mut lead = String::from(
            "Officials in\u{a0}Beijing said 3,000 homes\u{3000}lost power; the 2-1 vote (U.S.-led) \
             passed.\u{b}Markets rose 0.25%. ",
        );
        while lead.split_whitespace().count() < LEAD_WORDS {
            lead.push_str("Trade talks resumed ");
        }
        lead.push_str("in Paris in 1999 after Geneva.");
        let read = ArticleTerms::new(title, &lead);
        let cut = first_words(&lead, LEAD_WORDS);
        assert!(!cut.contains("Paris"), "{cut}");
        assert_eq!(read.sorted, positioned(&terms(title, cut)));
        assert_eq!(read.numbers, sorted(numbers(title).chain(numbers(cut))));
        assert!(!read.numbers.contains(&hashes(&["1999"])[0]));
        assert!(read.names.contains(&hashes(&["beijing"])[0]));
        assert!(!read.names.contains(&hashes(&["paris"])[0]));
    }

    #[test]
    fn names_are_capitalized_words_inside_sentences_not_sentence_openers() {
        let read = ArticleTerms::new(
            "Storm Orla hit Galway",
            "Storm Orla hit Galway. Schools in Mayo closed, The Met said on “Monday”.",
        );
        assert_eq!(read.names, hashes(&["orla", "galway", "mayo", "met"]));
    }

    #[test]
    fn search_terms_are_the_rarest_of_title_and_lead_title_first_among_equals() {
        let background = Background::from_documents([
            ("Storm hits coast", "The storm hit the coast."),
            ("Storm Orla hits Galway", "Schools closed."),
        ]);
        let found: Vec<u64> = search_terms(
            &background,
            "Storm hits Mayo",
            "Orla hit the storm coast.",
            3,
        )
        .into_iter()
        .map(|(term, _)| term)
        .collect();
        // "mayo" was never seen; "orla" and "coast" once each ("orla" comes first); "storm" and
        // "hit" (as "hits" too) are in every document.
        assert_eq!(found, ["mayo", "orla", "coast"].map(hash_str));
    }

    #[test]
    fn words_in_more_than_a_hundredth_of_a_large_background_are_not_searched_with() {
        let common = "Leaders meet as markets wait";
        let mut background = Background::default();
        for _ in 0..3000 {
            background.add(common, "");
        }
        for _ in 0..30 {
            background.add("Orla", "");
        }
        // 30 of 3,030 documents is just under a hundredth; "leaders" is in nearly all.
        let found: Vec<u64> = search_terms(&background, common, "Orla nears.", 10)
            .into_iter()
            .map(|(term, _)| term)
            .collect();
        // "nears" as its stem, as terms are.
        assert_eq!(found, ["near", "orla"].map(hash_str));
    }

    #[test]
    fn words_are_read_byte_by_byte_as_a_split_at_every_non_alphanumeric_character_reads_them() {
        for text in [
            "Zürich’s ÉCOLE, Москва-2026",
            "plain ascii, 3.75% and 2-1 — then “quoted” words",
            "ends in a word",
            "\u{a0}nbsp\u{a0}around\u{a0}",
            "日本の GDP 成長",
            "",
            "...",
        ] {
            let mut read = Vec::new();
            for_each_word(text, |word| read.push(word.to_string()));
            let split: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(read, split, "{text:?}");
        }
    }

    #[test]
    fn any_script_is_split_into_lowercase_words() {
        let found = terms("Zürich’s ÉCOLE, Москва-2026", "");
        assert_eq!(
            found,
            ["zürich", "s", "école", "москва", "2026"].map(hash_str)
        );
    }
}
